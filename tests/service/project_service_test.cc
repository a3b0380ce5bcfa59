// ProjectService and AdminService over real gRPC: every RPC's happy path,
// each bad input answered with the right code and nothing stored, and
// everything still there after a restart.

#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;

class ProjectServiceTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    lead_token_ = CreateUser("lead");
    alice_token_ = CreateUser("alice");
    bob_token_ = CreateUser("bob");
    v1::CreateProjectRequest create;
    create.set_id("study");
    create.set_title("Peer mentoring study");
    v1::CreateProjectResponse created;
    ASSERT_TRUE(Call(lead_token_, &v1::ProjectService::Stub::CreateProject, *project_, create,
                     &created)
                    .ok());
    AddMember("alice", v1::CODER);
    AddMember("bob", v1::CODER);
  }

  void AddMember(const std::string& user, v1::MemberRole role) {
    v1::AddMemberRequest request;
    request.set_project("study");
    request.set_user(user);
    request.set_role(role);
    v1::AddMemberResponse response;
    grpc::Status status =
        Call(lead_token_, &v1::ProjectService::Stub::AddMember, *project_, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  grpc::Status AddCode(const std::string& id, const std::string& parent = "",
                       v1::CreateCodeResponse* out = nullptr) {
    v1::CreateCodeRequest request;
    request.set_project("study");
    request.mutable_code()->set_id(id);
    request.mutable_code()->set_name("Code " + id);
    request.mutable_code()->set_definition("Definition of " + id);
    request.mutable_code()->set_parent(parent);
    v1::CreateCodeResponse response;
    return Call(lead_token_, &v1::ProjectService::Stub::CreateCode, *project_, request,
                out ? out : &response);
  }

  grpc::Status AddDocument(const std::string& id, const std::string& text,
                           v1::Segmentation segmentation, v1::CreateDocumentResponse* out = nullptr) {
    v1::CreateDocumentRequest request;
    request.set_project("study");
    request.set_id(id);
    request.set_text(text);
    request.set_segmentation(segmentation);
    v1::CreateDocumentResponse response;
    return Call(lead_token_, &v1::ProjectService::Stub::CreateDocument, *project_, request,
                out ? out : &response);
  }

  v1::ListCodesResponse ListCodes(bool include_merged = false) {
    v1::ListCodesRequest request;
    request.set_project("study");
    request.set_include_merged(include_merged);
    v1::ListCodesResponse response;
    EXPECT_TRUE(
        Call(lead_token_, &v1::ProjectService::Stub::ListCodes, *project_, request, &response).ok());
    return response;
  }

  // Expects `status` to carry `code` and a message naming `field`, and the
  // project's audit trail to be as long as before.
  void ExpectRejected(const grpc::Status& status, StatusCode code, const std::string& field,
                      int64_t events_before) {
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_NE(status.error_message().find(field), std::string::npos)
        << "message \"" << status.error_message() << "\" does not name " << field;
    EXPECT_EQ(EventCount("study"), events_before) << "a rejected request left an audit event";
  }

  std::string lead_token_, alice_token_, bob_token_;
};

TEST_F(ProjectServiceTest, CodebookHierarchyEditAndMerge) {
  ASSERT_TRUE(AddCode("theme").ok());
  ASSERT_TRUE(AddCode("category", "theme").ok());
  ASSERT_TRUE(AddCode("open-a", "category").ok());
  ASSERT_TRUE(AddCode("open-b", "category").ok());
  ASSERT_TRUE(AddCode("open-c", "open-b").ok());

  // Edit one field; the etag guards against a lost update.
  v1::UpdateCodeRequest edit;
  edit.set_project("study");
  edit.mutable_code()->set_id("open-a");
  edit.mutable_code()->set_definition("Talk about a mentor's availability");
  edit.add_update_mask("definition");
  edit.set_etag("1");
  v1::UpdateCodeResponse edited;
  ASSERT_TRUE(
      Call(lead_token_, &v1::ProjectService::Stub::UpdateCode, *project_, edit, &edited).ok());
  EXPECT_EQ(edited.code().definition(), "Talk about a mentor's availability");
  EXPECT_EQ(edited.code().name(), "Code open-a");  // not in the mask: kept
  EXPECT_EQ(edited.code().etag(), "2");
  EXPECT_EQ(Call(lead_token_, &v1::ProjectService::Stub::UpdateCode, *project_, edit, &edited)
                .error_code(),
            StatusCode::ABORTED);  // etag 1 is stale now

  // Merge open-b into open-a: open-b's child moves under open-a.
  v1::MergeCodeRequest merge;
  merge.set_project("study");
  merge.set_from_code("open-b");
  merge.set_into_code("open-a");
  v1::MergeCodeResponse merged;
  ASSERT_TRUE(
      Call(lead_token_, &v1::ProjectService::Stub::MergeCode, *project_, merge, &merged).ok());
  EXPECT_EQ(merged.from_code().state(), v1::CODE_MERGED);
  v1::ListCodesResponse codes = ListCodes();
  ASSERT_EQ(codes.codes_size(), 4);  // the merged code is hidden by default
  for (const v1::Code& code : codes.codes()) {
    if (code.id() == "open-c") EXPECT_EQ(code.parent(), "open-a");
    EXPECT_NE(code.id(), "open-b");
  }
  EXPECT_EQ(ListCodes(/*include_merged=*/true).codes_size(), 5);

  // Every codebook change bumped the revision: 5 adds, 1 edit, 1 merge.
  v1::GetProjectRequest get;
  get.set_project("study");
  v1::GetProjectResponse project;
  ASSERT_TRUE(Call(lead_token_, &v1::ProjectService::Stub::GetProject, *project_, get, &project).ok());
  EXPECT_EQ(project.project().codebook_revision(), 7);
}

TEST_F(ProjectServiceTest, CodebookBadInputStoresNothing) {
  ASSERT_TRUE(AddCode("a").ok());
  ASSERT_TRUE(AddCode("b", "a").ok());
  const int64_t before = EventCount("study");
  ExpectRejected(AddCode("c", "missing"), StatusCode::INVALID_ARGUMENT, "code.parent", before);
  ExpectRejected(AddCode("Bad Id"), StatusCode::INVALID_ARGUMENT, "code.id", before);
  ExpectRejected(AddCode(std::string(64, 'x')), StatusCode::INVALID_ARGUMENT, "code.id", before);
  ExpectRejected(AddCode("a"), StatusCode::ALREADY_EXISTS, "a", before);

  // (Invalid UTF-8 cannot reach a proto3 string field: the client library
  // refuses to send it. Document text is a bytes field and is checked.)
  v1::CreateCodeRequest bad_utf8;
  bad_utf8.set_project("study");
  bad_utf8.mutable_code()->set_id("d");
  v1::CreateCodeResponse ignored;
  bad_utf8.mutable_code()->set_name("");
  ExpectRejected(Call(lead_token_, &v1::ProjectService::Stub::CreateCode, *project_, bad_utf8,
                      &ignored),
                 StatusCode::INVALID_ARGUMENT, "code.name", before);
  bad_utf8.mutable_code()->set_name(std::string(201, 'n'));
  ExpectRejected(Call(lead_token_, &v1::ProjectService::Stub::CreateCode, *project_, bad_utf8,
                      &ignored),
                 StatusCode::INVALID_ARGUMENT, "code.name", before);

  // Moving a under its own child b would make a cycle.
  v1::UpdateCodeRequest cycle;
  cycle.set_project("study");
  cycle.mutable_code()->set_id("a");
  cycle.mutable_code()->set_parent("b");
  cycle.add_update_mask("parent");
  v1::UpdateCodeResponse updated;
  ExpectRejected(
      Call(lead_token_, &v1::ProjectService::Stub::UpdateCode, *project_, cycle, &updated),
      StatusCode::INVALID_ARGUMENT, "cycle", before);
  cycle.mutable_code()->set_parent("a");
  ExpectRejected(
      Call(lead_token_, &v1::ProjectService::Stub::UpdateCode, *project_, cycle, &updated),
      StatusCode::INVALID_ARGUMENT, "code.parent", before);

  v1::MergeCodeRequest merge;
  merge.set_project("study");
  merge.set_from_code("a");
  merge.set_into_code("b");  // b is under a
  v1::MergeCodeResponse merged;
  ExpectRejected(Call(lead_token_, &v1::ProjectService::Stub::MergeCode, *project_, merge, &merged),
                 StatusCode::INVALID_ARGUMENT, "into_code", before);
  EXPECT_EQ(ListCodes().codes_size(), 2);
}

TEST_F(ProjectServiceTest, DomainsNeedKnownCodesAndALevel) {
  ASSERT_TRUE(AddCode("low").ok());
  ASSERT_TRUE(AddCode("high").ok());
  v1::CreateDomainRequest request;
  request.set_project("study");
  request.mutable_domain()->set_id("intensity");
  request.mutable_domain()->set_level(v1::ORDINAL);
  request.mutable_domain()->add_codes("low");
  request.mutable_domain()->add_codes("high");
  v1::CreateDomainResponse response;
  ASSERT_TRUE(
      Call(lead_token_, &v1::ProjectService::Stub::CreateDomain, *project_, request, &response).ok());

  const int64_t before = EventCount("study");
  request.mutable_domain()->set_id("other");
  request.mutable_domain()->add_codes("nope");
  ExpectRejected(
      Call(lead_token_, &v1::ProjectService::Stub::CreateDomain, *project_, request, &response),
      StatusCode::INVALID_ARGUMENT, "domain.codes[2]", before);
  request.mutable_domain()->clear_codes();
  request.mutable_domain()->add_codes("low");
  request.mutable_domain()->add_codes("high");
  request.mutable_domain()->set_level(v1::INTERVAL);  // the codes have no values
  ExpectRejected(
      Call(lead_token_, &v1::ProjectService::Stub::CreateDomain, *project_, request, &response),
      StatusCode::INVALID_ARGUMENT, "domain.codes[0]", before);
  request.mutable_domain()->set_level(v1::LEVEL_UNSPECIFIED);
  ExpectRejected(
      Call(lead_token_, &v1::ProjectService::Stub::CreateDomain, *project_, request, &response),
      StatusCode::INVALID_ARGUMENT, "domain.level", before);
}

TEST_F(ProjectServiceTest, DocumentsAreHashedSegmentedAndConvertible) {
  // An emoji outside the BMP and CRLF line ends: code points, UTF-16 units
  // and bytes all differ.
  const std::string text = "I felt \xF0\x9F\x98\x80 supported.\r\nReally.\r\n\r\nMy mentor was busy.";
  v1::CreateDocumentResponse created;
  ASSERT_TRUE(AddDocument("int-01", text, v1::SEGMENT_PARAGRAPH, &created).ok());
  const v1::Document& doc = created.document();
  EXPECT_EQ(doc.sha256(), "77fdbd61ed0586dffe1c1df20a11f86939e1b716649da31df0f4d20709cdc4aa");
  EXPECT_EQ(doc.length_code_points(), 51);
  EXPECT_EQ(doc.length_utf16_units(), 52);
  EXPECT_EQ(doc.length_bytes(), 54);
  ASSERT_EQ(doc.segments_size(), 2);
  EXPECT_EQ(doc.segments(0).start(), 0);
  EXPECT_EQ(doc.segments(0).end(), 28);
  EXPECT_EQ(doc.segments(1).start(), 32);
  EXPECT_EQ(doc.segments(1).end(), 51);

  // The same segments in UTF-16 units (as NVivo counts) and in bytes.
  v1::GetDocumentRequest get;
  get.set_project("study");
  get.set_document("int-01");
  get.set_offset_unit(v1::UTF16_UNITS);
  get.set_include_text(true);
  v1::GetDocumentResponse got;
  ASSERT_TRUE(Call(alice_token_, &v1::ProjectService::Stub::GetDocument, *project_, get, &got).ok());
  EXPECT_EQ(got.document().text(), text);
  EXPECT_EQ(got.document().segments(0).end(), 29);
  EXPECT_EQ(got.document().segments(1).start(), 33);
  EXPECT_EQ(got.document().segments(1).end(), 52);
  get.set_offset_unit(v1::UTF8_BYTES);
  ASSERT_TRUE(Call(alice_token_, &v1::ProjectService::Stub::GetDocument, *project_, get, &got).ok());
  EXPECT_EQ(got.document().segments(0).end(), 31);
  EXPECT_EQ(got.document().segments(1).start(), 35);
  EXPECT_EQ(got.document().segments(1).end(), 54);

  ASSERT_TRUE(AddDocument("int-02", text, v1::SEGMENT_LINE, &created).ok());
  EXPECT_EQ(created.document().segments_size(), 3);
  ASSERT_TRUE(AddDocument("int-03", text, v1::SEGMENT_NONE, &created).ok());
  ASSERT_EQ(created.document().segments_size(), 1);
  EXPECT_EQ(created.document().segments(0).end(), 51);

  // The audit event holds the text's hash, not the text.
  v1::ListEventsRequest events;
  events.set_project("study");
  v1::ListEventsResponse trail;
  ASSERT_TRUE(Call(lead_token_, &v1::AuditService::Stub::ListEvents, *audit_, events, &trail).ok());
  v1::CreateDocumentRequest audited;
  bool found = false;
  for (const v1::EventRecord& record : trail.events()) {
    if (record.event().method() != "/icr.v1.ProjectService/CreateDocument") continue;
    ASSERT_TRUE(audited.ParseFromString(record.event().request()));
    EXPECT_EQ(audited.text(),
              "sha256:77fdbd61ed0586dffe1c1df20a11f86939e1b716649da31df0f4d20709cdc4aa");
    found = true;
  }
  EXPECT_TRUE(found);
}

TEST_F(ProjectServiceTest, DocumentBadInputStoresNothing) {
  options_.max_document_bytes = 1000;
  RestartServer();
  const int64_t before = EventCount("study");
  ExpectRejected(AddDocument("d", "caf\xC3 au lait", v1::SEGMENT_NONE), StatusCode::INVALID_ARGUMENT,
                 "text", before);
  ExpectRejected(AddDocument("d", "", v1::SEGMENT_NONE), StatusCode::INVALID_ARGUMENT, "text",
                 before);
  ExpectRejected(AddDocument("d", std::string(1001, 'x'), v1::SEGMENT_NONE),
                 StatusCode::RESOURCE_EXHAUSTED, "text", before);
  ExpectRejected(AddDocument("D!", "fine", v1::SEGMENT_NONE), StatusCode::INVALID_ARGUMENT, "id",
                 before);
  v1::CreateDocumentRequest given;
  given.set_project("study");
  given.set_id("d");
  given.set_text("abcdef");
  given.add_segments()->set_end(7);  // past the end
  v1::CreateDocumentResponse response;
  ExpectRejected(
      Call(lead_token_, &v1::ProjectService::Stub::CreateDocument, *project_, given, &response),
      StatusCode::INVALID_ARGUMENT, "segments[0]", before);
  v1::ListDocumentsRequest list;
  list.set_project("study");
  v1::ListDocumentsResponse documents;
  ASSERT_TRUE(
      Call(lead_token_, &v1::ProjectService::Stub::ListDocuments, *project_, list, &documents).ok());
  EXPECT_EQ(documents.documents_size(), 0);
}

TEST_F(ProjectServiceTest, RoundsAdvanceOpenReconcilingClosed) {
  ASSERT_TRUE(AddDocument("int-01", "one\n\ntwo", v1::SEGMENT_PARAGRAPH).ok());
  v1::CreateRoundRequest create;
  create.set_project("study");
  create.set_id("pilot");
  create.add_documents("int-01");
  create.add_coders("alice");
  create.add_coders("bob");
  create.set_blind(true);
  v1::CreateRoundResponse created;
  ASSERT_TRUE(
      Call(lead_token_, &v1::ProjectService::Stub::CreateRound, *project_, create, &created).ok());
  EXPECT_EQ(created.round().state(), v1::OPEN);
  EXPECT_TRUE(created.round().blind());

  v1::AdvanceRoundRequest advance;
  advance.set_project("study");
  advance.set_round("pilot");
  advance.set_force(true);  // nobody has coded yet
  v1::AdvanceRoundResponse advanced;
  ASSERT_TRUE(
      Call(lead_token_, &v1::ProjectService::Stub::AdvanceRound, *project_, advance, &advanced).ok());
  EXPECT_EQ(advanced.round().state(), v1::RECONCILING);
  // A stale expectation of the state is refused rather than skipping ahead.
  advance.set_from_state(v1::OPEN);
  const int64_t before = EventCount("study");
  ExpectRejected(
      Call(lead_token_, &v1::ProjectService::Stub::AdvanceRound, *project_, advance, &advanced),
      StatusCode::FAILED_PRECONDITION, "RECONCILING", before);
  advance.set_from_state(v1::RECONCILING);
  ASSERT_TRUE(
      Call(lead_token_, &v1::ProjectService::Stub::AdvanceRound, *project_, advance, &advanced).ok());
  EXPECT_EQ(advanced.round().state(), v1::CLOSED);
  advance.clear_from_state();
  ExpectRejected(
      Call(lead_token_, &v1::ProjectService::Stub::AdvanceRound, *project_, advance, &advanced),
      StatusCode::FAILED_PRECONDITION, "CLOSED", before + 1);
}

TEST_F(ProjectServiceTest, RoundBadInputStoresNothing) {
  ASSERT_TRUE(AddDocument("int-01", "text", v1::SEGMENT_NONE).ok());
  CreateUser("outsider");
  const int64_t before = EventCount("study");
  auto attempt = [&](const std::vector<std::string>& docs, const std::vector<std::string>& coders) {
    v1::CreateRoundRequest create;
    create.set_project("study");
    create.set_id("r1");
    for (const auto& d : docs) create.add_documents(d);
    for (const auto& c : coders) create.add_coders(c);
    v1::CreateRoundResponse created;
    return Call(lead_token_, &v1::ProjectService::Stub::CreateRound, *project_, create, &created);
  };
  ExpectRejected(attempt({"int-01"}, {"alice", "ghost"}), StatusCode::INVALID_ARGUMENT,
                 "coders[1]", before);
  ExpectRejected(attempt({"int-01"}, {"alice", "outsider"}), StatusCode::INVALID_ARGUMENT,
                 "coders[1]", before);
  ExpectRejected(attempt({"int-01", "int-09"}, {"alice"}), StatusCode::INVALID_ARGUMENT,
                 "documents[1]", before);
  ExpectRejected(attempt({}, {"alice"}), StatusCode::INVALID_ARGUMENT, "documents", before);
  ExpectRejected(attempt({"int-01"}, {"alice", "alice"}), StatusCode::INVALID_ARGUMENT,
                 "coders[1]", before);
  v1::ListRoundsRequest list;
  list.set_project("study");
  v1::ListRoundsResponse rounds;
  ASSERT_TRUE(Call(lead_token_, &v1::ProjectService::Stub::ListRounds, *project_, list, &rounds).ok());
  EXPECT_EQ(rounds.rounds_size(), 0);
}

TEST_F(ProjectServiceTest, ListsPage) {
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(AddCode("c" + std::to_string(i)).ok());
  v1::ListCodesRequest request;
  request.set_project("study");
  request.set_page_size(3);
  std::vector<std::string> seen;
  int pages = 0;
  while (true) {
    v1::ListCodesResponse response;
    ASSERT_TRUE(
        Call(bob_token_, &v1::ProjectService::Stub::ListCodes, *project_, request, &response).ok());
    ++pages;
    for (const auto& code : response.codes()) seen.push_back(code.id());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"c0", "c1", "c2", "c3", "c4", "c5", "c6"}));
}

