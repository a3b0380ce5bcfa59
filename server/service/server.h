#ifndef ICR_SERVER_SERVICE_SERVER_H_
#define ICR_SERVER_SERVICE_SERVER_H_

// An icr server: the RocksDB store, the writer, the catalog and the gRPC
// services, started together and stopped together. Used by icr-server's main
// and by the in-process tests.

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "server/service/rate_limiter.h"

namespace icr::service {

struct ServerOptions {
  // "HOST:PORT"; port 0 picks a free port (see IcrServer::port()).
  std::string listen = "127.0.0.1:50051";
  std::string data_dir = "./icr-data";
  // Sync the WAL before acknowledging a write (DESIGN §4).
  bool sync = true;
  // Where AdminService.Backup writes, one subdirectory per backup id; an
  // absolute path. Empty: backups are off (FAILED_PRECONDITION).
  std::string backup_dir;
  // Sign with a new audit key (the old key file, if any, kept aside as
  // retired), recorded as an event of the server chain. Without it, a data
  // directory whose database holds events but whose key file is missing is
  // refused: heads signed before would no longer verify.
  bool rotate_signing_key = false;
  // TLS (DESIGN §7): PEM files of the server's certificate chain and private
  // key. With `tls_client_ca` as well, clients must present a certificate
  // signed by that CA (mutual TLS).
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;
  // Serve plaintext on an address other than loopback.
  bool allow_insecure = false;
  // Largest request or response message; a larger one is RESOURCE_EXHAUSTED.
  int max_message_bytes = 64 << 20;
  // Largest document text (RESOURCE_EXHAUSTED).
  size_t max_document_bytes = 16 << 20;
  // Time and memory of the tool extracting a document's text from a file.
  absl::Duration extraction_time_limit = absl::Seconds(30);
  size_t extraction_memory_bytes = size_t{1} << 30;
  // Most codings in one SubmitCodings request or ImportCodings message
  // (RESOURCE_EXHAUSTED).
  int max_batch = 10000;
  // Most gRPC handler threads.
  int max_threads = 64;
  // Per-token request rate and open streams (see rate_limiter.h): the rate
  // limit is off by default; a token holds at most 8 streams, the server 32.
  RateLimits limits;
};

class IcrServer {
 public:
  // Opens the data directory (creating it), creates the admin user on first
  // start (its token in DATA_DIR/admin.token, mode 0600), and starts serving.
  static absl::StatusOr<std::unique_ptr<IcrServer>> Start(const ServerOptions& options);
  ~IcrServer();
  IcrServer(const IcrServer&) = delete;
  IcrServer& operator=(const IcrServer&) = delete;

  // The port actually bound.
  int port() const { return port_; }
  // Path of the admin token file when this start created it, else nullopt.
  const std::optional<std::string>& created_admin_token_file() const {
    return created_admin_token_file_;
  }

  // Stops accepting calls, lets running calls finish (up to a deadline), and
  // commits what is queued. Idempotent.
  void Shutdown();

  grpc::Server* grpc_server() { return server_.get(); }

 private:
  struct Parts;
  explicit IcrServer(std::unique_ptr<Parts> parts);

  std::unique_ptr<Parts> parts_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::optional<std::string> created_admin_token_file_;
  bool shut_down_ = false;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_SERVER_H_
