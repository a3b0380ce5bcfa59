// `icr report` against a real server: the team and who coded what, the
// codebook revisions and round dates derived from the audit trail, and the
// signed head the report was generated from, which a reviewer can check
// against an export with `icr audit verify --head`.

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "icr/v1/coding.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "server/audit/export.h"
#include "server/audit/signing.h"
#include "tests/testing/files.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/subprocess.h"

namespace icr {
namespace {

using nlohmann::json;
using testing::CommandResult;

using testing::ReadAll;

class ReportServiceTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    lead_ = CreateUser("lead");
    alice_ = CreateUser("alice");
    CreateUser("bob");
    reviewer_ = CreateUser("rita");
    stranger_ = CreateUser("stranger");
    coding_ = v1::CodingService::NewStub(channel_);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateProject, *project_,
            Make<v1::CreateProjectRequest>([](auto& r) {
              r.set_id("study");
              r.set_title("Peer mentoring");
            })));
    for (auto [user, role] : std::vector<std::pair<std::string, v1::MemberRole>>{
             {"alice", v1::CODER}, {"bob", v1::CODER}, {"rita", v1::REVIEWER}}) {
      Ok(Call(lead_, &v1::ProjectService::Stub::AddMember, *project_,
              Make<v1::AddMemberRequest>([&](auto& r) {
                r.set_project("study");
                r.set_user(user);
                r.set_role(role);
              })));
    }
    for (const char* id : {"c1", "c2"}) {
      Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_,
              Make<v1::CreateCodeRequest>([&](auto& r) {
                r.set_project("study");
                r.mutable_code()->set_id(id);
                r.mutable_code()->set_name(std::string("code ") + id);
              })));
    }
    Ok(Call(lead_, &v1::ProjectService::Stub::UpdateCode, *project_,
            Make<v1::UpdateCodeRequest>([](auto& r) {
              r.set_project("study");
              r.mutable_code()->set_id("c1");
              r.mutable_code()->set_definition("the student feels supported");
              r.add_update_mask("definition");
            })));
    Ok(Call(lead_, &v1::ProjectService::Stub::MergeCode, *project_,
            Make<v1::MergeCodeRequest>([](auto& r) {
              r.set_project("study");
              r.set_from_code("c2");
              r.set_into_code("c1");
            })));
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_,
            Make<v1::CreateDocumentRequest>([](auto& r) {
              r.set_project("study");
              r.set_id("d1");
              r.set_text("First paragraph.\n\nSecond paragraph.\n");
              r.set_segmentation(v1::SEGMENT_PARAGRAPH);
            })));
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_,
            Make<v1::CreateRoundRequest>([](auto& r) {
              r.set_project("study");
              r.set_id("r1");
              r.set_title("pilot");
              r.add_documents("d1");
              r.add_coders("alice");
              r.add_coders("bob");
              r.set_blind(true);
            })));
    auto submit = [&](const std::string& token, const std::string& on_behalf, int n) {
      v1::SubmitCodingsRequest request;
      request.set_project("study");
      request.set_round("r1");
      request.set_on_behalf_of(on_behalf);
      for (int i = 0; i < n; ++i) {
        v1::CodingInput* coding = request.add_codings();
        coding->set_document("d1");
        coding->set_code("c1");
        coding->set_segment(i);
      }
      v1::SubmitCodingsResponse response;
      Ok(Call(token, &v1::CodingService::Stub::SubmitCodings, *coding_, request, &response));
    };
    submit(alice_, "", 2);
    submit(lead_, "bob", 1);
    // Both coders have finished d1: agreement counts it.
    for (const char* coder : {"alice", "bob"}) {
      Ok(Call(lead_, &v1::CodingService::Stub::SetDocumentProgress, *coding_,
              Make<v1::SetDocumentProgressRequest>([&](auto& r) {
                r.set_project("study");
                r.set_round("r1");
                r.set_document("d1");
                r.set_state(v1::DONE);
                r.set_on_behalf_of(coder);
              })));
    }
    Ok(Call(lead_, &v1::ProjectService::Stub::AdvanceRound, *project_,
            Make<v1::AdvanceRoundRequest>([](auto& r) {
              r.set_project("study");
              r.set_round("r1");
            })));
  }

  template <typename Request, typename Fill>
  static Request Make(Fill fill) {
    Request request;
    fill(request);
    return request;
  }
  // Calls a unary method with a default response.
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(const std::string& token,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    Stub& stub, const Request& request) {
    Response response;
    return ServerTest::Call(token, method, stub, request, &response);
  }
  using ServerTest::Call;
  static void Ok(const grpc::Status& status) {
    ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
  }

  CommandResult Icr(std::vector<std::string> args, const std::string& token) {
    args.insert(args.begin(),
                {ICR_CLI_BINARY, "--server", "127.0.0.1:" + std::to_string(server_->port())});
    return testing::Run(args, {"ICR_TOKEN=" + token});
  }
  std::string Path(const std::string& name) { return out_.path() + "/" + name; }

  std::string lead_, alice_, reviewer_, stranger_;
  std::unique_ptr<v1::CodingService::Stub> coding_;
  testing::TempDir out_;
};

