// CodingService over real gRPC: atomic batches, idempotent retries, every
// bad input rejected with nothing stored, retraction, the blind rules for
// each role, and a streamed import.

#include <map>

#include "gtest/gtest.h"
#include "icr/v1/coding.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;

class CodingServiceTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    coding_ = v1::CodingService::NewStub(channel_);
    lead_ = CreateUser("lead");
    alice_ = CreateUser("alice");
    bob_ = CreateUser("bob");
    carol_ = CreateUser("carol");    // a coder not in the round
    reviewer_ = CreateUser("rita");  // a reviewer
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateProject, *project_,
            Req<v1::CreateProjectRequest>([](auto& r) {
              r.set_id("study");
              r.set_title("Study");
            })));
    for (auto [user, role] :
         std::vector<std::pair<std::string, v1::MemberRole>>{{"alice", v1::CODER},
                                                             {"bob", v1::CODER},
                                                             {"carol", v1::CODER},
                                                             {"rita", v1::REVIEWER}}) {
      Ok(Call(lead_, &v1::ProjectService::Stub::AddMember, *project_,
              Req<v1::AddMemberRequest>([&](auto& r) {
                r.set_project("study");
                r.set_user(user);
                r.set_role(role);
              })));
    }
    for (const char* code : {"c1", "c2", "c3"}) {
      Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_,
              Req<v1::CreateCodeRequest>([&](auto& r) {
                r.set_project("study");
                r.mutable_code()->set_id(code);
                r.mutable_code()->set_name(code);
              })));
    }
    // Two paragraphs of 5 and 4 code points; a document outside the round.
    for (const char* doc : {"d1", "d2"}) {
      Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_,
              Req<v1::CreateDocumentRequest>([&](auto& r) {
                r.set_project("study");
                r.set_id(doc);
                r.set_text("first\n\nnext");
                r.set_segmentation(v1::SEGMENT_PARAGRAPH);
              })));
    }
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_,
            Req<v1::CreateRoundRequest>([](auto& r) {
              r.set_project("study");
              r.set_id("r1");
              r.add_documents("d1");
              r.add_coders("alice");
              r.add_coders("bob");
              r.set_blind(true);
            })));
  }

  template <typename Request, typename Fill>
  static Request Req(Fill fill) {
    Request request;
    fill(request);
    return request;
  }

  void Ok(const grpc::Status& status) { ASSERT_TRUE(status.ok()) << status.error_message(); }

  static v1::CodingInput Segment(const std::string& doc, const std::string& code, int64_t segment) {
    v1::CodingInput input;
    input.set_document(doc);
    input.set_code(code);
    input.set_segment(segment);
    return input;
  }
  static v1::CodingInput Span(const std::string& doc, const std::string& code, int64_t start,
                              int64_t end) {
    v1::CodingInput input;
    input.set_document(doc);
    input.set_code(code);
    input.mutable_span()->set_start(start);
    input.mutable_span()->set_end(end);
    return input;
  }

  grpc::Status Submit(const std::string& token, std::vector<v1::CodingInput> codings,
                      v1::SubmitCodingsResponse* response = nullptr,
                      const std::string& on_behalf_of = "", const std::string& request_id = "") {
    v1::SubmitCodingsRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.set_on_behalf_of(on_behalf_of);
    request.set_request_id(request_id);
    for (auto& c : codings) *request.add_codings() = std::move(c);
    return Call(token, &v1::CodingService::Stub::SubmitCodings, *coding_, request, response);
  }

  grpc::Status List(const std::string& token, v1::ListCodingsResponse* response,
                    const std::string& coder = "", bool include_retracted = false) {
    v1::ListCodingsRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.set_coder(coder);
    request.set_include_retracted(include_retracted);
    request.set_page_size(10000);
    return Call(token, &v1::CodingService::Stub::ListCodings, *coding_, request, response);
  }

  int AllCodings() {
    v1::ListCodingsResponse response;
    EXPECT_TRUE(List(lead_, &response, "", true).ok());
    return response.codings_size();
  }

  void Advance() {
    Ok(Call(lead_, &v1::ProjectService::Stub::AdvanceRound, *project_,
            Req<v1::AdvanceRoundRequest>([](auto& r) {
              r.set_project("study");
              r.set_round("r1");
              r.set_force(true);  // the coders have not marked their documents done
            })));
  }

  // Expects `status` with `code` whose message names `field`, and nothing
  // stored: no coding, no event.
  void ExpectRejected(const grpc::Status& status, StatusCode code, const std::string& field) {
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_NE(status.error_message().find(field), std::string::npos)
        << "\"" << status.error_message() << "\" does not name " << field;
    EXPECT_EQ(AllCodings(), stored_);
    EXPECT_EQ(EventCount("study"), events_);
  }

  void Snapshot() {
    stored_ = AllCodings();
    events_ = EventCount("study");
  }

  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::string lead_, alice_, bob_, carol_, reviewer_;
  int stored_ = 0;
  int64_t events_ = 0;
};

