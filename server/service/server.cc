#include "server/service/server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

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
#include "server/coding/codings.h"
#include "server/service/authorizer.h"
#include "server/service/admin_service.h"
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

}  // namespace

absl::StatusOr<std::unique_ptr<IcrServer>> IcrServer::Start(const ServerOptions& options) {
  if (!IsLoopback(options.listen) && !options.allow_insecure) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--listen ", options.listen,
        " is not a loopback address; plaintext there needs --allow_insecure"));
  }
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
  parts->codings = std::make_unique<coding::Codings>(*parts->store, *parts->writer,
                                                     coding::CodingsOptions{});
  parts->authorizer = std::make_unique<Authorizer>(*parts->catalog);
  // The Ed25519 key that signs tree heads (DESIGN §5): created on first
  // start, private key mode 0600; the public key is written beside
  // admin.token for reviewers.
  absl::StatusOr<audit::SigningKey> signing_key = audit::SigningKey::LoadOrCreate(
      options.data_dir + "/audit-signing-key.pem", options.data_dir + "/audit-public-key.pem");
  if (!signing_key.ok()) return signing_key.status();
  parts->signing_key.emplace(*std::move(signing_key));
  parts->audit_log = std::make_unique<audit::AuditLog>(*parts->store, *parts->signing_key);
  parts->admin_service = std::make_unique<AdminServiceImpl>(*parts->catalog, *parts->authorizer);
  parts->project_service =
      std::make_unique<ProjectServiceImpl>(*parts->catalog, *parts->authorizer);
  parts->audit_service =
      std::make_unique<AuditServiceImpl>(*parts->catalog, *parts->audit_log, *parts->authorizer);
  parts->report_service =
      std::make_unique<ReportServiceImpl>(*parts->catalog, *parts->audit_log, *parts->authorizer);
  parts->coding_service = std::make_unique<CodingServiceImpl>(*parts->codings, *parts->authorizer);

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
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &port);
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
