// The audit hash chain as a reviewer reads it through the API: continuous
// across restarts, each event's prev_hash the previous event's hash, each
// hash recomputable from the stored bytes.

#include "gtest/gtest.h"
#include "server/audit/hash.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

class AuditChainTest : public testing::ServerTest {
 protected:
  void MakeCode(const std::string& token, const std::string& id) {
    v1::CreateCodeRequest request;
    request.set_project("study");
    request.mutable_code()->set_id(id);
    request.mutable_code()->set_name(id);
    v1::CreateCodeResponse response;
    ASSERT_TRUE(Call(token, &v1::ProjectService::Stub::CreateCode, *project_, request, &response).ok());
  }

  std::vector<v1::EventRecord> ReadTrail(const std::string& token, int page_size) {
    std::vector<v1::EventRecord> trail;
    v1::ListEventsRequest request;
    request.set_project("study");
    request.set_page_size(page_size);
    while (true) {
      v1::ListEventsResponse response;
      grpc::Status status =
          Call(token, &v1::AuditService::Stub::ListEvents, *audit_, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      trail.insert(trail.end(), response.events().begin(), response.events().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return trail;
  }
};

TEST_F(AuditChainTest, ChainIsContinuousAcrossRestarts) {
  const std::string lead = CreateUser("lead");
  v1::CreateProjectRequest create;
  create.set_id("study");
  create.set_title("Study");
  v1::CreateProjectResponse created;
  ASSERT_TRUE(Call(lead, &v1::ProjectService::Stub::CreateProject, *project_, create, &created).ok());
  for (int i = 0; i < 5; ++i) MakeCode(lead, "a" + std::to_string(i));
  RestartServer();
  for (int i = 0; i < 5; ++i) MakeCode(lead, "b" + std::to_string(i));
  RestartServer();
  MakeCode(lead, "c");

  std::vector<v1::EventRecord> trail = ReadTrail(lead, /*page_size=*/4);
  ASSERT_EQ(trail.size(), 12u);
  std::string prev = audit::GenesisHash();
  for (size_t i = 0; i < trail.size(); ++i) {
    const v1::EventRecord& record = trail[i];
    SCOPED_TRACE("event " + std::to_string(i + 1));
    EXPECT_EQ(record.seq(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(record.event().prev_hash(), prev);
    EXPECT_EQ(record.hash(), audit::ChainHash(prev, record.event_bytes()));
    EXPECT_EQ(record.event().actor(), "lead");
    EXPECT_EQ(record.event().format_version(), 1u);
    prev = record.hash();
  }
  EXPECT_EQ(trail[0].event().method(), "/icr.v1.ProjectService/CreateProject");
  EXPECT_EQ(trail[11].event().result_summary(), "created code c; codebook revision 11");
}

TEST_F(AuditChainTest, CodersCannotReadTheTrail) {
  const std::string lead = CreateUser("lead");
  const std::string coder = CreateUser("coder");
  v1::CreateProjectRequest create;
  create.set_id("study");
  create.set_title("Study");
  v1::CreateProjectResponse created;
  ASSERT_TRUE(Call(lead, &v1::ProjectService::Stub::CreateProject, *project_, create, &created).ok());
  v1::AddMemberRequest add;
  add.set_project("study");
  add.set_user("coder");
  add.set_role(v1::CODER);
  v1::AddMemberResponse added;
  ASSERT_TRUE(Call(lead, &v1::ProjectService::Stub::AddMember, *project_, add, &added).ok());
  v1::ListEventsRequest request;
  request.set_project("study");
  v1::ListEventsResponse response;
  EXPECT_EQ(Call(coder, &v1::AuditService::Stub::ListEvents, *audit_, request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace icr