TEST_F(CodingServiceTest, SubmitBatchAndReadItBack) {
  v1::SubmitCodingsResponse response;
  v1::CodingInput with_memo = Span("d1", "c2", 1, 4);
  with_memo.set_memo("caf\xC3\xA9: about time");
  ASSERT_TRUE(
      Submit(alice_, {Segment("d1", "c1", 0), with_memo, Segment("d1", "c3", 1)}, &response).ok());
  ASSERT_EQ(response.coding_ids_size(), 3);
  EXPECT_EQ(response.coding_ids(0), "1");
  EXPECT_EQ(response.coding_ids(2), "3");

  v1::ListCodingsResponse listed;
  ASSERT_TRUE(List(alice_, &listed).ok());
  ASSERT_EQ(listed.codings_size(), 3);
  EXPECT_EQ(listed.codings(0).coder(), "alice");
  EXPECT_EQ(listed.codings(0).segment(), 0);
  EXPECT_EQ(listed.codings(1).span().start(), 1);
  EXPECT_EQ(listed.codings(1).memo(), "caf\xC3\xA9: about time");
  EXPECT_EQ(listed.codings(1).state(), v1::ACTIVE);
  EXPECT_EQ(listed.codings(1).codebook_revision(), 3);
}

TEST_F(CodingServiceTest, RetriedBatchStoresNothingTwice) {
  v1::SubmitCodingsResponse first, again;
  ASSERT_TRUE(Submit(alice_, {Segment("d1", "c1", 0)}, &first, "", "batch-7").ok());
  Snapshot();
  ASSERT_TRUE(Submit(alice_, {Segment("d1", "c1", 0)}, &again, "", "batch-7").ok());
  EXPECT_EQ(first.coding_ids(0), again.coding_ids(0));
  EXPECT_EQ(AllCodings(), stored_);
  EXPECT_EQ(EventCount("study"), events_);
}

