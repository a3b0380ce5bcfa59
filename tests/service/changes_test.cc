// The change feed (AuditService.ListChanges) over real gRPC: the kind,
// round, document and coder of each event; resuming after a seq without
// gaps or duplicates; pages; the blind rules (a coder of a blind OPEN round
// hears of no other coder's codings or progress in it, yet its last_seq
// moves past them); a non-member; bad arguments.

#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;

// What a test checks of a change: kind, round, document, coder, method.
using Seen = std::tuple<v1::ChangeKind, std::string, std::string, std::string, std::string>;

Seen Of(const v1::Change& change) {
  return {change.kind(), change.round(), change.document(), change.coder(), change.method()};
}

constexpr char kSubmit[] = "/icr.v1.CodingService/SubmitCodings";
constexpr char kImport[] = "/icr.v1.CodingService/ImportCodings";
constexpr char kRetract[] = "/icr.v1.CodingService/RetractCoding";
constexpr char kProgress[] = "/icr.v1.CodingService/SetDocumentProgress";
constexpr char kCreateRound[] = "/icr.v1.ProjectService/CreateRound";
constexpr char kAdvance[] = "/icr.v1.ProjectService/AdvanceRound";
constexpr char kResolve[] = "/icr.v1.AgreementService/ResolveDisagreement";
constexpr char kCreateCode[] = "/icr.v1.ProjectService/CreateCode";
constexpr char kCreateDocument[] = "/icr.v1.ProjectService/CreateDocument";
constexpr char kAddMember[] = "/icr.v1.ProjectService/AddMember";

class ChangesTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    options_.sync = false;  // one test writes over a thousand events
    ServerTest::SetUp();
    coding_ = v1::CodingService::NewStub(channel_);
    agreement_ = v1::AgreementService::NewStub(channel_);
    lead_ = CreateUser("lead");
    alice_ = CreateUser("alice");
    bob_ = CreateUser("bob");
    carol_ = CreateUser("carol");  // a coder of the project, of no round
    rita_ = CreateUser("rita");    // a reviewer
    stranger_ = CreateUser("stranger");
    v1::CreateProjectRequest project;
    project.set_id("study");
    project.set_title("Study");
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateProject, *project_, project));
    for (auto [user, role] :
         std::vector<std::pair<std::string, v1::MemberRole>>{{"alice", v1::CODER},
                                                             {"bob", v1::CODER},
                                                             {"carol", v1::CODER},
                                                             {"rita", v1::REVIEWER}}) {
      AddMember(user, role);
    }
    for (const char* code : {"c1", "c2"}) CreateCode(code);
    for (const char* doc : {"d1", "d2"}) CreateDocument(doc);
    CreateRound("r1", /*blind=*/true);
    CreateRound("r2", /*blind=*/false);
  }

  void Ok(const grpc::Status& status) { ASSERT_TRUE(status.ok()) << status.error_message(); }

  void AddMember(const std::string& user, v1::MemberRole role) {
    v1::AddMemberRequest member;
    member.set_project("study");
    member.set_user(user);
    member.set_role(role);
    Ok(Call(lead_, &v1::ProjectService::Stub::AddMember, *project_, member));
  }

  void CreateCode(const std::string& id) {
    v1::CreateCodeRequest code;
    code.set_project("study");
    code.mutable_code()->set_id(id);
    code.mutable_code()->set_name(id);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_, code));
  }

  void CreateDocument(const std::string& id) {
    v1::CreateDocumentRequest document;
    document.set_project("study");
    document.set_id(id);
    document.set_text("first\n\nnext");
    document.set_segmentation(v1::SEGMENT_PARAGRAPH);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_, document));
  }

  void CreateRound(const std::string& id, bool blind) {
    v1::CreateRoundRequest round;
    round.set_project("study");
    round.set_id(id);
    round.add_documents("d1");
    round.add_documents("d2");
    round.add_coders("alice");
    round.add_coders("bob");
    round.set_blind(blind);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_, round));
  }

  // Submits codings of c1 (or `code`) on (document, segment) pairs; returns
  // the coding ids.
  std::vector<std::string> Code(const std::string& token, const std::string& round,
                                const std::vector<std::pair<std::string, int>>& units,
                                const std::string& on_behalf_of = "",
                                const std::string& code = "c1") {
    v1::SubmitCodingsRequest request;
    request.set_project("study");
    request.set_round(round);
    request.set_on_behalf_of(on_behalf_of);
    for (const auto& [document, segment] : units) {
      v1::CodingInput* input = request.add_codings();
      input->set_document(document);
      input->set_code(code);
      input->set_segment(segment);
    }
    v1::SubmitCodingsResponse response;
    grpc::Status status =
        Call(token, &v1::CodingService::Stub::SubmitCodings, *coding_, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.coding_ids().begin(), response.coding_ids().end()};
  }

  void Done(const std::string& token, const std::string& round, const std::string& document,
            const std::string& on_behalf_of = "") {
    v1::SetDocumentProgressRequest request;
    request.set_project("study");
    request.set_round(round);
    request.set_document(document);
    request.set_state(v1::DONE);
    request.set_on_behalf_of(on_behalf_of);
    Ok(Call(token, &v1::CodingService::Stub::SetDocumentProgress, *coding_, request));
  }

  void Advance(const std::string& round) {
    v1::AdvanceRoundRequest request;
    request.set_project("study");
    request.set_round(round);
    request.set_force(true);
    Ok(Call(lead_, &v1::ProjectService::Stub::AdvanceRound, *project_, request));
  }

  grpc::Status ListChanges(const std::string& token, int64_t after_seq, int32_t page_size,
                           v1::ListChangesResponse* response,
                           const std::string& project = "study") {
    v1::ListChangesRequest request;
    request.set_project(project);
    request.set_after_seq(after_seq);
    request.set_page_size(page_size);
    return Call(token, &v1::AuditService::Stub::ListChanges, *audit_, request, response);
  }

  // Every change after `after_seq` that `token` hears of, page by page.
  std::vector<v1::Change> AllChanges(const std::string& token, int64_t after_seq,
                                     int32_t page_size = 0) {
    std::vector<v1::Change> all;
    for (;;) {
      v1::ListChangesResponse page;
      grpc::Status status = ListChanges(token, after_seq, page_size, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return all;
      all.insert(all.end(), page.changes().begin(), page.changes().end());
      if (page.last_seq() == after_seq) return all;
      EXPECT_GT(page.last_seq(), after_seq);
      after_seq = page.last_seq();
    }
  }

  std::vector<Seen> Heard(const std::string& token, int64_t after_seq) {
    std::vector<Seen> seen;
    for (const v1::Change& change : AllChanges(token, after_seq)) seen.push_back(Of(change));
    return seen;
  }

  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::unique_ptr<v1::AgreementService::Stub> agreement_;
  std::string lead_, alice_, bob_, carol_, rita_, stranger_;
};

