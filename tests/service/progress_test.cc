// Coding progress over real gRPC: who may mark a document done or reopen
// it, what a finished document refuses, what each role sees of it, the
// audit events, an import marking its documents done, a forced advance
// recording the unfinished pairs, and the state surviving a restart.

#include "gtest/gtest.h"
#include "icr/v1/coding.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;

class ProgressTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    coding_ = v1::CodingService::NewStub(channel_);
    lead_ = CreateUser("lead");
    alice_ = CreateUser("alice");
    bob_ = CreateUser("bob");
    carol_ = CreateUser("carol");  // a coder of the project, not of the round
    rita_ = CreateUser("rita");    // a reviewer
    v1::CreateProjectRequest project;
    project.set_id("study");
    project.set_title("Study");
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateProject, *project_, project));
    for (auto [user, role] :
         std::vector<std::pair<std::string, v1::MemberRole>>{{"alice", v1::CODER},
                                                             {"bob", v1::CODER},
                                                             {"carol", v1::CODER},
                                                             {"rita", v1::REVIEWER}}) {
      v1::AddMemberRequest member;
      member.set_project("study");
      member.set_user(user);
      member.set_role(role);
      Ok(Call(lead_, &v1::ProjectService::Stub::AddMember, *project_, member));
    }
    v1::CreateCodeRequest code;
    code.set_project("study");
    code.mutable_code()->set_id("c1");
    code.mutable_code()->set_name("c1");
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_, code));
    for (const char* doc : {"d1", "d2"}) {
      v1::CreateDocumentRequest document;
      document.set_project("study");
      document.set_id(doc);
      document.set_text("first\n\nnext");
      document.set_segmentation(v1::SEGMENT_PARAGRAPH);
      Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_, document));
    }
    v1::CreateRoundRequest round;
    round.set_project("study");
    round.set_id("r1");
    round.add_documents("d1");
    round.add_documents("d2");
    round.add_coders("alice");
    round.add_coders("bob");
    round.set_blind(true);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_, round));
  }

  void Ok(const grpc::Status& status) { ASSERT_TRUE(status.ok()) << status.error_message(); }

  grpc::Status Code(const std::string& token, const std::string& document,
                    v1::SubmitCodingsResponse* response = nullptr) {
    v1::SubmitCodingsRequest request;
    request.set_project("study");
    request.set_round("r1");
    v1::CodingInput* input = request.add_codings();
    input->set_document(document);
    input->set_code("c1");
    input->set_segment(0);
    return Call(token, &v1::CodingService::Stub::SubmitCodings, *coding_, request, response);
  }

  grpc::Status Set(const std::string& token, const std::string& document, v1::ProgressState state,
                   const std::string& on_behalf_of = "",
                   v1::SetDocumentProgressResponse* response = nullptr) {
    v1::SetDocumentProgressRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.set_document(document);
    request.set_state(state);
    request.set_on_behalf_of(on_behalf_of);
    return Call(token, &v1::CodingService::Stub::SetDocumentProgress, *coding_, request, response);
  }

  v1::ListProgressResponse Progress(const std::string& token, grpc::Status* status = nullptr,
                                    const std::string& coder = "") {
    v1::ListProgressRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.set_coder(coder);
    v1::ListProgressResponse response;
    grpc::Status s =
        Call(token, &v1::CodingService::Stub::ListProgress, *coding_, request, &response);
    if (status != nullptr) {
      *status = s;
    } else {
      EXPECT_TRUE(s.ok()) << s.error_message();
    }
    return response;
  }

  // The state of (coder, document) as the lead sees it.
  v1::ProgressState StateOf(const std::string& coder, const std::string& document) {
    const v1::ListProgressResponse all = Progress(lead_);
    for (const v1::DocumentProgress& p : all.progress()) {
      if (p.coder() == coder && p.document() == document) return p.state();
    }
    return v1::PROGRESS_STATE_UNSPECIFIED;
  }

  grpc::Status Advance(bool force, v1::AdvanceRoundResponse* response = nullptr) {
    v1::AdvanceRoundRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.set_force(force);
    return Call(lead_, &v1::ProjectService::Stub::AdvanceRound, *project_, request, response);
  }

  std::string LastEventSummary() {
    v1::ListEventsRequest request;
    request.set_project("study");
    request.set_page_size(1000);
    v1::ListEventsResponse response;
    EXPECT_TRUE(
        Call(admin_token_, &v1::AuditService::Stub::ListEvents, *audit_, request, &response).ok());
    return response.events().empty() ? "" : response.events().rbegin()->event().result_summary();
  }

  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::string lead_, alice_, bob_, carol_, rita_;
};