TEST_F(ProjectServiceTest, EverythingSurvivesARestart) {
  ASSERT_TRUE(AddCode("theme").ok());
  ASSERT_TRUE(AddCode("leaf", "theme").ok());
  ASSERT_TRUE(AddDocument("int-01", "one\n\ntwo", v1::SEGMENT_PARAGRAPH).ok());
  v1::CreateRoundRequest create;
  create.set_project("study");
  create.set_id("pilot");
  create.add_documents("int-01");
  create.add_coders("alice");
  v1::CreateRoundResponse created;
  ASSERT_TRUE(
      Call(lead_token_, &v1::ProjectService::Stub::CreateRound, *project_, create, &created).ok());
  const int64_t events = EventCount("study");

  RestartServer();

  // Tokens, members, codes, documents (with their text), rounds, events.
  EXPECT_EQ(ListCodes().codes_size(), 2);
  v1::GetDocumentRequest get;
  get.set_project("study");
  get.set_document("int-01");
  get.set_include_text(true);
  v1::GetDocumentResponse document;
  ASSERT_TRUE(
      Call(alice_token_, &v1::ProjectService::Stub::GetDocument, *project_, get, &document).ok());
  EXPECT_EQ(document.document().text(), "one\n\ntwo");
  v1::GetRoundRequest round;
  round.set_project("study");
  round.set_round("pilot");
  v1::GetRoundResponse got;
  ASSERT_TRUE(Call(alice_token_, &v1::ProjectService::Stub::GetRound, *project_, round, &got).ok());
  EXPECT_EQ(got.round().coders_size(), 1);
  EXPECT_EQ(EventCount("study"), events);
}