TEST_F(ChangesTest, EachEventNamesItsKindRoundDocumentAndCoder) {
  const int64_t base = EventCount("study");
  Code(alice_, "r1", {{"d1", 0}});
  const std::vector<std::string> two = Code(alice_, "r1", {{"d1", 1}, {"d2", 0}});
  Code(lead_, "r1", {{"d1", 0}}, "bob", "c2");
  // The lead retracts alice's coding: the change is about alice's codings
  // of d1, though the request names neither.
  v1::RetractCodingRequest retract;
  retract.set_project("study");
  retract.set_round("r1");
  retract.set_coding(two.at(0));
  retract.set_reason("misplaced");
  Ok(Call(lead_, &v1::CodingService::Stub::RetractCoding, *coding_, retract));
  Done(alice_, "r1", "d1");
  Done(lead_, "r1", "d1", "bob");
  Advance("r1");
  v1::ListDisagreementsRequest disagreements;
  disagreements.set_project("study");
  disagreements.set_round("r1");
  v1::ListDisagreementsResponse found;
  Ok(Call(lead_, &v1::AgreementService::Stub::ListDisagreements, *agreement_, disagreements,
          &found));
  ASSERT_FALSE(found.disagreements().empty());
  v1::ResolveDisagreementRequest resolve;
  resolve.set_project("study");
  resolve.set_round("r1");
  resolve.set_disagreement(found.disagreements(0).id());
  resolve.set_value("none");
  resolve.set_rationale("neither fits");
  Ok(Call(lead_, &v1::AgreementService::Stub::ResolveDisagreement, *agreement_, resolve));
  CreateCode("c3");
  CreateDocument("d3");
  CreateRound("r3", true);
  AddMember("stranger", v1::REVIEWER);

  const std::vector<v1::Change> changes = AllChanges(lead_, base);
  std::vector<Seen> seen;
  for (size_t i = 0; i < changes.size(); ++i) {
    seen.push_back(Of(changes[i]));
    EXPECT_EQ(changes[i].seq(), base + 1 + static_cast<int64_t>(i));
    EXPECT_GT(changes[i].time().seconds(), 1600000000) << changes[i].method();
  }
  const std::vector<Seen> expected = {
      {v1::CHANGE_KIND_CODINGS, "r1", "d1", "alice", kSubmit},
      {v1::CHANGE_KIND_CODINGS, "r1", "", "alice", kSubmit},  // two documents
      {v1::CHANGE_KIND_CODINGS, "r1", "d1", "bob", kSubmit},
      {v1::CHANGE_KIND_CODINGS, "r1", "d1", "alice", kRetract},
      {v1::CHANGE_KIND_PROGRESS, "r1", "d1", "alice", kProgress},
      {v1::CHANGE_KIND_PROGRESS, "r1", "d1", "bob", kProgress},
      {v1::CHANGE_KIND_ROUND, "r1", "", "", kAdvance},
      {v1::CHANGE_KIND_RESOLUTION, "r1", "", "", kResolve},
      {v1::CHANGE_KIND_CODEBOOK, "", "", "", kCreateCode},
      {v1::CHANGE_KIND_DOCUMENTS, "", "d3", "", kCreateDocument},
      {v1::CHANGE_KIND_ROUND, "r3", "", "", kCreateRound},
      {v1::CHANGE_KIND_MEMBERS, "", "", "", kAddMember},
  };
  EXPECT_EQ(seen, expected);
}