TEST_F(ProgressTest, FirstCodingStartsADocumentAndTheCoderMarksItDone) {
  EXPECT_EQ(StateOf("alice", "d1"), v1::NOT_STARTED);
  Ok(Code(alice_, "d1"));
  EXPECT_EQ(StateOf("alice", "d1"), v1::IN_PROGRESS);
  EXPECT_EQ(StateOf("bob", "d1"), v1::NOT_STARTED);

  const int64_t events = EventCount("study");
  v1::SetDocumentProgressResponse done;
  Ok(Set(alice_, "d1", v1::DONE, "", &done));
  EXPECT_EQ(done.progress().state(), v1::DONE);
  EXPECT_EQ(done.progress().updated_by(), "alice");
  EXPECT_TRUE(done.progress().has_update_time());
  EXPECT_EQ(EventCount("study"), events + 1);
  EXPECT_NE(LastEventSummary().find("d1 of alice in round r1: IN_PROGRESS -> DONE"),
            std::string::npos)
      << LastEventSummary();
  // Saying it again changes nothing and adds no event.
  Ok(Set(alice_, "d1", v1::DONE));
  EXPECT_EQ(EventCount("study"), events + 1);

  const v1::ListProgressResponse all = Progress(lead_);
  ASSERT_EQ(all.coders_size(), 2);
  EXPECT_EQ(all.coders(0).coder(), "alice");
  EXPECT_EQ(all.coders(0).documents(), 2);
  EXPECT_EQ(all.coders(0).done(), 1);
  EXPECT_EQ(all.coders(0).not_started(), 1);
  EXPECT_EQ(all.coders(1).not_started(), 2);
  ASSERT_EQ(all.progress_size(), 4);  // coder x document, in round order
  EXPECT_EQ(all.progress(1).coder(), "alice");
  EXPECT_EQ(all.progress(1).document(), "d2");
}

