#include "server/service/server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
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
#include "server/catalog/validation.h"
#include "server/coding/changes.h"
#include "server/coding/codings.h"
#include "server/common/methods.h"
#include "server/common/status_macros.h"
#include "server/live/live_agreement.h"
#include "server/service/admin_service.h"
#include "server/service/agreement_service.h"
#include "server/service/audit_service.h"
#include "server/service/authorizer.h"
#include "server/service/coding_service.h"
#include "server/service/project_service.h"
#include "server/service/report_service.h"
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
  std::unique_ptr<coding::ChangeFeed> changes;
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
      return absl::FailedPreconditionError(
          absl::StrCat("--listen ", options.listen,
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

constexpr char kPrivateKeyFile[] = "audit-signing-key.pem";
constexpr char kPublicKeyFile[] = "audit-public-key.pem";

std::string Errno() { return std::strerror(errno); }

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { ::close(fd_); }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

absl::Status SyncFd(int fd, const std::string& shown) {
  if (::fsync(fd) != 0)
    return absl::InternalError(absl::StrCat("cannot sync ", shown, ": ", Errno()));
  return absl::OkStatus();
}

// Creates the file `name` in the directory `dir_fd` (never through a
// symbolic link, never over an existing file) with `text`, synced.
absl::Status WriteNewFileAt(int dir_fd, const std::string& name, std::string_view text, mode_t mode,
                            const std::string& shown) {
  const int fd =
      ::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot create ", shown, ": ", Errno()));
  FdCloser closer(fd);
  ::fchmod(fd, mode);
  if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return absl::InternalError(absl::StrCat("cannot write ", shown, ": ", Errno()));
  }
  return SyncFd(fd, shown);
}

// --backup_dir: an absolute path to a directory that is not a symbolic link,
// created (mode 0700) when missing.
absl::Status PrepareBackupDir(const std::string& backup_dir) {
  if (backup_dir.empty()) return absl::OkStatus();
  if (!std::filesystem::path(backup_dir).is_absolute()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--backup_dir ", backup_dir, ": an absolute path is required"));
  }
  if (::mkdir(backup_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::InvalidArgumentError(
        absl::StrCat("--backup_dir ", backup_dir, ": cannot create it: ", Errno()));
  }
  struct stat info;
  if (::lstat(backup_dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--backup_dir ", backup_dir,
                     ": not a directory (a symbolic link is not followed; give the real path)"));
  }
  return absl::OkStatus();
}

// A checkpoint of the database into BACKUP_DIR/ID/db and the public audit key
// beside it (the private key too when asked), so that `icr-server --data_dir
// BACKUP_DIR/ID` serves the copy. The backup's directory is created mode 0700
// in the directory opened without following a symbolic link, and written
// through its file descriptor, so nothing can redirect the copy elsewhere.
absl::StatusOr<v1::BackupResponse> Backup(const storage::Store& store, catalog::Catalog& catalog,
                                          const audit::SigningKey& key,
                                          const std::string& backup_dir,
                                          const common::Caller& actor,
                                          const v1::BackupRequest& request) {
  if (!request.directory().empty()) {
    return absl::InvalidArgumentError(
        "directory: no longer accepted; backups go under the server's --backup_dir: name the "
        "backup with backup_id");
  }
  if (backup_dir.empty()) {
    return absl::FailedPreconditionError(
        "backups are off on this server: start icr-server with --backup_dir DIR (an absolute "
        "directory on the server's machine) to enable them");
  }
  const std::string& id = request.backup_id();
  ICR_RETURN_IF_ERROR(catalog::ValidateId("backup_id", id));
  const std::string path = backup_dir + "/" + id;
  const int root = ::open(backup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (root < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("--backup_dir ", backup_dir, ": cannot open it: ", Errno()));
  }
  FdCloser close_root(root);
  if (::mkdirat(root, id.c_str(), 0700) != 0) {
    if (errno == EEXIST) {
      return absl::AlreadyExistsError(absl::StrCat("backup_id: ", path, " already exists"));
    }
    return absl::InternalError(absl::StrCat("cannot create ", path, ": ", Errno()));
  }
  const int dir = ::openat(root, id.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) return absl::InternalError(absl::StrCat("cannot open ", path, ": ", Errno()));
  FdCloser close_dir(dir);
  ::fchmod(dir, 0700);

  // RocksDB takes a path: the one of the opened directory itself.
  ICR_ASSIGN_OR_RETURN(int64_t bytes, store.Checkpoint(absl::StrCat("/proc/self/fd/", dir, "/db")));
  ICR_RETURN_IF_ERROR(WriteNewFileAt(dir, kPublicKeyFile, key.public_key().Pem(), 0644,
                                     path + "/" + kPublicKeyFile));
  bytes += static_cast<int64_t>(key.public_key().Pem().size());
  if (request.include_signing_key()) {
    const std::string pem = key.PrivateKeyPem();
    ICR_RETURN_IF_ERROR(
        WriteNewFileAt(dir, kPrivateKeyFile, pem, 0600, path + "/" + kPrivateKeyFile));
    bytes += static_cast<int64_t>(pem.size());
  }
  const int db = ::openat(dir, "db", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (db < 0) return absl::InternalError(absl::StrCat("cannot open ", path, "/db: ", Errno()));
  {
    FdCloser close_db(db);
    ICR_RETURN_IF_ERROR(SyncFd(db, path + "/db"));
  }
  ICR_RETURN_IF_ERROR(SyncFd(dir, path));
  ICR_RETURN_IF_ERROR(SyncFd(root, backup_dir));

  v1::BackupResponse response;
  response.set_directory(path);
  response.set_bytes(bytes);
  response.set_signing_key_included(request.include_signing_key());
  ICR_RETURN_IF_ERROR(catalog.RecordServerEvent(
      actor, rpc::admin::kBackup, request,
      absl::StrCat("backup ", id, " of ", bytes, " bytes to ", path,
                   request.include_signing_key() ? ", with the private signing key"
                                                 : ", without the private signing key")));
  return response;
}

absl::StatusOr<bool> AnyEvent(const storage::Store& store) {
  bool any = false;
  ICR_RETURN_IF_ERROR(
      store.Scan(storage::Family::kEvents, "", "", [&](std::string_view, std::string_view) {
        any = true;
        return false;
      }));
  return any;
}

// The Ed25519 key that signs tree heads (DESIGN §5), private key mode 0600;
// the public key is written beside it for reviewers. A new key is made on a
// database without events, or when asked (--rotate_signing_key: recorded on
// the server chain before the new key is used, the old key file kept aside);
// a missing key file is never silently replaced once events exist, since
// every head signed before would then fail to verify.
absl::StatusOr<audit::SigningKey> LoadSigningKey(const ServerOptions& options,
                                                 const storage::Store& store,
                                                 catalog::Catalog& catalog) {
  const std::string private_path = options.data_dir + "/" + kPrivateKeyFile;
  const std::string public_path = options.data_dir + "/" + kPublicKeyFile;
  absl::StatusOr<audit::SigningKey> loaded = audit::SigningKey::Load(private_path);
  if (!loaded.ok() && !absl::IsNotFound(loaded.status())) return loaded.status();
  if (loaded.ok() && !options.rotate_signing_key) {
    ICR_RETURN_IF_ERROR(audit::WriteFileDurably(public_path, loaded->public_key().Pem(), 0644));
    return loaded;
  }
  if (!loaded.ok() && !options.rotate_signing_key) {
    ICR_ASSIGN_OR_RETURN(bool any_event, AnyEvent(store));
    if (any_event) {
      return absl::FailedPreconditionError(absl::StrCat(
          private_path,
          " is missing, but the database holds audit events signed with it. Restore the key "
          "file from a backup (icr admin backup ID --include_signing_key copies it), or start "
          "with --rotate_signing_key to sign with a new key from now on (recorded on the "
          "server's audit chain; heads signed before verify only with the old public key)"));
    }
  }
  ICR_ASSIGN_OR_RETURN(audit::SigningKey key, audit::SigningKey::Generate());
  if (options.rotate_signing_key) {
    const std::string previous = loaded.ok() ? loaded->public_key().KeyId() : "";
    v1::GetPublicKeyResponse new_key;  // the event's request: the new public key
    new_key.set_public_key_pem(key.public_key().Pem());
    new_key.set_algorithm("Ed25519");
    new_key.set_key_id(key.public_key().KeyId());
    ICR_RETURN_IF_ERROR(catalog.RecordServerEvent(
        common::Caller{.user = "icr-server", .server_admin = true}, "icr-server/RotateSigningKey",
        new_key,
        absl::StrCat("audit signing key rotated to key id ", key.public_key().KeyId(),
                     previous.empty() ? " (the previous key file was missing)"
                                      : absl::StrCat(" (previous key id ", previous, ")"))));
    if (loaded.ok()) {
      const std::string retired =
          absl::StrCat(options.data_dir, "/audit-signing-key.", previous.substr(0, 16), ".retired");
      if (::rename(private_path.c_str(), retired.c_str()) != 0) {
        return absl::InternalError(
            absl::StrCat("cannot move ", private_path, " to ", retired, ": ", Errno()));
      }
      ICR_RETURN_IF_ERROR(audit::WriteFileDurably(
          absl::StrCat(options.data_dir, "/audit-public-key.", previous.substr(0, 16), ".pem"),
          loaded->public_key().Pem(), 0644));
    }
  }
  ICR_RETURN_IF_ERROR(key.Save(private_path));
  ICR_RETURN_IF_ERROR(audit::WriteFileDurably(public_path, key.public_key().Pem(), 0644));
  return key;
}

}  // namespace

absl::StatusOr<std::unique_ptr<IcrServer>> IcrServer::Start(const ServerOptions& options) {
  ICR_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials, Credentials(options));
  std::error_code error;
  std::filesystem::create_directories(options.data_dir, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create ", options.data_dir, ": ", error.message()));
  }

  ICR_RETURN_IF_ERROR(PrepareBackupDir(options.backup_dir));

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
  catalog_options.extraction.time = options.extraction_time_limit;
  catalog_options.extraction.memory_bytes = options.extraction_memory_bytes;
  parts->catalog =
      std::make_unique<catalog::Catalog>(*parts->store, *parts->writer, catalog_options);
  coding::CodingsOptions codings_options;
  codings_options.max_batch = options.max_batch;
  parts->codings =
      std::make_unique<coding::Codings>(*parts->store, *parts->writer, codings_options);
  parts->authorizer = std::make_unique<Authorizer>(*parts->catalog, options.limits);
  absl::StatusOr<audit::SigningKey> signing_key =
      LoadSigningKey(options, *parts->store, *parts->catalog);
  if (!signing_key.ok()) return signing_key.status();
  parts->signing_key.emplace(*std::move(signing_key));
  parts->audit_log = std::make_unique<audit::AuditLog>(*parts->store, *parts->signing_key);
  parts->admin_service = std::make_unique<AdminServiceImpl>(
      *parts->catalog, *parts->authorizer,
      [store = parts->store.get(), catalog = parts->catalog.get(), key = &*parts->signing_key,
       backup_dir = options.backup_dir](
          const common::Caller& actor,
          const v1::BackupRequest& request) -> absl::StatusOr<v1::BackupResponse> {
        return Backup(*store, *catalog, *key, backup_dir, actor, request);
      });
  parts->project_service =
      std::make_unique<ProjectServiceImpl>(*parts->catalog, *parts->authorizer);
  parts->changes = std::make_unique<coding::ChangeFeed>(*parts->store, *parts->audit_log);
  parts->audit_service = std::make_unique<AuditServiceImpl>(*parts->catalog, *parts->audit_log,
                                                            *parts->changes, *parts->authorizer);
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
    // Readable by the owner only, never via a log; durable before the
    // server says where it is.
    if (absl::Status s = audit::WriteFileDurably(path, **admin_token + "\n", 0600); !s.ok()) {
      return s;
    }
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