// Each chunk of an import is recorded as the SubmitCodingsRequest it was
// committed as, and the documents it marks done as progress.
TEST_F(ChangesTest, AnImportIsTheImportedCodersCodingsAndProgress) {
  const int64_t base = EventCount("study");
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + lead_);
  v1::ImportCodingsResponse response;
  auto writer = coding_->ImportCodings(&context, &response);
  v1::ImportCodingsRequest chunk;
  chunk.set_project("study");
  chunk.set_round("r2");
  chunk.set_on_behalf_of("bob");
  v1::CodingInput* input = chunk.add_codings();
  input->set_document("d2");
  input->set_code("c1");
  input->set_segment(1);
  ASSERT_TRUE(writer->Write(chunk));
  writer->WritesDone();
  Ok(writer->Finish());
  const std::vector<Seen> expected = {
      {v1::CHANGE_KIND_CODINGS, "r2", "d2", "bob", kImport},
      {v1::CHANGE_KIND_PROGRESS, "r2", "d2", "bob", kProgress},
  };
  EXPECT_EQ(Heard(lead_, base), expected);
}

TEST_F(ChangesTest, ResumingAfterASeqHasNoGapsNorDuplicatesAndPagesAreBounded) {
  const int64_t base = EventCount("study");
  for (int i = 0; i < 1005; ++i) CreateCode("k" + std::to_string(i));
  // Pages of 7: every event once, in order.
  std::vector<int64_t> seqs;
  for (const v1::Change& change : AllChanges(lead_, base, 7)) seqs.push_back(change.seq());
  ASSERT_EQ(seqs.size(), 1005u);
  for (size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], base + 1 + static_cast<int64_t>(i));

  v1::ListChangesResponse page;
  Ok(ListChanges(lead_, base, 7, &page));
  EXPECT_EQ(page.changes_size(), 7);
  EXPECT_EQ(page.last_seq(), base + 7);
  // The default page and the largest are 1000 events.
  Ok(ListChanges(lead_, base, 0, &page));
  EXPECT_EQ(page.changes_size(), 1000);
  EXPECT_EQ(page.last_seq(), base + 1000);
  Ok(ListChanges(lead_, base, 5000, &page));
  EXPECT_EQ(page.changes_size(), 1000);
  Ok(ListChanges(lead_, page.last_seq(), 5000, &page));
  EXPECT_EQ(page.changes_size(), 5);
  EXPECT_EQ(page.changes(0).seq(), base + 1001);
  // Nothing new: no changes, and last_seq stays where it was.
  Ok(ListChanges(lead_, base + 1005, 0, &page));
  EXPECT_EQ(page.changes_size(), 0);
  EXPECT_EQ(page.last_seq(), base + 1005);
  // A later change is the next one after it.
  CreateCode("later");
  Ok(ListChanges(lead_, base + 1005, 0, &page));
  ASSERT_EQ(page.changes_size(), 1);
  EXPECT_EQ(page.changes(0).seq(), base + 1006);
  EXPECT_EQ(page.last_seq(), base + 1006);
}