TEST_F(ProgressTest, ADoneDocumentRefusesChangesUntilReopened) {
  v1::SubmitCodingsResponse stored;
  Ok(Code(alice_, "d1", &stored));
  Ok(Set(alice_, "d1", v1::DONE));
  const int64_t events = EventCount("study");

  grpc::Status more = Code(alice_, "d1");
  EXPECT_EQ(more.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(more.error_message().find("codings[0].document"), std::string::npos)
      << more.error_message();
  EXPECT_NE(more.error_message().find("reopen"), std::string::npos) << more.error_message();
  v1::RetractCodingRequest retract;
  retract.set_project("study");
  retract.set_round("r1");
  retract.set_coding(stored.coding_ids(0));
  retract.set_reason("second thoughts");
  EXPECT_EQ(Call(alice_, &v1::CodingService::Stub::RetractCoding, *coding_, retract).error_code(),
            StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(EventCount("study"), events);  // nothing stored
  // Bob's document is his own: alice's DONE does not touch it.
  Ok(Code(bob_, "d1"));

  Ok(Set(alice_, "d1", v1::IN_PROGRESS));
  EXPECT_EQ(StateOf("alice", "d1"), v1::IN_PROGRESS);
  Ok(Call(alice_, &v1::CodingService::Stub::RetractCoding, *coding_, retract));
  Ok(Code(alice_, "d1"));
}

TEST_F(ProgressTest, WhoMaySetWhose) {
  // A lead for a coder of the round.
  v1::SetDocumentProgressResponse response;
  Ok(Set(lead_, "d2", v1::DONE, "bob", &response));
  EXPECT_EQ(response.progress().coder(), "bob");
  EXPECT_EQ(response.progress().updated_by(), "lead");
  EXPECT_EQ(StateOf("bob", "d2"), v1::DONE);
  // A coder only for itself.
  EXPECT_EQ(Set(alice_, "d2", v1::IN_PROGRESS, "bob").error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(StateOf("bob", "d2"), v1::DONE);
  // A member who is not a coder of the round; a reviewer; a stranger.
  EXPECT_EQ(Set(carol_, "d1", v1::DONE).error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Set(rita_, "d1", v1::DONE).error_code(), StatusCode::PERMISSION_DENIED);
  const std::string stranger = CreateUser("sam");
  EXPECT_EQ(Set(stranger, "d1", v1::DONE).error_code(), StatusCode::NOT_FOUND);
  // A lead for someone who is not a coder of the round.
  v1::SetDocumentProgressResponse ignored;
  grpc::Status not_coder = Set(lead_, "d1", v1::DONE, "carol", &ignored);
  EXPECT_EQ(not_coder.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(not_coder.error_message().find("on_behalf_of"), std::string::npos);
}

TEST_F(ProgressTest, BadInputNamesTheFieldAndStoresNothing) {
  const int64_t events = EventCount("study");
  grpc::Status status = Set(alice_, "d1", v1::NOT_STARTED);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("state"), std::string::npos);
  status = Set(alice_, "d9", v1::DONE);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("document"), std::string::npos);
  status = Set(alice_, "Bad Id", v1::DONE);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(EventCount("study"), events);
}

TEST_F(ProgressTest, BlindCodersSeeOnlyTheirOwnProgress) {
  Ok(Code(bob_, "d1"));
  Ok(Set(bob_, "d1", v1::DONE));
  const v1::ListProgressResponse own = Progress(alice_);
  ASSERT_EQ(own.coders_size(), 1);
  EXPECT_EQ(own.coders(0).coder(), "alice");
  for (const v1::DocumentProgress& p : own.progress()) EXPECT_EQ(p.coder(), "alice");
  grpc::Status status;
  Progress(alice_, &status, "bob");
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  // Leads and reviewers see everyone's.
  EXPECT_EQ(Progress(lead_).coders_size(), 2);
  EXPECT_EQ(Progress(rita_).coders(1).done(), 1);
  // Once the round has left OPEN, coders see everyone's too.
  Ok(Advance(/*force=*/true));
  EXPECT_EQ(Progress(alice_).coders_size(), 2);
}

TEST_F(ProgressTest, AdvancingWithUnfinishedWorkNeedsForceAndIsRecorded) {
  Ok(Code(alice_, "d1"));
  Ok(Set(alice_, "d1", v1::DONE));
  Ok(Code(bob_, "d1"));
  const int64_t events = EventCount("study");
  grpc::Status refused = Advance(/*force=*/false);
  EXPECT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("bob/d1 (IN_PROGRESS)"), std::string::npos)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("alice/d2 (NOT_STARTED)"), std::string::npos);
  EXPECT_EQ(refused.error_message().find("alice/d1"), std::string::npos);
  EXPECT_EQ(EventCount("study"), events);

  v1::AdvanceRoundResponse advanced;
  Ok(Advance(/*force=*/true, &advanced));
  EXPECT_EQ(advanced.round().state(), v1::RECONCILING);
  ASSERT_EQ(advanced.unfinished_size(), 3);
  EXPECT_EQ(advanced.unfinished(0).coder(), "alice");
  EXPECT_EQ(advanced.unfinished(0).document(), "d2");
  EXPECT_EQ(advanced.unfinished(1).state(), "IN_PROGRESS");
  EXPECT_NE(LastEventSummary().find("forced; not done: alice/d2 (NOT_STARTED), bob/d1 "
                                    "(IN_PROGRESS), bob/d2 (NOT_STARTED)"),
            std::string::npos)
      << LastEventSummary();
  // Progress changes only while OPEN.
  EXPECT_EQ(Set(bob_, "d1", v1::DONE).error_code(), StatusCode::FAILED_PRECONDITION);
}