TEST_F(CodingServiceTest, EveryBadInputIsRejectedWithNothingStored) {
  ASSERT_TRUE(Submit(alice_, {Segment("d1", "c1", 0)}).ok());
  Snapshot();
  // The second item is bad each time: the first is never stored either.
  const v1::CodingInput good = Segment("d1", "c2", 1);
  ExpectRejected(Submit(alice_, {good, Segment("d1", "nope", 0)}), StatusCode::INVALID_ARGUMENT,
                 "codings[1].code");
  ExpectRejected(Submit(alice_, {good, Segment("zz", "c1", 0)}), StatusCode::INVALID_ARGUMENT,
                 "codings[1].document");
  ExpectRejected(Submit(alice_, {good, Segment("d2", "c1", 0)}), StatusCode::INVALID_ARGUMENT,
                 "codings[1].document");  // exists, but not in the round
  ExpectRejected(Submit(alice_, {good, Segment("d1", "c1", 2)}), StatusCode::INVALID_ARGUMENT,
                 "codings[1].segment");
  ExpectRejected(Submit(alice_, {good, Span("d1", "c1", 5, 12)}), StatusCode::INVALID_ARGUMENT,
                 "codings[1].span");  // past the 11 code points
  ExpectRejected(Submit(alice_, {good, Span("d1", "c1", 4, 4)}), StatusCode::INVALID_ARGUMENT,
                 "codings[1].span");  // empty
  ExpectRejected(Submit(alice_, {good, Span("d1", "c1", 6, 2)}), StatusCode::INVALID_ARGUMENT,
                 "codings[1].span");  // reversed
  v1::CodingInput no_unit;
  no_unit.set_document("d1");
  no_unit.set_code("c1");
  ExpectRejected(Submit(alice_, {good, no_unit}), StatusCode::INVALID_ARGUMENT, "codings[1]");
  ExpectRejected(Submit(alice_, {good, good}), StatusCode::INVALID_ARGUMENT, "codings[1]");
  v1::CodingInput bad_memo = Segment("d1", "c1", 1);
  bad_memo.set_memo("caf\xE9");
  ExpectRejected(Submit(alice_, {good, bad_memo}), StatusCode::INVALID_ARGUMENT, "codings[1].memo");
  bad_memo.set_memo(std::string(10001, 'm'));
  ExpectRejected(Submit(alice_, {good, bad_memo}), StatusCode::INVALID_ARGUMENT, "codings[1].memo");
  ExpectRejected(Submit(alice_, std::vector<v1::CodingInput>(10001, good)),
                 StatusCode::RESOURCE_EXHAUSTED, "codings");
  ExpectRejected(Submit(alice_, {}), StatusCode::INVALID_ARGUMENT, "codings");
  // Callers: carol is a member but not a coder of the round; a coder may
  // not submit for another; a lead may not submit for a non-coder.
  ExpectRejected(Submit(carol_, {good}), StatusCode::PERMISSION_DENIED, "not a coder of round r1");
  ExpectRejected(Submit(alice_, {good}, nullptr, "bob"), StatusCode::PERMISSION_DENIED,
                 "on_behalf_of");
  ExpectRejected(Submit(lead_, {good}, nullptr, "carol"), StatusCode::INVALID_ARGUMENT,
                 "on_behalf_of");
  ExpectRejected(Submit(reviewer_, {good}), StatusCode::PERMISSION_DENIED, "REVIEWER");
  // A merged code takes no new codings.
  Ok(Call(lead_, &v1::ProjectService::Stub::MergeCode, *project_,
          Req<v1::MergeCodeRequest>([](auto& r) {
            r.set_project("study");
            r.set_from_code("c3");
            r.set_into_code("c2");
          })));
  Snapshot();
  ExpectRejected(Submit(alice_, {good, Segment("d1", "c3", 0)}), StatusCode::INVALID_ARGUMENT,
                 "merged");
  // The round not OPEN.
  Advance();
  Snapshot();
  ExpectRejected(Submit(alice_, {good}), StatusCode::FAILED_PRECONDITION, "RECONCILING");
}

