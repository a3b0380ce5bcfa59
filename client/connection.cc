#include "client/connection.h"

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace icr::client {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat(path, ": cannot read"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

constexpr char kServerErrorPayload[] = "icr.client/server-error";

}  // namespace

absl::Status ServerError(const grpc::Status& status) {
  absl::Status error(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  error.SetPayload(kServerErrorPayload, absl::Cord("1"));
  return error;
}

bool IsServerError(const absl::Status& status) {
  return status.GetPayload(kServerErrorPayload).has_value();
}

absl::Status ResolveToken(GlobalOptions& globals) {
  // The most specific choice wins: a flag names this one command's token, the
  // environment a shell's, and the data directory's admin token is only a
  // newcomer's fallback. An unreadable --token_file is an error, never a
  // silent fall back to another identity.
  constexpr char kFallback[] = "./icr-data/admin.token";
  std::string path;
  if (!globals.token_file.empty()) {
    path = globals.token_file;
    globals.token_source = absl::StrCat("--token_file ", path);
  } else if (const char* env = std::getenv("ICR_TOKEN"); env != nullptr && *env != '\0') {
    globals.token = std::string(absl::StripAsciiWhitespace(env));
    globals.token_source = "environment ICR_TOKEN";
    return absl::OkStatus();
  } else if (std::ifstream(kFallback).good()) {
    path = kFallback;
    globals.token_source = absl::StrCat(kFallback, " (no --token_file, no ICR_TOKEN)");
  } else {
    return absl::FailedPreconditionError(
        "no token: pass --token_file FILE or set ICR_TOKEN (the admin's token is in "
        "DATA_DIR/admin.token)");
  }
  absl::StatusOr<std::string> token = ReadFile(path);
  if (!token.ok()) return token.status();
  globals.token = std::string(absl::StripAsciiWhitespace(*token));
  if (globals.token.empty()) return absl::FailedPreconditionError(absl::StrCat(path, ": empty"));
  return absl::OkStatus();
}

std::string NewRequestId() {
  std::random_device device;
  return absl::StrCat("cli-", absl::Hex(device(), absl::kZeroPad8),
                      absl::Hex(device(), absl::kZeroPad8), absl::Hex(device(), absl::kZeroPad8));
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const GlobalOptions& globals) {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (!globals.tls_ca.empty()) {
    grpc::SslCredentialsOptions ssl;
    absl::StatusOr<std::string> ca = ReadFile(globals.tls_ca);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    if (!globals.tls_cert.empty()) {
      absl::StatusOr<std::string> cert = ReadFile(globals.tls_cert);
      absl::StatusOr<std::string> key = ReadFile(globals.tls_key);
      if (!cert.ok()) return cert.status();
      if (!key.ok()) return key.status();
      ssl.pem_cert_chain = *cert;
      ssl.pem_private_key = *key;
    }
    credentials = grpc::SslCredentials(ssl);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  arguments.SetMaxSendMessageSize(64 << 20);
  auto connection = std::unique_ptr<Connection>(new Connection());
  connection->channel_ = grpc::CreateCustomChannel(globals.server, credentials, arguments);
  connection->authorization_ = absl::StrCat("Bearer ", globals.token);
  connection->admin_ = v1::AdminService::NewStub(connection->channel_);
  connection->project_ = v1::ProjectService::NewStub(connection->channel_);
  connection->audit_ = v1::AuditService::NewStub(connection->channel_);
  connection->coding_ = v1::CodingService::NewStub(connection->channel_);
  connection->agreement_ = v1::AgreementService::NewStub(connection->channel_);
  return connection;
}

void Connection::Prepare(grpc::ClientContext& context) const {
  context.AddMetadata("authorization", authorization_);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
}

}  // namespace icr::client
