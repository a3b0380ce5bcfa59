// The blind rule for the audit trail, pinned (README, security): while a
// blind round is OPEN a REVIEWER, an outside auditor who never writes, reads
// the trail (whose events hold the full submissions), the export and the
// agreement even filtered to one document, one code and two coders; a CODER
// of the project reads none of these, not even a coder who is a server admin.
// Once no blind round is OPEN the admin-coder reads the trail again.

#include "gtest/gtest.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "icr/v1/report.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;

class BlindAuditTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    lead_ = CreateUser("lead");
    tokens_["alice"] = CreateUser("alice");
    tokens_["bob"] = CreateUser("bob");
    tokens_["rita"] = CreateUser("rita");
    tokens_["carol"] = CreateUser("carol", /*admin=*/true);
    coding_ = v1::CodingService::NewStub(channel_);
    agreement_ = v1::AgreementService::NewStub(channel_);
    report_ = v1::ReportService::NewStub(channel_);
    Ok(Project(&v1::ProjectService::Stub::CreateProject, [](v1::CreateProjectRequest& r) {
      r.set_id("study");
      r.set_title("Study");
    }));
    for (auto [user, role] :
         std::vector<std::pair<std::string, v1::MemberRole>>{{"alice", v1::CODER},
                                                             {"bob", v1::CODER},
                                                             {"carol", v1::CODER},
                                                             {"rita", v1::REVIEWER}}) {
      Ok(Project(&v1::ProjectService::Stub::AddMember, [&](v1::AddMemberRequest& r) {
        r.set_project("study");
        r.set_user(user);
        r.set_role(role);
      }));
    }
    Ok(Project(&v1::ProjectService::Stub::CreateCode, [](v1::CreateCodeRequest& r) {
      r.set_project("study");
      r.mutable_code()->set_id("c1");
      r.mutable_code()->set_name("Support");
    }));
    Ok(Project(&v1::ProjectService::Stub::CreateDocument, [](v1::CreateDocumentRequest& r) {
      r.set_project("study");
      r.set_id("d1");
      r.set_text("First paragraph.\n\nSecond paragraph.\n");
      r.set_segmentation(v1::SEGMENT_PARAGRAPH);
    }));
    Ok(Project(&v1::ProjectService::Stub::CreateRound, [](v1::CreateRoundRequest& r) {
      r.set_project("study");
      r.set_id("r1");
      r.add_documents("d1");
      for (const char* coder : {"alice", "bob", "carol"}) r.add_coders(coder);
      r.set_blind(true);
    }));
    for (const char* coder : {"alice", "bob"}) {
      v1::SubmitCodingsRequest request;
      request.set_project("study");
      request.set_round("r1");
      request.set_request_id(std::string("submit-") + coder);
      v1::CodingInput* coding = request.add_codings();
      coding->set_document("d1");
      coding->set_code("c1");
      coding->set_segment(0);
      v1::SubmitCodingsResponse response;
      Ok(Call(tokens_[coder], &v1::CodingService::Stub::SubmitCodings, *coding_, request,
              &response));
    }
  }

  template <typename Request, typename Response, typename Fill>
  grpc::Status Project(grpc::Status (v1::ProjectService::Stub::*method)(grpc::ClientContext*,
                                                                        const Request&, Response*),
                       Fill fill) {
    Request request;
    fill(request);
    Response response;
    return Call(lead_, method, *project_, request, &response);
  }
  static void Ok(const grpc::Status& status) {
    ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
  }

  grpc::Status ListEvents(const std::string& user, v1::ListEventsResponse* response) {
    v1::ListEventsRequest request;
    request.set_project("study");
    request.set_page_size(1000);
    return Call(tokens_[user], &v1::AuditService::Stub::ListEvents, *audit_, request, response);
  }
  grpc::Status Export(const std::string& user, int* events) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + tokens_[user]);
    v1::ExportAuditRequest request;
    request.set_project("study");
    auto reader = audit_->ExportAudit(&context, request);
    v1::ExportAuditResponse batch;
    *events = 0;
    while (reader->Read(&batch)) *events += batch.events_size();
    return reader->Finish();
  }
  // Agreement on one document, one code and two coders: single cells.
  grpc::Status FilteredAgreement(const std::string& user) {
    v1::ComputeAgreementRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.add_documents("d1");
    request.add_codes("c1");
    request.add_coders("alice");
    request.add_coders("bob");
    request.set_include_unfinished(true);
    v1::ComputeAgreementResponse response;
    return Call(tokens_[user], &v1::AgreementService::Stub::ComputeAgreement, *agreement_, request,
                &response);
  }
  grpc::Status Report(const std::string& user) {
    v1::GetReportRequest request;
    request.set_project("study");
    request.set_format(v1::JSON);
    v1::GetReportResponse response;
    return Call(tokens_[user], &v1::ReportService::Stub::GetReport, *report_, request, &response);
  }

  std::string lead_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::unique_ptr<v1::AgreementService::Stub> agreement_;
  std::unique_ptr<v1::ReportService::Stub> report_;
};

