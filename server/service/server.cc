#include "server/service/server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/audit/audit_log.h"
#include "server/audit/signing.h"
#include "server/catalog/catalog.h"
#include "server/common/status_macros.h"
#include "server/coding/codings.h"
#include "server/service/authorizer.h"
#include "server/live/live_agreement.h"
#include "server/service/admin_service.h"
#include "server/service/agreement_service.h"
#include "server/service/audit_service.h"
#include "server/service/report_service.h"
#include "server/service/coding_service.h"
#include "server/service/project_service.h"
#include "server/storage/store.h"
#include "server/storage/writer.h"

namespace icr::service {

struct IcrServer::Parts {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<storage::Writer> writer;
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<coding::Codings> codings;
  std::optional<audit::SigningKey> signing_key;
  std::unique_ptr<audit::AuditLog> audit_log;
  std::unique_ptr<Authorizer> authorizer;
  std::unique_ptr<AdminServiceImpl> admin_service;
  std::unique_ptr<ProjectServiceImpl> project_service;
  std::unique_ptr<AuditServiceImpl> audit_service;
  std::unique_ptr<ReportServiceImpl> report_service;
  std::unique_ptr<CodingServiceImpl> coding_service;
  std::unique_ptr<live::LiveAgreement> live;
  std::unique_ptr<AgreementServiceImpl> agreement_service;
};

namespace {

bool IsLoopback(const std::string& listen) {
  return absl::StartsWith(listen, "127.") || absl::StartsWith(listen, "localhost:") ||
         absl::StartsWith(listen, "[::1]:") || absl::StartsWith(listen, "unix:");
}

// Writes `token` to `path`, readable by the owner only, never via a log.
absl::Status WriteSecretFile(const std::string& path, const std::string& token) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot write ", path));
  ::fchmod(fd, 0600);
  const std::string line = token + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::fsync(fd);
  ::close(fd);
  if (!ok) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (buffer.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, " is not a PEM file"));
  }
  return buffer.str();
}

// TLS credentials from the options, or plaintext ones (only on loopback
// unless allowed).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (options.tls_cert.empty()) {
    if (!options.tls_client_ca.empty()) {
      return absl::InvalidArgumentError("--tls_client_ca needs --tls_cert and --tls_key");
    }
    if (!IsLoopback(options.listen) && !options.allow_insecure) {
      return absl::FailedPreconditionError(absl::StrCat(
          "--listen ", options.listen,
          " is not a loopback address: serve TLS (--tls_cert, --tls_key) or pass "
          "--allow_insecure"));
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ICR_ASSIGN_OR_RETURN(pair.cert_chain, ReadPem("--tls_cert", options.tls_cert));
  ICR_ASSIGN_OR_RETURN(pair.private_key, ReadPem("--tls_key", options.tls_key));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.tls_client_ca.empty()) {
    ICR_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem("--tls_client_ca", options.tls_client_ca));
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

// A checkpoint of the database into DIR/db, and the audit keys beside it, so
// that `icr-server --data_dir DIR` serves the copy with the same signing key.
absl::StatusOr<v1::BackupResponse> Backup(const storage::Store& store, catalog::Catalog& catalog,
                                          const std::string& data_dir, const catalog::Actor& actor,
                                          const v1::BackupRequest& request) {
  const std::filesystem::path dir(request.directory());
  if (request.directory().empty() || !dir.is_absolute()) {
    return absl::InvalidArgumentError("directory: an absolute path on the server is required");
  }
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    return absl::AlreadyExistsError(absl::StrCat("directory: ", dir.string(), " already exists"));
  }
  if (!std::filesystem::create_directories(dir, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("directory: cannot create ", dir.string(), ": ", error.message()));
  }
  ICR_ASSIGN_OR_RETURN(int64_t bytes, store.Checkpoint((dir / "db").string()));
  for (const char* key : {"audit-signing-key.pem", "audit-public-key.pem"}) {
    const std::filesystem::path from = std::filesystem::path(data_dir) / key;
    if (!std::filesystem::exists(from, error)) continue;
    std::filesystem::copy_file(from, dir / key, error);
    if (error) {
      return absl::InternalError(absl::StrCat("copying ", key, ": ", error.message()));
    }
    bytes += static_cast<int64_t>(std::filesystem::file_size(dir / key, error));
  }
  std::filesystem::permissions(dir / "audit-signing-key.pem", std::filesystem::perms::owner_read |
                                   std::filesystem::perms::owner_write,
                               error);
  v1::BackupResponse response;
  response.set_directory(dir.string());
  response.set_bytes(bytes);
  ICR_RETURN_IF_ERROR(catalog.RecordServerEvent(
      actor, "/icr.v1.AdminService/Backup", request,
      absl::StrCat("backup of ", bytes, " bytes to ", dir.string())));
  return response;
}

}  // namespace

