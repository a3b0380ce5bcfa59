// The authorization table, pinned row by row: for every RPC and every kind
// of caller, the expected allow or deny, checked against the real server.

#include <map>
#include <set>

#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "server/service/authorization.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using service::Access;
using service::AuthorizationTable;

enum class Caller { kNoToken, kBadToken, kNonMember, kReviewer, kCoder, kLead, kOwner, kAdmin };

const std::vector<Caller> kCallers = {Caller::kNoToken,  Caller::kBadToken, Caller::kNonMember,
                                      Caller::kReviewer, Caller::kCoder,    Caller::kLead,
                                      Caller::kOwner,    Caller::kAdmin};

const char* Name(Caller caller) {
  switch (caller) {
    case Caller::kNoToken: return "no token";
    case Caller::kBadToken: return "bad token";
    case Caller::kNonMember: return "non-member";
    case Caller::kReviewer: return "reviewer";
    case Caller::kCoder: return "coder";
    case Caller::kLead: return "lead";
    case Caller::kOwner: return "owner";
    case Caller::kAdmin: return "admin";
  }
  return "";
}

// The expected decisions, written out by hand (not derived from the table
// under test): a change to the table must change this too.
enum Expect { kAllow, kDeny };
const std::map<std::string, std::map<Caller, Expect>> kExpected = [] {
  auto row = [](Expect non_member, Expect reviewer, Expect coder, Expect lead, Expect owner,
                Expect admin) {
    return std::map<Caller, Expect>{{Caller::kNonMember, non_member}, {Caller::kReviewer, reviewer},
                                    {Caller::kCoder, coder},          {Caller::kLead, lead},
                                    {Caller::kOwner, owner},          {Caller::kAdmin, admin}};
  };
  const auto everyone = row(kAllow, kAllow, kAllow, kAllow, kAllow, kAllow);
  const auto admins = row(kDeny, kDeny, kDeny, kDeny, kDeny, kAllow);
  const auto members = row(kDeny, kAllow, kAllow, kAllow, kAllow, kAllow);
  const auto leads = row(kDeny, kDeny, kDeny, kAllow, kAllow, kAllow);
  const auto auditors = row(kDeny, kAllow, kDeny, kAllow, kAllow, kAllow);
  const auto coders = row(kDeny, kDeny, kAllow, kAllow, kAllow, kAllow);
  return std::map<std::string, std::map<Caller, Expect>>{
      {"/icr.v1.AdminService/CreateUser", admins},
      {"/icr.v1.AdminService/ListUsers", admins},
      // The walk's request asks for a token of user "p", someone else: only
      // admins may (a token for oneself is tested on its own).
      {"/icr.v1.AdminService/CreateToken", admins},
      {"/icr.v1.AdminService/GetCurrentUser", everyone},
      // Field 1 names user "p", someone else: only admins may list those.
      {"/icr.v1.AdminService/ListTokens", admins},
      // Field 1 is the token id "p": malformed, refused after authorization.
      {"/icr.v1.AdminService/RevokeToken", everyone},
      {"/icr.v1.AdminService/Backup", admins},
      {"/icr.v1.ProjectService/CreateProject", everyone},
      {"/icr.v1.ProjectService/ListProjects", everyone},
      {"/icr.v1.ProjectService/GetProject", members},
      {"/icr.v1.ProjectService/AddMember", leads},
      {"/icr.v1.ProjectService/ListMembers", members},
      {"/icr.v1.ProjectService/CreateCode", leads},
      {"/icr.v1.ProjectService/UpdateCode", leads},
      {"/icr.v1.ProjectService/MergeCode", leads},
      {"/icr.v1.ProjectService/ListCodes", members},
      {"/icr.v1.ProjectService/CreateDomain", leads},
      {"/icr.v1.ProjectService/ListDomains", members},
      {"/icr.v1.ProjectService/CreateDocument", leads},
      {"/icr.v1.ProjectService/GetDocument", members},
      {"/icr.v1.ProjectService/ListDocuments", members},
      {"/icr.v1.ProjectService/CreateRound", leads},
      {"/icr.v1.ProjectService/GetRound", members},
      {"/icr.v1.ProjectService/ListRounds", members},
      {"/icr.v1.ProjectService/AdvanceRound", leads},
      {"/icr.v1.CodingService/SubmitCodings", coders},
      {"/icr.v1.CodingService/ImportCodings", coders},
      {"/icr.v1.CodingService/RetractCoding", coders},
      {"/icr.v1.CodingService/ListCodings", members},
      {"/icr.v1.AgreementService/ComputeAgreement", members},
      {"/icr.v1.AgreementService/WatchAgreement", members},
      {"/icr.v1.AgreementService/ListDisagreements", members},
      {"/icr.v1.AgreementService/ResolveDisagreement", leads},
      {"/icr.v1.AgreementService/GetConsensus", members},
      {"/icr.v1.AuditService/ListEvents", auditors},
      {"/icr.v1.AuditService/ExportAudit", auditors},
      {"/icr.v1.AuditService/GetSignedHead", auditors},
      {"/icr.v1.AuditService/GetInclusionProof", auditors},
      {"/icr.v1.AuditService/GetConsistencyProof", auditors},
      {"/icr.v1.AuditService/GetPublicKey", everyone},
      {"/icr.v1.ReportService/GetReport", auditors},
  };
}();

class AuthorizationTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    tokens_[Caller::kNoToken] = "";
    tokens_[Caller::kBadToken] = "icr_" + std::string(64, '0');
    tokens_[Caller::kAdmin] = admin_token_;
    tokens_[Caller::kOwner] = CreateUser("owner");
    tokens_[Caller::kLead] = CreateUser("lead");
    tokens_[Caller::kCoder] = CreateUser("coder");
    tokens_[Caller::kReviewer] = CreateUser("reviewer");
    tokens_[Caller::kNonMember] = CreateUser("stranger");
    v1::CreateProjectRequest create;
    create.set_id("p");
    create.set_title("P");
    v1::CreateProjectResponse created;
    ASSERT_TRUE(Call(tokens_[Caller::kOwner], &v1::ProjectService::Stub::CreateProject, *project_,
                     create, &created)
                    .ok());
    for (auto [user, role] : std::vector<std::pair<std::string, v1::MemberRole>>{
             {"lead", v1::LEAD}, {"coder", v1::CODER}, {"reviewer", v1::REVIEWER}}) {
      v1::AddMemberRequest add;
      add.set_project("p");
      add.set_user(user);
      add.set_role(role);
      v1::AddMemberResponse added;
      ASSERT_TRUE(Call(tokens_[Caller::kOwner], &v1::ProjectService::Stub::AddMember, *project_,
                       add, &added)
                      .ok());
    }
  }

  // Calls `method` with a request whose field 1 is "p" (every project-scoped
  // request has `project = 1`) and nothing else valid.
  grpc::Status CallGeneric(const std::string& method, const std::string& token) {
    v1::GetProjectRequest request;
    request.set_project("p");
    std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer send(&slice, 1);
    grpc::ByteBuffer receive;
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    std::mutex mutex;
    std::condition_variable done_cv;
    bool done = false;
    grpc::Status result;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &send, &receive,
                   [&](grpc::Status status) {
                     std::lock_guard<std::mutex> lock(mutex);
                     result = status;
                     done = true;
                     done_cv.notify_one();
                   });
    std::unique_lock<std::mutex> lock(mutex);
    done_cv.wait(lock, [&] { return done; });
    return result;
  }

  std::map<Caller, std::string> tokens_;
};

TEST_F(AuthorizationTest, TableCoversEveryRpcOfTheApi) {
  std::set<std::string> api;
  for (const char* name : {"icr.v1.AdminService", "icr.v1.ProjectService", "icr.v1.AuditService", "icr.v1.ReportService",
                           "icr.v1.CodingService", "icr.v1.AgreementService"}) {
    const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      api.insert("/" + std::string(name) + "/" + service->method(i)->name());
    }
  }
  std::set<std::string> table;
  for (const auto& rule : AuthorizationTable()) table.insert(std::string(rule.method));
  EXPECT_EQ(api, table);
  std::set<std::string> expected;
  for (const auto& [method, row] : kExpected) expected.insert(method);
  EXPECT_EQ(api, expected);
}