TEST_F(ProjectServiceTest, RetriedMutationAnswersTheFirstResultWithoutASecondEvent) {
  v1::CreateCodeRequest request;
  request.set_project("study");
  request.mutable_code()->set_id("c1");
  request.mutable_code()->set_name("C1");
  request.set_request_id("retry-1");
  v1::CreateCodeResponse first, second;
  ASSERT_TRUE(Call(lead_token_, &v1::ProjectService::Stub::CreateCode, *project_, request, &first).ok());
  const int64_t events = EventCount("study");
  grpc::Status again =
      Call(lead_token_, &v1::ProjectService::Stub::CreateCode, *project_, request, &second);
  ASSERT_TRUE(again.ok()) << again.error_message();  // not ALREADY_EXISTS
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  EXPECT_EQ(EventCount("study"), events);
}

TEST_F(ProjectServiceTest, UserTokensAreShownOnceAndStoredHashed) {
  v1::CreateUserRequest request;
  request.set_id("carol");
  request.set_request_id("make-carol");
  v1::CreateUserResponse first, retry;
  ASSERT_TRUE(Call(admin_token_, &v1::AdminService::Stub::CreateUser, *admin_, request, &first).ok());
  EXPECT_EQ(first.token().size(), 4 + 64u);
  ASSERT_TRUE(Call(admin_token_, &v1::AdminService::Stub::CreateUser, *admin_, request, &retry).ok());
  EXPECT_TRUE(retry.token().empty()) << "a replay must not reveal the token";
  v1::GetCurrentUserResponse me;
  ASSERT_TRUE(Call(first.token(), &v1::AdminService::Stub::GetCurrentUser, *admin_,
                   v1::GetCurrentUserRequest(), &me)
                  .ok());
  EXPECT_EQ(me.user().id(), "carol");
  // No token is in the server-level audit trail.
  v1::ListEventsRequest events;
  events.set_project("_server");
  v1::ListEventsResponse trail;
  ASSERT_TRUE(Call(admin_token_, &v1::AuditService::Stub::ListEvents, *audit_, events, &trail).ok());
  for (const auto& record : trail.events()) {
    EXPECT_EQ(record.event_bytes().find(first.token()), std::string::npos);
  }
  EXPECT_GE(trail.events_size(), 5);  // admin, lead, alice, bob, carol
}

}  // namespace
}  // namespace icr