// A grouping code (REFI-QDA's isCodable="false") groups the codes under it
// and is never applied: a batch with a coding of it is refused whole,
// naming it, and the trail says which codes are grouping codes.
TEST_F(CodingServiceTest, AGroupingCodeIsRefusedAndTheCodesUnderItAreNot) {
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_,
          Req<v1::CreateCodeRequest>([](auto& r) {
            r.set_project("study");
            r.mutable_code()->set_id("themes");
            r.mutable_code()->set_name("Themes");
            r.mutable_code()->set_grouping_only(true);
          })));
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_,
          Req<v1::CreateCodeRequest>([](auto& r) {
            r.set_project("study");
            r.mutable_code()->set_id("joy");
            r.mutable_code()->set_name("Joy");
            r.mutable_code()->set_parent("themes");
          })));
  v1::ListEventsRequest events;
  events.set_project("study");
  events.set_page_size(1000);
  v1::ListEventsResponse trail;
  ASSERT_TRUE(
      ServerTest::Call(lead_, &v1::AuditService::Stub::ListEvents, *audit_, events, &trail).ok());
  const v1::AuditEvent& created = trail.events(trail.events_size() - 2).event();
  EXPECT_EQ(created.method(), "/icr.v1.ProjectService/CreateCode");
  v1::CreateCodeRequest audited;
  ASSERT_TRUE(audited.ParseFromString(created.request()));
  EXPECT_TRUE(audited.code().grouping_only());
  EXPECT_NE(created.result_summary().find("grouping code themes"), std::string::npos)
      << created.result_summary();

  Snapshot();
  const v1::CodingInput good = Segment("d1", "c1", 0);
  const grpc::Status refused = Submit(alice_, {good, Segment("d1", "themes", 1)});
  ExpectRejected(refused, StatusCode::INVALID_ARGUMENT, "codings[1].code");
  EXPECT_NE(refused.error_message().find("\"themes\" (Themes) only groups other codes"),
            std::string::npos)
      << refused.error_message();
  ExpectRejected(Submit(alice_, {Span("d1", "themes", 0, 3)}), StatusCode::INVALID_ARGUMENT,
                 "only groups other codes");
  ASSERT_TRUE(Submit(alice_, {good, Segment("d1", "joy", 1)}).ok());

  // Made applicable, it takes codings; a code made grouping-only takes no
  // more (the ones it has stay).
  auto set_grouping = [&](const std::string& code, bool grouping) {
    v1::UpdateCodeRequest request;
    request.set_project("study");
    request.mutable_code()->set_id(code);
    request.mutable_code()->set_grouping_only(grouping);
    request.add_update_mask("grouping_only");
    v1::UpdateCodeResponse response;
    Ok(Call(lead_, &v1::ProjectService::Stub::UpdateCode, *project_, request, &response));
    EXPECT_EQ(response.code().grouping_only(), grouping);
    EXPECT_EQ(response.code().name(), code == "themes" ? "Themes" : code);  // the rest kept
  };
  set_grouping("themes", false);
  ASSERT_TRUE(Submit(alice_, {Segment("d1", "themes", 0)}).ok());
  set_grouping("c2", true);
  Snapshot();
  ExpectRejected(Submit(bob_, {Segment("d1", "c2", 0)}), StatusCode::INVALID_ARGUMENT,
                 "only groups other codes");
  v1::ListCodesRequest list;
  list.set_project("study");
  v1::ListCodesResponse codes;
  Ok(Call(lead_, &v1::ProjectService::Stub::ListCodes, *project_, list, &codes));
  std::map<std::string, bool> grouping;
  for (const v1::Code& code : codes.codes()) grouping[code.id()] = code.grouping_only();
  EXPECT_EQ(grouping,
            (std::map<std::string, bool>{
                {"c1", false}, {"c2", true}, {"c3", false}, {"joy", false}, {"themes", false}}));
  // A domain's codes are applied to units: a grouping code is no member.
  const grpc::Status domain = Call(lead_, &v1::ProjectService::Stub::CreateDomain, *project_,
                                   Req<v1::CreateDomainRequest>([](auto& r) {
                                     r.set_project("study");
                                     r.mutable_domain()->set_id("tone");
                                     r.mutable_domain()->set_level(v1::NOMINAL);
                                     r.mutable_domain()->add_codes("c1");
                                     r.mutable_domain()->add_codes("c2");
                                   }));
  EXPECT_EQ(domain.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(domain.error_message().find("domain.codes[1]"), std::string::npos)
      << domain.error_message();
}

TEST_F(CodingServiceTest, LeadSubmitsOnBehalfOfACoderAndTheTrailSaysSo) {
  v1::SubmitCodingsResponse response;
  ASSERT_TRUE(Submit(lead_, {Segment("d1", "c1", 0)}, &response, "bob").ok());
  v1::ListCodingsResponse listed;
  ASSERT_TRUE(List(bob_, &listed).ok());
  ASSERT_EQ(listed.codings_size(), 1);
  EXPECT_EQ(listed.codings(0).coder(), "bob");
  EXPECT_EQ(listed.codings(0).submitted_by(), "lead");
  v1::ListEventsRequest request;
  request.set_project("study");
  request.set_page_size(1000);
  v1::ListEventsResponse trail;
  ASSERT_TRUE(
      ServerTest::Call(lead_, &v1::AuditService::Stub::ListEvents, *audit_, request, &trail).ok());
  const v1::AuditEvent& last = trail.events().rbegin()->event();
  EXPECT_EQ(last.method(), "/icr.v1.CodingService/SubmitCodings");
  EXPECT_EQ(last.actor(), "lead");
  EXPECT_EQ(last.on_behalf_of(), "bob");
}

