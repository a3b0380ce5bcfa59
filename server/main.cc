// icr-server: the inter-coder reliability and audit server.

#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "server/http/http_gateway.h"
#include "server/service/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "HOST:PORT to serve gRPC on");
ABSL_FLAG(std::string, data_dir, "./icr-data", "directory of the RocksDB database and keys");
ABSL_FLAG(bool, sync, true,
          "sync the write-ahead log before acknowledging a write; --sync=false is faster but an "
          "OS crash or power loss may lose the last acknowledged writes");
ABSL_FLAG(std::string, backup_dir, "",
          "absolute directory where `icr admin backup ID` writes (one subdirectory per backup, "
          "mode 0700); empty: backups are off");
ABSL_FLAG(bool, rotate_signing_key, false,
          "sign audit heads with a new key from this start on, recorded on the server's audit "
          "chain (the old key file is kept aside); needed to start when the key file is lost");
ABSL_FLAG(bool, allow_insecure, false, "serve plaintext on an address other than loopback");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain: serve TLS");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA: require client certificates signed by it (mutual TLS)");
ABSL_FLAG(int64_t, max_document_bytes, 16 << 20, "largest document text accepted, in bytes");
ABSL_FLAG(absl::Duration, extraction_time_limit, absl::Seconds(30),
          "longest a document file's text extraction (pandoc, pdftotext) may run");
ABSL_FLAG(int64_t, extraction_memory_bytes, int64_t{1} << 30,
          "most memory (address space) a document file's text extraction may use");
ABSL_FLAG(int32_t, max_threads, 64, "most gRPC handler threads");
ABSL_FLAG(int32_t, max_message_bytes, 64 << 20,
          "largest request or response message, in bytes (larger: RESOURCE_EXHAUSTED)");
ABSL_FLAG(int32_t, max_batch, 10000,
          "most codings in one SubmitCodings request or ImportCodings message");
ABSL_FLAG(double, rate_limit_per_token, 0,
          "requests per second one token may make, sustained; 0: no limit");
ABSL_FLAG(double, rate_limit_burst, 0,
          "requests one idle token may make at once; 0: max(1, --rate_limit_per_token)");
ABSL_FLAG(int32_t, max_streams_per_token, 8,
          "streams (ImportCodings, ExportAudit, WatchAgreement) one token may hold open; "
          "0: no limit");
ABSL_FLAG(int32_t, max_streams, 32,
          "streams open at once over all tokens; 0: no limit (keep it below --max_threads)");

ABSL_FLAG(std::string, http_listen, "",
          "HOST:PORT to serve the browser app and the JSON API on (e.g. 127.0.0.1:8080); empty: "
          "off. Plaintext only on loopback unless --allow_insecure; HTTPS with --tls_cert");
ABSL_FLAG(std::string, web_root, "",
          "directory of the built browser app; empty: web/ beside the directory of this binary "
          "(build/web in the build tree)");
ABSL_FLAG(int32_t, http_threads, 32, "threads serving ordinary HTTP requests");
ABSL_FLAG(int32_t, max_event_streams, 256,
          "browser event streams open at once (each holds an HTTP thread of its own)");
ABSL_FLAG(int32_t, max_event_streams_per_user, 8, "browser event streams one user may hold");

