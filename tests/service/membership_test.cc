// Membership rules that depend on the data, through the real server: a lead
// may not change an owner's or another lead's role, and a project never
// loses its last owner, not even to two owners demoting each other at once.

#include <map>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;

class MembershipTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    for (const char* user : {"olga", "oscar", "lena", "leo", "carl", "rita"}) {
      tokens_[user] = CreateUser(user);
    }
    CreateProject("p", "olga");
    ASSERT_TRUE(AddMember("olga", "p", "lena", v1::LEAD).ok());
    ASSERT_TRUE(AddMember("olga", "p", "leo", v1::LEAD).ok());
    ASSERT_TRUE(AddMember("olga", "p", "carl", v1::CODER).ok());
    ASSERT_TRUE(AddMember("olga", "p", "rita", v1::REVIEWER).ok());
  }

  void CreateProject(const std::string& id, const std::string& owner) {
    v1::CreateProjectRequest create;
    create.set_id(id);
    create.set_title("Project " + id);
    v1::CreateProjectResponse created;
    grpc::Status status =
        Call(tokens_[owner], &v1::ProjectService::Stub::CreateProject, *project_, create, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status AddMember(const std::string& as, const std::string& project, const std::string& user,
                         v1::MemberRole role) {
    v1::AddMemberRequest request;
    request.set_project(project);
    request.set_user(user);
    request.set_role(role);
    v1::AddMemberResponse response;
    const std::string& token = as == "admin" ? admin_token_ : tokens_[as];
    return Call(token, &v1::ProjectService::Stub::AddMember, *project_, request, &response);
  }

  std::map<std::string, v1::MemberRole> Members(const std::string& project) {
    v1::ListMembersRequest request;
    request.set_project(project);
    v1::ListMembersResponse response;
    EXPECT_TRUE(
        Call(admin_token_, &v1::ProjectService::Stub::ListMembers, *project_, request, &response)
            .ok());
    std::map<std::string, v1::MemberRole> members;
    for (const v1::Member& member : response.members()) members[member.user()] = member.role();
    return members;
  }

  // Expects `status` to be `code`, and neither the members nor the audit
  // trail of "p" to have changed.
  void ExpectRefusedAndNothingStored(const grpc::Status& status, StatusCode code,
                                     const std::map<std::string, v1::MemberRole>& members_before,
                                     int64_t events_before) {
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_EQ(Members("p"), members_before);
    EXPECT_EQ(EventCount("p"), events_before);
  }

  std::map<std::string, std::string> tokens_;
};

TEST_F(MembershipTest, ALeadMayNotDemoteTheOwner) {
  const auto members = Members("p");
  const int64_t events = EventCount("p");
  for (v1::MemberRole role : {v1::CODER, v1::REVIEWER}) {
    SCOPED_TRACE(v1::MemberRole_Name(role));
    ExpectRefusedAndNothingStored(AddMember("lena", "p", "olga", role),
                                  StatusCode::PERMISSION_DENIED, members, events);
  }
  EXPECT_EQ(Members("p").at("olga"), v1::OWNER);
}

TEST_F(MembershipTest, ALeadMayNotChangeAnotherLead) {
  const auto members = Members("p");
  const int64_t events = EventCount("p");
  ExpectRefusedAndNothingStored(AddMember("lena", "p", "leo", v1::CODER),
                                StatusCode::PERMISSION_DENIED, members, events);
  ExpectRefusedAndNothingStored(AddMember("lena", "p", "leo", v1::REVIEWER),
                                StatusCode::PERMISSION_DENIED, members, events);
  // Granting LEAD or OWNER stays refused, to members and newcomers alike.
  ExpectRefusedAndNothingStored(AddMember("lena", "p", "carl", v1::LEAD),
                                StatusCode::PERMISSION_DENIED, members, events);
  ExpectRefusedAndNothingStored(AddMember("lena", "p", "oscar", v1::OWNER),
                                StatusCode::PERMISSION_DENIED, members, events);
}

TEST_F(MembershipTest, ALeadChangesCodersReviewersAndItself) {
  EXPECT_TRUE(AddMember("lena", "p", "carl", v1::REVIEWER).ok());
  EXPECT_TRUE(AddMember("lena", "p", "rita", v1::CODER).ok());
  EXPECT_TRUE(AddMember("lena", "p", "lena", v1::CODER).ok());
  const auto members = Members("p");
  EXPECT_EQ(members.at("carl"), v1::REVIEWER);
  EXPECT_EQ(members.at("rita"), v1::CODER);
  EXPECT_EQ(members.at("lena"), v1::CODER);
  EXPECT_EQ(members.at("olga"), v1::OWNER);
  EXPECT_EQ(members.at("leo"), v1::LEAD);
}

TEST_F(MembershipTest, TheLastOwnerIsNeverDemoted) {
  const auto members = Members("p");
  const int64_t events = EventCount("p");
  // Not by itself, and not by a server admin.
  ExpectRefusedAndNothingStored(AddMember("olga", "p", "olga", v1::LEAD),
                                StatusCode::FAILED_PRECONDITION, members, events);
  ExpectRefusedAndNothingStored(AddMember("admin", "p", "olga", v1::CODER),
                                StatusCode::FAILED_PRECONDITION, members, events);

  // With a second owner, the first may step down; then the second is the
  // last one.
  ASSERT_TRUE(AddMember("olga", "p", "oscar", v1::OWNER).ok());
  ASSERT_TRUE(AddMember("olga", "p", "olga", v1::LEAD).ok());
  EXPECT_EQ(Members("p").at("olga"), v1::LEAD);
  const auto after = Members("p");
  const int64_t events_after = EventCount("p");
  ExpectRefusedAndNothingStored(AddMember("oscar", "p", "oscar", v1::REVIEWER),
                                StatusCode::FAILED_PRECONDITION, after, events_after);
  // The former owner is a lead now, with a lead's limits.
  ExpectRefusedAndNothingStored(AddMember("olga", "p", "oscar", v1::CODER),
                                StatusCode::PERMISSION_DENIED, after, events_after);
}

TEST_F(MembershipTest, TwoOwnersDemotingEachOtherAtOnceLeaveAnOwner) {
  for (int i = 0; i < 20; ++i) {
    const std::string project = "race-" + std::to_string(i);
    CreateProject(project, "olga");
    ASSERT_TRUE(AddMember("olga", project, "oscar", v1::OWNER).ok());
    grpc::Status first, second;
    std::thread a([&] { first = AddMember("olga", project, "oscar", v1::CODER); });
    std::thread b([&] { second = AddMember("oscar", project, "olga", v1::CODER); });
    a.join();
    b.join();
    const auto members = Members(project);
    const int owners = static_cast<int>(members.at("olga") == v1::OWNER) +
                       static_cast<int>(members.at("oscar") == v1::OWNER);
    SCOPED_TRACE(project + ": " + first.error_message() + " / " + second.error_message());
    EXPECT_EQ(owners, 1);
    EXPECT_NE(first.ok(), second.ok());
  }
}

}  // namespace
}  // namespace icr
