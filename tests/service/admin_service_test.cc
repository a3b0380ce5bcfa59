// AdminService: tokens (expiry, listing without secrets, revocation) and
// backups under --backup_dir that a second server serves with the same data
// and audit head (the private key only when asked for).

#include <sys/stat.h>

#include <filesystem>
#include <thread>

#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;

class AdminServiceTest : public testing::ServerTest {
 protected:
  grpc::Status WhoAmI(const std::string& token, std::string* user = nullptr) {
    v1::GetCurrentUserResponse me;
    grpc::Status status = Call(token, &v1::AdminService::Stub::GetCurrentUser, *admin_,
                               v1::GetCurrentUserRequest(), &me);
    if (user != nullptr) *user = me.user().id();
    return status;
  }
};

TEST_F(AdminServiceTest, TokensExpire) {
  const std::string alice = CreateUser("alice");
  v1::CreateTokenRequest request;
  request.set_ttl_seconds(1);
  request.set_user("alice");
  v1::CreateTokenResponse made;
  ASSERT_TRUE(Call(alice, &v1::AdminService::Stub::CreateToken, *admin_, request, &made).ok());
  EXPECT_TRUE(made.info().has_expire_time());
  EXPECT_TRUE(WhoAmI(made.token()).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(WhoAmI(made.token()).error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(WhoAmI(alice).ok());  // the other token lives on
}

TEST_F(AdminServiceTest, TokensAreListedWithoutSecretsAndRevoked) {
  const std::string alice = CreateUser("alice");
  const std::string bob = CreateUser("bob");
  v1::CreateTokenRequest another;
  another.set_user("alice");
  v1::CreateTokenResponse second;
  ASSERT_TRUE(Call(alice, &v1::AdminService::Stub::CreateToken, *admin_, another, &second).ok());

  v1::ListTokensRequest list;
  v1::ListTokensResponse tokens;
  ASSERT_TRUE(Call(alice, &v1::AdminService::Stub::ListTokens, *admin_, list, &tokens).ok());
  ASSERT_EQ(tokens.tokens_size(), 2);
  for (const v1::TokenInfo& info : tokens.tokens()) {
    EXPECT_EQ(info.user(), "alice");
    EXPECT_EQ(info.token_id().size(), 16u);
    EXPECT_EQ(alice.find(info.token_id()), std::string::npos) << "the id must not be the secret";
    EXPECT_EQ(info.SerializeAsString().find(alice.substr(4)), std::string::npos);
  }
  // Bob may neither list nor revoke alice's tokens.
  list.set_user("alice");
  EXPECT_EQ(Call(bob, &v1::AdminService::Stub::ListTokens, *admin_, list, &tokens).error_code(),
            StatusCode::PERMISSION_DENIED);
  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(second.info().token_id());
  v1::RevokeTokenResponse revoked;
  EXPECT_EQ(Call(bob, &v1::AdminService::Stub::RevokeToken, *admin_, revoke, &revoked).error_code(),
            StatusCode::NOT_FOUND);
  EXPECT_TRUE(WhoAmI(second.token()).ok());
  // Alice revokes her second token: refused from the next call on.
  ASSERT_TRUE(Call(alice, &v1::AdminService::Stub::RevokeToken, *admin_, revoke, &revoked).ok());
  EXPECT_TRUE(revoked.token().revoked());
  EXPECT_EQ(WhoAmI(second.token()).error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(WhoAmI(alice).ok());
  // An admin rotates its own token: make a new one, revoke the old.
  v1::CreateTokenRequest rotate;
  rotate.set_user("admin");
  v1::CreateTokenResponse fresh;
  ASSERT_TRUE(
      Call(admin_token_, &v1::AdminService::Stub::CreateToken, *admin_, rotate, &fresh).ok());
  list.set_user("admin");
  ASSERT_TRUE(
      Call(fresh.token(), &v1::AdminService::Stub::ListTokens, *admin_, list, &tokens).ok());
  for (const v1::TokenInfo& info : tokens.tokens()) {
    if (info.token_id() == fresh.info().token_id()) continue;
    revoke.set_token_id(info.token_id());
    ASSERT_TRUE(
        Call(fresh.token(), &v1::AdminService::Stub::RevokeToken, *admin_, revoke, &revoked).ok());
  }
  EXPECT_EQ(WhoAmI(admin_token_).error_code(), StatusCode::UNAUTHENTICATED);
  std::string who;
  ASSERT_TRUE(WhoAmI(fresh.token(), &who).ok());
  EXPECT_EQ(who, "admin");
  // Malformed ids are named.
  revoke.set_token_id("xyz");
  grpc::Status bad =
      Call(fresh.token(), &v1::AdminService::Stub::RevokeToken, *admin_, revoke, &revoked);
  EXPECT_EQ(bad.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("token_id"), std::string::npos);
}

// A server whose backups go under --backup_dir.
class BackupTest : public AdminServiceTest {
 protected:
  void SetUp() override {
    backup_dir_ = backups_.path() + "/backups";
    options_.backup_dir = backup_dir_;
    AdminServiceTest::SetUp();
  }

  grpc::Status Backup(const std::string& token, const std::string& id, bool include_signing_key,
                      v1::BackupResponse* response) {
    v1::BackupRequest request;
    request.set_backup_id(id);
    request.set_include_signing_key(include_signing_key);
    return Call(token, &v1::AdminService::Stub::Backup, *admin_, request, response);
  }

  testing::TempDir backups_;
  std::string backup_dir_;
};

mode_t ModeOf(const std::string& path) {
  struct stat info;
  if (::lstat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 0777;
}

TEST_F(BackupTest, BackupServesTheSameDataAndAuditHead) {
  const std::string lead = CreateUser("lead");
  v1::CreateProjectRequest create;
  create.set_id("study");
  create.set_title("Study");
  v1::CreateProjectResponse created;
  ASSERT_TRUE(
      Call(lead, &v1::ProjectService::Stub::CreateProject, *project_, create, &created).ok());
  for (int i = 0; i < 20; ++i) {
    v1::CreateCodeRequest code;
    code.set_project("study");
    code.mutable_code()->set_id("c" + std::to_string(i));
    code.mutable_code()->set_name("C");
    v1::CreateCodeResponse made;
    ASSERT_TRUE(Call(lead, &v1::ProjectService::Stub::CreateCode, *project_, code, &made).ok());
  }
  v1::BackupResponse response;
  EXPECT_EQ(Backup(lead, "copy", true, &response).error_code(), StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Backup(admin_token_, "copy", true, &response).ok());
  EXPECT_GT(response.bytes(), 0);
  EXPECT_EQ(response.directory(), backup_dir_ + "/copy");
  EXPECT_TRUE(response.signing_key_included());
  EXPECT_EQ(ModeOf(backup_dir_ + "/copy"), 0700u);
  EXPECT_EQ(ModeOf(backup_dir_ + "/copy/audit-signing-key.pem"), 0600u);
  // A second backup under the same id is refused, not merged.
  EXPECT_EQ(Backup(admin_token_, "copy", true, &response).error_code(), StatusCode::ALREADY_EXISTS);

  v1::ListEventsRequest events;
  events.set_project("study");
  events.set_page_size(1000);
  v1::ListEventsResponse original;
  ASSERT_TRUE(Call(lead, &v1::AuditService::Stub::ListEvents, *audit_, events, &original).ok());
  v1::GetPublicKeyResponse original_key;
  ASSERT_TRUE(Call(lead, &v1::AuditService::Stub::GetPublicKey, *audit_, v1::GetPublicKeyRequest(),
                   &original_key)
                  .ok());

  // Serve the copy with a second server: the same events, signed by the same key.
  service::ServerOptions copy_options;
  copy_options.listen = "127.0.0.1:0";
  copy_options.data_dir = backup_dir_ + "/copy";
  auto copy = service::IcrServer::Start(copy_options);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_FALSE((*copy)->created_admin_token_file()) << "the copy has its users already";
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string((*copy)->port()),
                                     grpc::InsecureChannelCredentials());
  auto copy_audit = v1::AuditService::NewStub(channel);
  auto copy_project = v1::ProjectService::NewStub(channel);
  v1::ListEventsResponse copied;
  ASSERT_TRUE(Call(lead, &v1::AuditService::Stub::ListEvents, *copy_audit, events, &copied).ok());
  ASSERT_EQ(copied.events_size(), original.events_size());
  EXPECT_EQ(copied.events().rbegin()->hash(), original.events().rbegin()->hash());
  v1::GetPublicKeyResponse copy_key;
  ASSERT_TRUE(Call(lead, &v1::AuditService::Stub::GetPublicKey, *copy_audit,
                   v1::GetPublicKeyRequest(), &copy_key)
                  .ok());
  EXPECT_EQ(copy_key.key_id(), original_key.key_id());
  v1::ListCodesRequest codes;
  codes.set_project("study");
  v1::ListCodesResponse listed;
  ASSERT_TRUE(Call(lead, &v1::ProjectService::Stub::ListCodes, *copy_project, codes, &listed).ok());
  EXPECT_EQ(listed.codes_size(), 20);
  // The backup itself is on the server-level trail.
  EXPECT_GE(EventCount("_server"), 3);
}

TEST_F(BackupTest, ThePrivateKeyIsCopiedOnlyWhenAsked) {
  v1::BackupResponse response;
  ASSERT_TRUE(Backup(admin_token_, "plain", false, &response).ok());
  EXPECT_FALSE(response.signing_key_included());
  EXPECT_EQ(ModeOf(backup_dir_ + "/plain/audit-signing-key.pem"), 0u)
      << "the private key was copied";
  EXPECT_EQ(ModeOf(backup_dir_ + "/plain/audit-public-key.pem"), 0644u);
  // The copy holds events: it is served only with the key restored, or with
  // an explicit new key.
  service::ServerOptions copy_options;
  copy_options.listen = "127.0.0.1:0";
  copy_options.data_dir = backup_dir_ + "/plain";
  auto copy = service::IcrServer::Start(copy_options);
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(copy.status().message().find("--rotate_signing_key"), std::string::npos)
      << copy.status();
}

TEST_F(BackupTest, OnlyABackupIdUnderTheBackupDirIsAccepted) {
  v1::BackupResponse response;
  for (const std::string id : {"", "../escape", "a/b", "/tmp/x", ".hidden"}) {
    grpc::Status status = Backup(admin_token_, id, false, &response);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << id;
    EXPECT_NE(status.error_message().find("backup_id"), std::string::npos)
        << status.error_message();
  }
  EXPECT_FALSE(std::filesystem::exists(backups_.path() + "/escape"));
  // The old client-chosen path is refused, naming the field.
  v1::BackupRequest old;
  old.set_directory(backups_.path() + "/old");
  old.set_backup_id("old");
  grpc::Status status =
      Call(admin_token_, &v1::AdminService::Stub::Backup, *admin_, old, &response);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("directory"), std::string::npos) << status.error_message();
  EXPECT_FALSE(std::filesystem::exists(backups_.path() + "/old"));
  EXPECT_FALSE(std::filesystem::exists(backup_dir_ + "/old"));
  // A symbolic link planted under --backup_dir is never followed.
  const std::string elsewhere = backups_.path() + "/elsewhere";
  std::filesystem::create_directory(elsewhere);
  std::filesystem::create_directory_symlink(elsewhere, backup_dir_ + "/planted");
  EXPECT_EQ(Backup(admin_token_, "planted", true, &response).error_code(),
            StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(std::filesystem::is_empty(elsewhere));
}

TEST_F(BackupTest, ABackupDirThatIsASymbolicLinkIsRefusedAtStart) {
  server_.reset();
  const std::string link = backups_.path() + "/link";
  std::filesystem::create_directory_symlink(backup_dir_, link);
  options_.backup_dir = link;
  service::ServerOptions options = options_;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir_.path();
  auto server = service::IcrServer::Start(options);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("--backup_dir"), std::string::npos) << server.status();
  options.backup_dir = "relative/dir";
  server = service::IcrServer::Start(options);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("absolute"), std::string::npos) << server.status();
}

TEST_F(AdminServiceTest, BackupsAreOffWithoutABackupDir) {
  v1::BackupRequest request;
  request.set_backup_id("b1");
  v1::BackupResponse response;
  grpc::Status status =
      Call(admin_token_, &v1::AdminService::Stub::Backup, *admin_, request, &response);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("--backup_dir"), std::string::npos)
      << status.error_message();
}

}  // namespace
}  // namespace icr