TEST_F(CodingServiceTest, RetractionKeepsTheCodingAndIsAudited) {
  v1::SubmitCodingsResponse response;
  ASSERT_TRUE(Submit(alice_, {Segment("d1", "c1", 0), Segment("d1", "c2", 0)}, &response).ok());
  auto retract = [&](const std::string& token, const std::string& id, const std::string& reason) {
    return Call(token, &v1::CodingService::Stub::RetractCoding, *coding_,
                Req<v1::RetractCodingRequest>([&](auto& r) {
                  r.set_project("study");
                  r.set_round("r1");
                  r.set_coding(id);
                  r.set_reason(reason);
                }));
  };
  Snapshot();
  ExpectRejected(retract(bob_, "1", "not mine"), StatusCode::PERMISSION_DENIED, "its coder");
  ExpectRejected(retract(alice_, "1", ""), StatusCode::INVALID_ARGUMENT, "reason");
  ExpectRejected(retract(alice_, "99", "typo"), StatusCode::NOT_FOUND, "coding 99");
  ASSERT_TRUE(retract(alice_, "1", "applied the wrong code").ok());
  EXPECT_EQ(EventCount("study"), events_ + 1);
  ASSERT_TRUE(retract(lead_, "2", "lead cleans up").ok());
  EXPECT_EQ(retract(alice_, "1", "again").error_code(), StatusCode::FAILED_PRECONDITION);

  v1::ListCodingsResponse active, all;
  ASSERT_TRUE(List(alice_, &active).ok());
  EXPECT_EQ(active.codings_size(), 0);
  ASSERT_TRUE(List(alice_, &all, "", /*include_retracted=*/true).ok());
  ASSERT_EQ(all.codings_size(), 2);
  EXPECT_EQ(all.codings(0).state(), v1::RETRACTED);
  EXPECT_EQ(all.codings(0).retract_reason(), "applied the wrong code");
  EXPECT_EQ(all.codings(1).retracted_by(), "lead");

  ASSERT_TRUE(Submit(alice_, {Segment("d1", "c3", 1)}, &response).ok());
  Advance();
  Snapshot();
  ExpectRejected(retract(alice_, response.coding_ids(0), "too late"),
                 StatusCode::FAILED_PRECONDITION, "OPEN");
}