absl::StatusOr<std::unique_ptr<IcrServer>> IcrServer::Start(const ServerOptions& options) {
  ICR_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials, Credentials(options));
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot create ", options.data_dir, ": ", error.message()));
  }

  auto parts = std::make_unique<Parts>();
  storage::StoreOptions store_options;
  store_options.sync = options.sync;
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::Store::Open(options.data_dir + "/db", store_options);
  if (!store.ok()) return store.status();
  parts->store = *std::move(store);
  parts->writer = std::make_unique<storage::Writer>(*parts->store, storage::WriterOptions{});
  catalog::CatalogOptions catalog_options;
  catalog_options.max_document_bytes = options.max_document_bytes;
  parts->catalog = std::make_unique<catalog::Catalog>(*parts->store, *parts->writer, catalog_options);
  coding::CodingsOptions codings_options;
  codings_options.max_batch = options.max_batch;
  parts->codings =
      std::make_unique<coding::Codings>(*parts->store, *parts->writer, codings_options);
  parts->authorizer = std::make_unique<Authorizer>(*parts->catalog, options.limits);
  // The Ed25519 key that signs tree heads (DESIGN §5): created on first
  // start, private key mode 0600; the public key is written beside
  // admin.token for reviewers.
  absl::StatusOr<audit::SigningKey> signing_key = audit::SigningKey::LoadOrCreate(
      options.data_dir + "/audit-signing-key.pem", options.data_dir + "/audit-public-key.pem");
  if (!signing_key.ok()) return signing_key.status();
  parts->signing_key.emplace(*std::move(signing_key));
  parts->audit_log = std::make_unique<audit::AuditLog>(*parts->store, *parts->signing_key);
  parts->admin_service = std::make_unique<AdminServiceImpl>(
      *parts->catalog, *parts->authorizer,
      [store = parts->store.get(), catalog = parts->catalog.get(), data_dir = options.data_dir](
          const catalog::Actor& actor,
          const v1::BackupRequest& request) -> absl::StatusOr<v1::BackupResponse> {
        return Backup(*store, *catalog, data_dir, actor, request);
      });
  parts->project_service =
      std::make_unique<ProjectServiceImpl>(*parts->catalog, *parts->authorizer);
  parts->audit_service =
      std::make_unique<AuditServiceImpl>(*parts->catalog, *parts->audit_log, *parts->authorizer);
  parts->coding_service = std::make_unique<CodingServiceImpl>(*parts->codings, *parts->authorizer);
  parts->live = std::make_unique<live::LiveAgreement>(*parts->store, *parts->writer,
                                                     *parts->codings, live::LiveOptions{});
  parts->report_service = std::make_unique<ReportServiceImpl>(*parts->catalog, *parts->audit_log,
                                                              *parts->live, *parts->authorizer);
  parts->agreement_service =
      std::make_unique<AgreementServiceImpl>(*parts->live, *parts->authorizer);

  std::optional<std::string> created_token_file;
  absl::StatusOr<std::optional<std::string>> admin_token = parts->catalog->BootstrapAdmin();
  if (!admin_token.ok()) return admin_token.status();
  if (admin_token->has_value()) {
    const std::string path = options.data_dir + "/admin.token";
    if (absl::Status s = WriteSecretFile(path, **admin_token); !s.ok()) return s;
    created_token_file = path;
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, credentials, &port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  grpc::ResourceQuota quota("icr-server");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  builder.RegisterService(parts->admin_service.get());
  builder.RegisterService(parts->project_service.get());
  builder.RegisterService(parts->audit_service.get());
  builder.RegisterService(parts->report_service.get());
  builder.RegisterService(parts->coding_service.get());
  builder.RegisterService(parts->agreement_service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  auto icr_server = std::unique_ptr<IcrServer>(new IcrServer(std::move(parts)));
  icr_server->server_ = std::move(server);
  icr_server->port_ = port;
  icr_server->created_admin_token_file_ = created_token_file;
  return icr_server;
}

IcrServer::IcrServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

IcrServer::~IcrServer() { Shutdown(); }

void IcrServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  server_->Wait();
  // The writer commits what is queued before the store closes.
  parts_->writer.reset();
  parts_->audit_log.reset();
  parts_->store.reset();
}

}  // namespace icr::service