TEST_F(ReportServiceTest, MarkdownTiesTheTeamCodebookAndRoundsToTheTrail) {
  CommandResult result =
      Icr({"report", "study", "--format", "md", "--out", Path("report.md")}, reviewer_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string md = ReadAll(Path("report.md"));
  const int64_t events = EventCount("study");
  for (const std::string& text :
       {std::string("# Trustworthiness report: Peer mentoring (study)"),
        std::string("| alice | CODER | r1 | 2 |"), std::string("| bob | CODER | r1 | 1 |"),
        std::string("| rita | REVIEWER |   | 0 |"), std::string("## Codebook (revision 4)"),
        std::string("| 3 | "), std::string("UpdateCode"), std::string("MergeCode"),
        std::string("### Round r1: pilot"), std::string("RECONCILING, blind"),
        std::string("Independent coding (before consensus):"), std::string("Pairwise cohen_kappa"),
        "| tree size (events) | " + std::to_string(events) + " |",
        std::string("icr audit verify")}) {
    EXPECT_NE(md.find(text), std::string::npos) << text << "\n" << md;
  }
  // Four codebook changes, revisions 1..4, the last equal to the project's.
  EXPECT_NE(md.find("| 4 | "), std::string::npos);
}

TEST_F(ReportServiceTest, JsonHeadVerifiesAgainstAnExport) {
  ASSERT_EQ(
      Icr({"report", "study", "--format", "json", "--out", Path("report.json")}, lead_).exit_code,
      0);
  const json report = json::parse(ReadAll(Path("report.json")));
  EXPECT_EQ(report["team"].size(), 4u);
  EXPECT_EQ(report["codebook"]["changes"].size(), 4u);
  EXPECT_EQ(report["codebook"]["changes"][3]["revision"], report["codebook"]["revision"]);
  ASSERT_EQ(report["rounds"].size(), 1u);
  // The round's agreement, as the server computes it live: c1 applied by
  // alice to both segments and by bob to the first, so alpha is
  // 1 - (n-1) o01 / (n0 n1) = 1 - 3*1/(1*3) = 0 (Krippendorff 2011).
  const json& agreement = report["rounds"][0]["agreement"];
  ASSERT_FALSE(agreement.is_null());
  ASSERT_EQ(agreement["independent"]["rows"].size(), 1u);
  EXPECT_NE(agreement["independent"]["rows"][0]["label"].get<std::string>().find("c1"),
            std::string::npos);
  bool alpha_seen = false;
  for (const json& c : agreement["independent"]["rows"][0]["coefficients"]) {
    if (c["name"] != "krippendorff_alpha") continue;
    alpha_seen = true;
    EXPECT_NEAR(c["value"].get<double>(), 0.0, 1e-12);
  }
  EXPECT_TRUE(alpha_seen) << agreement.dump();
  EXPECT_GE(report["rounds"][0]["history"].size(), 2u);  // created, advanced
  EXPECT_EQ(report["audit_head"]["tree_size"], EventCount("study"));
  // The head the report was generated from is validly signed by the server.
  const audit::SignedTreeHead head = *audit::HeadFromJson(report["audit_head"]["line"]);
  const audit::PublicKey key =
      *audit::PublicKey::FromPem(report["audit_head"]["public_key_pem"].get<std::string>());
  EXPECT_TRUE(audit::VerifyHeadSignature(head, key));
  EXPECT_EQ(ReadAll(dir_.path() + "/audit-public-key.pem"),
            report["audit_head"]["public_key_pem"].get<std::string>());

  // Later events, then an export: it extends the report's head.
  std::ofstream(Path("head.json")) << report["audit_head"]["line"].dump() << "\n";
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_,
          Make<v1::CreateCodeRequest>([](auto& r) {
            r.set_project("study");
            r.mutable_code()->set_id("c3");
            r.mutable_code()->set_name("later");
          })));
  ASSERT_EQ(Icr({"audit", "export", "study", "--out", Path("trail.jsonl")}, lead_).exit_code, 0);
  CommandResult verified =
      testing::Run({ICR_CLI_BINARY, "audit", "verify", Path("trail.jsonl"), "--public_key",
                    dir_.path() + "/audit-public-key.pem", "--head", Path("head.json")});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
}