TEST_F(CodingServiceTest, BlindRulesForEveryRole) {
  ASSERT_TRUE(Submit(alice_, {Segment("d1", "c1", 0)}).ok());
  ASSERT_TRUE(Submit(bob_, {Segment("d1", "c2", 0), Segment("d1", "c2", 1)}).ok());
  v1::ListCodingsResponse listed;
  // OPEN and blind: a coder sees only its own, even when asking for all.
  ASSERT_TRUE(List(alice_, &listed).ok());
  ASSERT_EQ(listed.codings_size(), 1);
  EXPECT_EQ(listed.codings(0).coder(), "alice");
  EXPECT_EQ(List(alice_, &listed, "bob").error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(List(reviewer_, &listed).error_code(), StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(List(lead_, &listed).ok());
  EXPECT_EQ(listed.codings_size(), 3);
  ASSERT_TRUE(List(admin_token_, &listed).ok());
  EXPECT_EQ(listed.codings_size(), 3);
  // A non-member learns nothing.
  const std::string stranger = CreateUser("stranger");
  EXPECT_EQ(List(stranger, &listed).error_code(), StatusCode::NOT_FOUND);

  // Once the round leaves OPEN, everyone in the project reads everything.
  Advance();
  for (const std::string* token : {&alice_, &bob_, &reviewer_, &lead_}) {
    ASSERT_TRUE(List(*token, &listed).ok());
    EXPECT_EQ(listed.codings_size(), 3);
  }
  ASSERT_TRUE(List(reviewer_, &listed, "bob").ok());
  EXPECT_EQ(listed.codings_size(), 2);
}

TEST_F(CodingServiceTest, ListPagesByCoderAndByRound) {
  std::vector<v1::CodingInput> batch;
  for (int i = 0; i < 25; ++i) batch.push_back(Span("d1", "c1", i % 10, i % 10 + 1));
  // Spans repeat every 10: make them distinct by code.
  for (int i = 0; i < 25; ++i) batch[i].set_code(i < 10 ? "c1" : i < 20 ? "c2" : "c3");
  ASSERT_TRUE(Submit(alice_, batch).ok());
  ASSERT_TRUE(Submit(bob_, {Segment("d1", "c1", 0)}).ok());
  for (const std::string coder : {"", "alice"}) {
    v1::ListCodingsRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.set_coder(coder);
    request.set_page_size(10);
    int total = 0, pages = 0;
    while (true) {
      v1::ListCodingsResponse page;
      ASSERT_TRUE(
          Call(lead_, &v1::CodingService::Stub::ListCodings, *coding_, request, &page).ok());
      total += page.codings_size();
      ++pages;
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    EXPECT_EQ(total, coder.empty() ? 26 : 25) << coder;
    EXPECT_EQ(pages, 3) << coder;
  }
}

TEST_F(CodingServiceTest, StreamedImportOf100000Codings) {
  // A round over one document with many segments.
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "line " + std::to_string(i) + "\n";
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_,
          Req<v1::CreateDocumentRequest>([&](auto& r) {
            r.set_project("study");
            r.set_id("big");
            r.set_text(text);
            r.set_segmentation(v1::SEGMENT_LINE);
          })));
  for (int c = 0; c < 100; ++c) {
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_,
            Req<v1::CreateCodeRequest>([&](auto& r) {
              r.set_project("study");
              r.mutable_code()->set_id("k" + std::to_string(c));
              r.mutable_code()->set_name("k");
            })));
  }
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_,
          Req<v1::CreateRoundRequest>([](auto& r) {
            r.set_project("study");
            r.set_id("bulk");
            r.add_documents("big");
            r.add_coders("alice");
          })));
  const int64_t events_before = EventCount("study");
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + alice_);
  v1::ImportCodingsResponse response;
  auto writer = coding_->ImportCodings(&context, &response);
  for (int chunk = 0; chunk < 20; ++chunk) {
    v1::ImportCodingsRequest message;
    message.set_project("study");
    message.set_round("bulk");
    message.set_request_id("import-1");
    for (int i = 0; i < 5000; ++i) {
      const int n = chunk * 5000 + i;
      v1::CodingInput* input = message.add_codings();
      input->set_document("big");
      input->set_code("k" + std::to_string(n % 100));
      input->set_segment(n / 100);
    }
    ASSERT_TRUE(writer->Write(message));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.stored(), 100000);
  EXPECT_EQ(response.chunks(), 20);
  // Each chunk audited, and the import's one document marked done.
  EXPECT_EQ(EventCount("study"), events_before + 20 + 1);
  ASSERT_EQ(response.documents_done_size(), 1);
  EXPECT_EQ(response.documents_done(0), "big");

  v1::ListCodingsRequest request;
  request.set_project("study");
  request.set_round("bulk");
  request.set_page_size(10000);
  int total = 0;
  while (true) {
    v1::ListCodingsResponse page;
    ASSERT_TRUE(Call(lead_, &v1::CodingService::Stub::ListCodings, *coding_, request, &page).ok());
    total += page.codings_size();
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(total, 100000);
}

TEST_F(CodingServiceTest, CodingsSurviveARestart) {
  ASSERT_TRUE(Submit(alice_, {Segment("d1", "c1", 0), Span("d1", "c2", 0, 3)}).ok());
  RestartServer();
  coding_ = v1::CodingService::NewStub(channel_);
  v1::SubmitCodingsResponse response;
  ASSERT_TRUE(Submit(bob_, {Segment("d1", "c1", 1)}, &response).ok());
  EXPECT_EQ(response.coding_ids(0), "3");  // ids continue after a restart
  EXPECT_EQ(AllCodings(), 3);
}

}  // namespace
}  // namespace icr