TEST_F(ChangesTest, ACoderOfABlindOpenRoundHearsOfNoOtherCodersWork) {
  const int64_t base = EventCount("study");
  Code(alice_, "r1", {{"d1", 0}});
  Code(bob_, "r1", {{"d1", 1}});
  Done(alice_, "r1", "d1");
  CreateCode("c9");
  Code(alice_, "r2", {{"d1", 0}});  // r2 is not blind
  CreateRound("r3", true);
  Done(lead_, "r1", "d2", "bob");

  const Seen alice_codes_r1 = {v1::CHANGE_KIND_CODINGS, "r1", "d1", "alice", kSubmit};
  const Seen bob_codes_r1 = {v1::CHANGE_KIND_CODINGS, "r1", "d1", "bob", kSubmit};
  const Seen alice_done_r1 = {v1::CHANGE_KIND_PROGRESS, "r1", "d1", "alice", kProgress};
  const Seen codebook = {v1::CHANGE_KIND_CODEBOOK, "", "", "", kCreateCode};
  const Seen alice_codes_r2 = {v1::CHANGE_KIND_CODINGS, "r2", "d1", "alice", kSubmit};
  const Seen round_r3 = {v1::CHANGE_KIND_ROUND, "r3", "", "", kCreateRound};
  const Seen bob_done_r1 = {v1::CHANGE_KIND_PROGRESS, "r1", "d2", "bob", kProgress};
  const std::vector<Seen> everything = {alice_codes_r1, bob_codes_r1, alice_done_r1, codebook,
                                        alice_codes_r2, round_r3,     bob_done_r1};
  EXPECT_EQ(Heard(lead_, base), everything);
  EXPECT_EQ(Heard(rita_, base), everything);
  EXPECT_EQ(Heard(bob_, base),
            (std::vector<Seen>{bob_codes_r1, codebook, alice_codes_r2, round_r3, bob_done_r1}));
  EXPECT_EQ(Heard(alice_, base),
            (std::vector<Seen>{alice_codes_r1, alice_done_r1, codebook, alice_codes_r2, round_r3}));
  EXPECT_EQ(Heard(carol_, base), (std::vector<Seen>{codebook, alice_codes_r2, round_r3}));

  // A page of only hidden events is empty, yet resumes past them.
  v1::ListChangesResponse page;
  Ok(ListChanges(bob_, base, 1, &page));
  EXPECT_EQ(page.changes_size(), 0);
  EXPECT_EQ(page.last_seq(), base + 1);
  Ok(ListChanges(carol_, base, 3, &page));
  EXPECT_EQ(page.changes_size(), 0);
  EXPECT_EQ(page.last_seq(), base + 3);

  // Once the round has left OPEN, its coders' work is no secret.
  Advance("r1");
  std::vector<Seen> after_advance = everything;
  after_advance.push_back({v1::CHANGE_KIND_ROUND, "r1", "", "", kAdvance});
  EXPECT_EQ(Heard(bob_, base), after_advance);
  EXPECT_EQ(Heard(carol_, base), after_advance);
}

TEST_F(ChangesTest, ANonMemberFindsNoProject) {
  v1::ListChangesResponse page;
  EXPECT_EQ(ListChanges(stranger_, 0, 0, &page).error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(ListChanges(admin_token_, 0, 0, &page, "nowhere").error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(ListChanges("", 0, 0, &page).error_code(), StatusCode::UNAUTHENTICATED);
  Ok(ListChanges(admin_token_, 0, 0, &page));
  EXPECT_EQ(page.last_seq(), EventCount("study"));
}

TEST_F(ChangesTest, AfterSeqMinusOneStartsAtTheProjectsEnd) {
  v1::ListChangesResponse page;
  Ok(ListChanges(alice_, -1, 0, &page));
  EXPECT_EQ(page.changes_size(), 0);
  EXPECT_EQ(page.last_seq(), EventCount("study"));
  EXPECT_GT(page.last_seq(), 0);
}

TEST_F(ChangesTest, NegativeAfterSeqOrPageSizeIsRefusedNamingTheField) {
  v1::ListChangesResponse page;
  grpc::Status status = ListChanges(alice_, -2, 0, &page);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("after_seq"), std::string::npos) << status.error_message();
  status = ListChanges(alice_, 0, -1, &page);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page_size"), std::string::npos) << status.error_message();
}

}  // namespace
}  // namespace icr