TEST_F(AuthorizationTest, EveryRoleAgainstEveryMethod) {
  for (const auto& [method, row] : kExpected) {
    for (Caller caller : kCallers) {
      SCOPED_TRACE(method + " as " + Name(caller));
      grpc::Status status = CallGeneric(method, tokens_[caller]);
      if (caller == Caller::kNoToken || caller == Caller::kBadToken) {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        continue;
      }
      const bool project_scoped = service::FindRule(method)->access == Access::kProject;
      if (row.at(caller) == kAllow) {
        // Allowed: the call reaches validation or the catalog. The request
        // is deliberately incomplete, so INVALID_ARGUMENT is fine; a denial
        // is not.
        EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
        EXPECT_NE(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
        EXPECT_FALSE(status.error_code() == grpc::StatusCode::NOT_FOUND &&
                     status.error_message() == "project p")
            << status.error_message();
      } else if (caller == Caller::kNonMember && project_scoped) {
        // A non-member learns nothing, not even that the project exists.
        EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
        EXPECT_EQ(status.error_message(), "project p");
      } else {
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
      }
    }
  }
}

TEST_F(AuthorizationTest, NonMemberSeesTheSameForMissingAndExistingProjects) {
  v1::GetProjectRequest request;
  v1::GetProjectResponse response;
  request.set_project("p");
  grpc::Status existing = Call(tokens_[Caller::kNonMember], &v1::ProjectService::Stub::GetProject,
                               *project_, request, &response);
  request.set_project("nowhere");
  grpc::Status missing = Call(tokens_[Caller::kNonMember], &v1::ProjectService::Stub::GetProject,
                              *project_, request, &response);
  EXPECT_EQ(existing.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuthorizationTest, ALeadMayAddCodersButNotOwners) {
  v1::AddMemberRequest add;
  add.set_project("p");
  add.set_user("stranger");
  add.set_role(v1::OWNER);
  v1::AddMemberResponse added;
  EXPECT_EQ(Call(tokens_[Caller::kLead], &v1::ProjectService::Stub::AddMember, *project_, add, &added)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  add.set_role(v1::CODER);
  EXPECT_TRUE(
      Call(tokens_[Caller::kLead], &v1::ProjectService::Stub::AddMember, *project_, add, &added).ok());
}

TEST_F(AuthorizationTest, ProjectListShowsOnlyYourProjects) {
  v1::ListProjectsResponse listed;
  ASSERT_TRUE(Call(tokens_[Caller::kNonMember], &v1::ProjectService::Stub::ListProjects, *project_,
                   v1::ListProjectsRequest(), &listed)
                  .ok());
  EXPECT_EQ(listed.projects_size(), 0);
  ASSERT_TRUE(Call(tokens_[Caller::kCoder], &v1::ProjectService::Stub::ListProjects, *project_,
                   v1::ListProjectsRequest(), &listed)
                  .ok());
  EXPECT_EQ(listed.projects_size(), 1);
}

TEST_F(AuthorizationTest, OnlyAdminsMakeTokensForOthers) {
  v1::CreateTokenRequest request;
  request.set_user("lead");
  v1::CreateTokenResponse response;
  EXPECT_EQ(Call(tokens_[Caller::kCoder], &v1::AdminService::Stub::CreateToken, *admin_, request,
                 &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  request.set_user("coder");
  ASSERT_TRUE(Call(tokens_[Caller::kCoder], &v1::AdminService::Stub::CreateToken, *admin_, request,
                   &response)
                  .ok());
  v1::GetCurrentUserResponse me;
  ASSERT_TRUE(Call(response.token(), &v1::AdminService::Stub::GetCurrentUser, *admin_,
                   v1::GetCurrentUserRequest(), &me)
                  .ok());
  EXPECT_EQ(me.user().id(), "coder");
}

TEST_F(AuthorizationTest, HealthNeedsNoToken) {
  // grpc.health.v1 is served without authentication, for load balancers.
  grpc::GenericStub stub(channel_);
  std::string bytes;  // HealthCheckRequest{service: ""}
  grpc::Slice slice(bytes);
  grpc::ByteBuffer send(&slice, 1);
  grpc::ByteBuffer receive;
  grpc::ClientContext context;
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &send, &receive,
                 [&](grpc::Status status) {
                   std::lock_guard<std::mutex> lock(mutex);
                   result = status;
                   done = true;
                   cv.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mutex);
  cv.wait(lock, [&] { return done; });
  EXPECT_TRUE(result.ok()) << result.error_message();
}

}  // namespace
}  // namespace icr