TEST_F(ProgressTest, ALongListOfUnfinishedPairsIsCutInTheError) {
  v1::CreateRoundRequest round;
  round.set_project("study");
  round.set_id("big");
  round.add_coders("alice");
  round.add_coders("bob");
  for (int i = 0; i < 30; ++i) {
    v1::CreateDocumentRequest document;
    document.set_project("study");
    document.set_id("doc" + std::to_string(i));
    document.set_text("text " + std::to_string(i));
    document.set_segmentation(v1::SEGMENT_NONE);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_, document));
    round.add_documents(document.id());
  }
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_, round));
  v1::AdvanceRoundRequest advance;
  advance.set_project("study");
  advance.set_round("big");
  grpc::Status refused = Call(lead_, &v1::ProjectService::Stub::AdvanceRound, *project_, advance);
  EXPECT_EQ(refused.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("60 (coder, document) pairs are not done"),
            std::string::npos)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("and 40 more"), std::string::npos);
  EXPECT_LT(refused.error_message().size(), 2000u);
  advance.set_force(true);
  v1::AdvanceRoundResponse advanced;
  Ok(Call(lead_, &v1::ProjectService::Stub::AdvanceRound, *project_, advance, &advanced));
  EXPECT_EQ(advanced.unfinished_size(), 60);
  EXPECT_NE(LastEventSummary().find("bob/doc29 (NOT_STARTED)"), std::string::npos);
}

TEST_F(ProgressTest, FinishedRoundsAdvanceWithoutForce) {
  for (const std::string& coder : {"alice", "bob"}) {
    for (const char* doc : {"d1", "d2"}) Ok(Set(lead_, doc, v1::DONE, coder));
  }
  v1::AdvanceRoundResponse advanced;
  Ok(Advance(/*force=*/false, &advanced));
  EXPECT_EQ(advanced.unfinished_size(), 0);
}

TEST_F(ProgressTest, StateSurvivesARestart) {
  Ok(Code(alice_, "d1"));
  Ok(Set(alice_, "d2", v1::DONE));
  RestartServer();
  coding_ = v1::CodingService::NewStub(channel_);
  EXPECT_EQ(StateOf("alice", "d1"), v1::IN_PROGRESS);
  EXPECT_EQ(StateOf("alice", "d2"), v1::DONE);
  EXPECT_EQ(StateOf("bob", "d1"), v1::NOT_STARTED);
}

TEST_F(ProgressTest, AnImportMarksItsDocumentsDone) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + lead_);
  v1::ImportCodingsResponse response;
  auto writer = coding_->ImportCodings(&context, &response);
  for (const char* doc : {"d1", "d2"}) {
    v1::ImportCodingsRequest message;
    message.set_project("study");
    message.set_round("r1");
    message.set_on_behalf_of("bob");
    message.set_request_id("bulk-bob");
    v1::CodingInput* input = message.add_codings();
    input->set_document(doc);
    input->set_code("c1");
    input->set_segment(1);
    ASSERT_TRUE(writer->Write(message));
  }
  writer->WritesDone();
  Ok(writer->Finish());
  ASSERT_EQ(response.documents_done_size(), 2);
  EXPECT_EQ(StateOf("bob", "d1"), v1::DONE);
  EXPECT_EQ(StateOf("bob", "d2"), v1::DONE);
  EXPECT_EQ(StateOf("alice", "d1"), v1::NOT_STARTED);
}

TEST_F(ProgressTest, AnImportRequestIdLeavesRoomForItsChunks) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + alice_);
  v1::ImportCodingsResponse response;
  auto writer = coding_->ImportCodings(&context, &response);
  v1::ImportCodingsRequest message;
  message.set_project("study");
  message.set_round("r1");
  message.set_request_id(std::string(120, 'x'));
  v1::CodingInput* input = message.add_codings();
  input->set_document("d1");
  input->set_code("c1");
  input->set_segment(0);
  writer->Write(message);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("request_id"), std::string::npos) << status.error_message();
  EXPECT_EQ(StateOf("alice", "d1"), v1::NOT_STARTED);
}

}  // namespace
}  // namespace icr