// Codings stored by ImportCodings (bulk and REFI imports) count as submitted,
// beside those of SubmitCodings.
TEST_F(ReportServiceTest, ImportedCodingsCountAsSubmitted) {
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_,
          Make<v1::CreateRoundRequest>([](auto& r) {
            r.set_project("study");
            r.set_id("r2");
            r.add_documents("d1");
            r.add_coders("alice");
            r.add_coders("bob");
          })));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + alice_);
  v1::ImportCodingsResponse imported;
  std::unique_ptr<grpc::ClientWriter<v1::ImportCodingsRequest>> writer =
      coding_->ImportCodings(&context, &imported);
  for (int chunk = 0; chunk < 2; ++chunk) {
    v1::ImportCodingsRequest request;
    request.set_project("study");
    request.set_round("r2");
    request.set_request_id("import-r2");
    v1::CodingInput* coding = request.add_codings();
    coding->set_document("d1");
    coding->set_code("c1");
    coding->set_segment(chunk);
    ASSERT_TRUE(writer->Write(request));
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(imported.stored(), 2);

  ASSERT_EQ(
      Icr({"report", "study", "--format", "json", "--out", Path("report.json")}, lead_).exit_code,
      0);
  const json report = json::parse(ReadAll(Path("report.json")));
  std::map<std::string, int64_t> submitted;
  for (const json& member : report["team"]) {
    submitted[member["user"].get<std::string>()] = member["codings_submitted"].get<int64_t>();
  }
  EXPECT_EQ(submitted["alice"], 2 + 2);  // two submitted in r1, two imported in r2
  EXPECT_EQ(submitted["bob"], 1);
}

TEST_F(ReportServiceTest, HtmlIsOneSelfContainedFile) {
  ASSERT_EQ(
      Icr({"report", "study", "--round", "r1", "--format", "html", "--out", Path("report.html")},
          lead_)
          .exit_code,
      0);
  const std::string html = ReadAll(Path("report.html"));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);  // the chart of alpha per code
  EXPECT_EQ(html.find("No agreement computed yet"), std::string::npos);
  EXPECT_NE(html.find("the student feels supported"), std::string::npos);
}

TEST_F(ReportServiceTest, ErrorsAreClearWithTheRightExitCode) {
  CommandResult result = Icr({"report", "study", "--format", "pdf", "--out", Path("x")}, lead_);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  result = Icr({"report", "study", "--format", "md", "--out", Path("x")}, alice_);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("PERMISSION_DENIED"), std::string::npos) << result.err;
  result = Icr({"report", "study", "--format", "md", "--out", Path("x")}, stranger_);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("NOT_FOUND"), std::string::npos) << result.err;
  result = Icr({"report", "study", "--round", "r9", "--format", "md", "--out", Path("x")}, lead_);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("round r9"), std::string::npos) << result.err;
  result =
      Icr({"report", "study", "--format", "md", "--out", out_.path() + "/no/such/dir/f"}, lead_);
  EXPECT_EQ(result.exit_code, 2) << result.err;
}

}  // namespace
}  // namespace icr