TEST_F(BlindAuditTest, AReviewerReadsTheTrailAndAgreementOfAnOpenBlindRound) {
  v1::ListEventsResponse events;
  ASSERT_TRUE(ListEvents("rita", &events).ok());
  int submissions = 0;
  for (const v1::EventRecord& record : events.events()) {
    if (record.event().method() != "/icr.v1.CodingService/SubmitCodings") continue;
    ++submissions;
    v1::SubmitCodingsRequest request;
    ASSERT_TRUE(request.ParseFromString(record.event().request()));
    EXPECT_EQ(request.codings(0).code(), "c1");  // the full submission
  }
  EXPECT_EQ(submissions, 2);
  int exported = 0;
  ASSERT_TRUE(Export("rita", &exported).ok());
  EXPECT_EQ(exported, events.events_size());
  grpc::Status agreement = FilteredAgreement("rita");
  EXPECT_TRUE(agreement.ok()) << agreement.error_message();
  grpc::Status report = Report("rita");
  EXPECT_TRUE(report.ok()) << report.error_message();
}

TEST_F(BlindAuditTest, ACoderReadsNoTrailNorAgreementOfAnOpenBlindRound) {
  // "carol" is a server admin: the authorization table lets her through, the
  // blind rule does not.
  for (const std::string coder : {"alice", "carol"}) {
    v1::ListEventsResponse events;
    grpc::Status listed = ListEvents(coder, &events);
    EXPECT_EQ(listed.error_code(), StatusCode::PERMISSION_DENIED) << coder;
    EXPECT_EQ(events.events_size(), 0) << coder;
    int exported = 0;
    EXPECT_EQ(Export(coder, &exported).error_code(), StatusCode::PERMISSION_DENIED) << coder;
    EXPECT_EQ(exported, 0) << coder;
    EXPECT_EQ(FilteredAgreement(coder).error_code(), StatusCode::PERMISSION_DENIED) << coder;
    EXPECT_EQ(Report(coder).error_code(), StatusCode::PERMISSION_DENIED) << coder;
  }
  v1::ListEventsResponse none;
  const std::string message = ListEvents("carol", &none).error_message();
  EXPECT_NE(message.find("round r1 is blind and OPEN"), std::string::npos) << message;
}

TEST_F(BlindAuditTest, TheAdminCoderReadsTheTrailOnceNoBlindRoundIsOpen) {
  Ok(Project(&v1::ProjectService::Stub::AdvanceRound, [](v1::AdvanceRoundRequest& r) {
    r.set_project("study");
    r.set_round("r1");
    r.set_force(true);
  }));
  v1::ListEventsResponse events;
  grpc::Status listed = ListEvents("carol", &events);
  EXPECT_TRUE(listed.ok()) << listed.error_message();
  EXPECT_GT(events.events_size(), 0);
  int exported = 0;
  EXPECT_TRUE(Export("carol", &exported).ok());
  // A plain coder never reads the trail (the authorization table).
  EXPECT_EQ(ListEvents("alice", &events).error_code(), StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace icr