namespace {

// web/ beside the directory of this binary: build/server/icr-server serves
// build/web, /usr/local/bin/icr-server serves /usr/local/web.
std::string DefaultWebRoot() {
  char path[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (length <= 0) return "web";
  std::string binary(path, static_cast<size_t>(length));
  std::string dir = binary.substr(0, binary.rfind('/'));
  return dir.substr(0, dir.rfind('/')) + "/web";
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "icr-server: inter-coder reliability and audit server.\n"
      "  icr-server --listen 127.0.0.1:50051 --data_dir ./icr-data [--sync=false]");
  // --help lists the flags of this file (absl matches a file named after
  // the binary, "icr-server", which there is none of).
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "server/main.cc");
  };
  absl::SetFlagsUsageConfig(usage);
  absl::ParseCommandLine(argc, argv);

  // SIGTERM and SIGINT are taken by this thread alone (blocked in every
  // thread started after this), so shutdown runs here, not in a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  icr::service::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.sync = absl::GetFlag(FLAGS_sync);
  options.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  options.rotate_signing_key = absl::GetFlag(FLAGS_rotate_signing_key);
  options.allow_insecure = absl::GetFlag(FLAGS_allow_insecure);
  options.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  options.max_document_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_document_bytes));
  options.extraction_time_limit = absl::GetFlag(FLAGS_extraction_time_limit);
  options.extraction_memory_bytes =
      static_cast<size_t>(absl::GetFlag(FLAGS_extraction_memory_bytes));
  options.max_threads = absl::GetFlag(FLAGS_max_threads);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.max_batch = absl::GetFlag(FLAGS_max_batch);
  options.limits.requests_per_second = absl::GetFlag(FLAGS_rate_limit_per_token);
  options.limits.burst = absl::GetFlag(FLAGS_rate_limit_burst);
  options.limits.max_streams_per_token = absl::GetFlag(FLAGS_max_streams_per_token);
  options.limits.max_streams = absl::GetFlag(FLAGS_max_streams);
  auto server = icr::service::IcrServer::Start(options);
  if (!server.ok()) {
    std::cerr << "icr-server: " << server.status().message() << std::endl;
    return 1;
  }
  if ((*server)->created_admin_token_file()) {
    std::cout << "icr-server: created user admin; its token is in "
              << *(*server)->created_admin_token_file() << " (mode 0600)" << std::endl;
  }
  std::cout << "icr-server: listening on port " << (*server)->port()
            << (options.tls_cert.empty() ? " (plaintext)" : " (TLS)") << ", data in "
            << options.data_dir << (options.sync ? "" : " (--sync=false)") << std::endl;

  std::unique_ptr<icr::http::HttpGateway> gateway;
  if (!absl::GetFlag(FLAGS_http_listen).empty()) {
    icr::http::HttpOptions http;
    http.listen = absl::GetFlag(FLAGS_http_listen);
    http.web_root =
        absl::GetFlag(FLAGS_web_root).empty() ? DefaultWebRoot() : absl::GetFlag(FLAGS_web_root);
    http.tls_cert = options.tls_cert;
    http.tls_key = options.tls_key;
    http.allow_insecure = options.allow_insecure;
    http.max_body_bytes = static_cast<size_t>(options.max_message_bytes) * 2;
    http.request_threads = absl::GetFlag(FLAGS_http_threads);
    http.streams.max_streams = absl::GetFlag(FLAGS_max_event_streams);
    http.streams.max_streams_per_user = absl::GetFlag(FLAGS_max_event_streams_per_user);
    auto started = icr::http::HttpGateway::Start(
        http, (*server)->grpc_server()->InProcessChannel(grpc::ChannelArguments()));
    if (!started.ok()) {
      std::cerr << "icr-server: " << started.status().message() << std::endl;
      (*server)->Shutdown();
      return 1;
    }
    gateway = *std::move(started);
    std::cout << "icr-server: browser app and JSON API on "
              << (http.tls_cert.empty() ? "http" : "https") << "://"
              << http.listen.substr(0, http.listen.rfind(':')) << ":" << gateway->port()
              << "/ (app from " << http.web_root << ")" << std::endl;
  }

  int received = 0;
  sigwait(&signals, &received);
  std::cout << "icr-server: " << (received == SIGTERM ? "SIGTERM" : "SIGINT") << ", shutting down"
            << std::endl;
  if (gateway) gateway->Shutdown();
  (*server)->Shutdown();
  std::cout << "icr-server: stopped" << std::endl;
  return 0;
}
