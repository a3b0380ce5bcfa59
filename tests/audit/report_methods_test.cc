// "For your methods section" and the publication tables, through a real
// server: the paragraph states exactly the numbers of the JSON report in its
// order and follows the data; the LaTeX table is well formed and escaped;
// the CSV parses to the same numbers; the HTML's methods part renders in
// headless Chromium (a screenshot is kept under the build folder).

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "gtest/gtest.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "icr/v1/report.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "server/report/apa.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/subprocess.h"

namespace icr {
namespace {

using nlohmann::json;

class ReportMethodsTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    lead_ = CreateUser("lead");
    CreateUser("alice");
    CreateUser("bob");
    coding_ = v1::CodingService::NewStub(channel_);
    agreement_ = v1::AgreementService::NewStub(channel_);
    report_ = v1::ReportService::NewStub(channel_);
    v1::CreateProjectRequest project;
    project.set_id("study");
    project.set_title("Peer mentoring");
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateProject, *project_, project));
    for (const char* coder : {"alice", "bob"}) {
      v1::AddMemberRequest member;
      member.set_project("study");
      member.set_user(coder);
      member.set_role(v1::CODER);
      Ok(Call(lead_, &v1::ProjectService::Stub::AddMember, *project_, member));
    }
    // A theme with a category of two codes: the paragraph names the shape.
    for (auto [id, name, parent] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"support", "Support", ""},
             {"help", "Help", "support"},
             {"c1", "Practical help", "help"},
             {"c2", "Costs & fees_%", "help"}}) {
      v1::CreateCodeRequest code;
      code.set_project("study");
      code.mutable_code()->set_id(id);
      code.mutable_code()->set_name(name);
      code.mutable_code()->set_parent(parent);
      Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_, code));
    }
    v1::CreateDocumentRequest document;
    document.set_project("study");
    document.set_id("d1");
    document.set_text("one\n\ntwo\n\nthree\n\nfour\n\nfive\n\nsix");
    document.set_segmentation(v1::SEGMENT_PARAGRAPH);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_, document));
    v1::CreateRoundRequest round;
    round.set_project("study");
    round.set_id("r1");
    round.add_documents("d1");
    round.add_coders("alice");
    round.add_coders("bob");
    round.set_blind(true);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_, round));
    Submit("alice", {{"c1", 0}, {"c1", 1}, {"c1", 2}, {"c2", 3}});
    Submit("bob", {{"c1", 0}, {"c1", 1}, {"c2", 3}, {"c2", 4}});
    for (const char* coder : {"alice", "bob"}) {
      v1::SetDocumentProgressRequest done;
      done.set_project("study");
      done.set_round("r1");
      done.set_document("d1");
      done.set_state(v1::DONE);
      done.set_on_behalf_of(coder);
      Ok(Call(lead_, &v1::CodingService::Stub::SetDocumentProgress, *coding_, done));
    }
    v1::AdvanceRoundRequest advance;
    advance.set_project("study");
    advance.set_round("r1");
    Ok(Call(lead_, &v1::ProjectService::Stub::AdvanceRound, *project_, advance));
    Resolve("d1:2:c1", "c1");
  }

  void Ok(const grpc::Status& status) { ASSERT_TRUE(status.ok()) << status.error_message(); }

  void Submit(const std::string& coder, const std::vector<std::pair<std::string, int>>& codings) {
    v1::SubmitCodingsRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.set_on_behalf_of(coder);
    for (const auto& [code, segment] : codings) {
      v1::CodingInput* input = request.add_codings();
      input->set_document("d1");
      input->set_code(code);
      input->set_segment(segment);
    }
    Ok(Call(lead_, &v1::CodingService::Stub::SubmitCodings, *coding_, request));
  }

  void Resolve(const std::string& id, const std::string& value) {
    v1::ResolveDisagreementRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.set_disagreement(id);
    request.set_value(value);
    request.set_rationale("the passage describes concrete help");
    Ok(Call(lead_, &v1::AgreementService::Stub::ResolveDisagreement, *agreement_, request));
  }

  std::string Report(v1::ReportFormat format, grpc::Status* status = nullptr,
                     const std::vector<std::string>& coefficients = {}) {
    v1::GetReportRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.set_format(format);
    request.set_bootstrap(200);
    request.set_seed(7);
    for (const std::string& c : coefficients) request.add_coefficients(c);
    v1::GetReportResponse response;
    grpc::Status s = Call(lead_, &v1::ReportService::Stub::GetReport, *report_, request, &response);
    if (status != nullptr)
      *status = s;
    else
      EXPECT_TRUE(s.ok()) << s.error_message();
    return response.content();
  }

  std::string lead_;
  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::unique_ptr<v1::AgreementService::Stub> agreement_;
  std::unique_ptr<v1::ReportService::Stub> report_;
};

const json* Coefficient(const json& row, const std::string& name) {
  for (const json& c : row["coefficients"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

// Where `needle` occurs in `text` at or after `from`; fails the test if not.
size_t Expect(const std::string& text, const std::string& needle, size_t from) {
  const size_t at = text.find(needle, from);
  EXPECT_NE(at, std::string::npos)
      << "\"" << needle << "\" not found after offset " << from << " in: " << text;
  return at == std::string::npos ? from : at + needle.size();
}

// --interval analytic: the intervals of the paragraph, the tables and the JSON
// are the analytic ones the agreement service computes (Gwet 2008, 2014).
TEST_F(ReportMethodsTest, AnalyticIntervalsAreGwetsStandardErrors) {
  v1::GetReportRequest request;
  request.set_project("study");
  request.set_round("r1");
  request.set_format(v1::JSON);
  request.set_interval("analytic");
  v1::GetReportResponse response;
  grpc::Status s = Call(lead_, &v1::ReportService::Stub::GetReport, *report_, request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const json round = json::parse(response.content())["rounds"][0];
  EXPECT_EQ(round["agreement"]["interval"], "analytic");
  const std::string paragraph = round["methods"]["paragraph"];
  EXPECT_NE(paragraph.find("analytic standard errors (Gwet, 2008, 2014)"), std::string::npos)
      << paragraph;
  const json* alpha =
      Coefficient(round["agreement"]["independent"]["overall"], "krippendorff_alpha");
  ASSERT_NE(alpha, nullptr);
  ASSERT_TRUE(alpha->contains("se")) << alpha->dump();
  EXPECT_EQ((*alpha)["se_method"], "analytic");
  EXPECT_EQ((*alpha)["ci"]["method"], "analytic");
  const double se = (*alpha)["se"], low = (*alpha)["ci"]["low"], value = (*alpha)["value"];
  EXPECT_GT(se, 0);
  EXPECT_LT(low, value);
  EXPECT_NE(paragraph.find(report::ApaInterval(low, (*alpha)["ci"]["high"].get<double>())),
            std::string::npos)
      << paragraph;
  // The same numbers as ComputeAgreement's.
  v1::ComputeAgreementRequest compute;
  compute.set_project("study");
  compute.set_round("r1");
  v1::ComputeAgreementResponse computed;
  ASSERT_TRUE(
      Call(lead_, &v1::AgreementService::Stub::ComputeAgreement, *agreement_, compute, &computed)
          .ok());
  for (const v1::Coefficient& c : computed.overall().coefficients()) {
    if (c.name() != "krippendorff_alpha") continue;
    EXPECT_DOUBLE_EQ(c.se(), se);
    EXPECT_DOUBLE_EQ(c.ci_low(), low);
  }
}

TEST_F(ReportMethodsTest, TheParagraphStatesTheReportsNumbersInOrder) {
  const json report = json::parse(Report(v1::JSON));
  const json& round = report["rounds"][0];
  const json& agreement = round["agreement"];
  ASSERT_FALSE(round["methods"].is_null());
  const std::string paragraph = round["methods"]["paragraph"];
  const json& overall = agreement["independent"]["overall"];
  ASSERT_EQ(agreement["coefficients"],
            json({"krippendorff_alpha", "cohen_kappa", "percent_agreement"}));

  size_t at = 0;
  ASSERT_EQ(round["coders"].size(), 2u);
  at = Expect(paragraph, "Two coders (alice and bob)", at);  // APA: spelled out first
  at = Expect(paragraph, std::to_string(round["documents"].size()) + " document", at);
  at = Expect(paragraph, std::to_string(agreement["units"].get<int64_t>()) + " units", at);
  at = Expect(paragraph, "4 codes (2 codes grouped into 1 category under 1 theme)", at);
  at = Expect(paragraph,
              "codebook revision " + std::to_string(report["codebook"]["revision"].get<int64_t>()),
              at);
  at = Expect(paragraph, "blind", at);
  at = Expect(paragraph, std::to_string(overall["units"].get<int64_t>()) + " code\u2013unit pairs",
              at);
  for (const char* name : {"krippendorff_alpha", "cohen_kappa", "percent_agreement"}) {
    const json* c = Coefficient(overall, name);
    ASSERT_NE(c, nullptr) << name;
    at = Expect(paragraph, report::InfoFor(name).label, at);
    at = Expect(paragraph, report::ApaCoefficient((*c)["value"].get<double>()), at);
    ASSERT_TRUE(c->contains("ci")) << name;
    at = Expect(
        paragraph,
        report::ApaInterval((*c)["ci"]["low"].get<double>(), (*c)["ci"]["high"].get<double>()), at);
  }
  at = Expect(paragraph, "200 replicates, seed 7", at);
  at = Expect(paragraph, "\u03b1 \u2265 .800", at);
  at = Expect(paragraph,
              "disagreed on " + std::to_string(agreement["disagreements"].get<int64_t>()), at);
  at = Expect(paragraph,
              std::to_string(agreement["resolved"].get<int64_t>()) + " of them was resolved", at);
  at = Expect(paragraph, "by lead", at);
  Expect(paragraph,
         "signed head of " + std::to_string(report["audit_head"]["tree_size"].get<int64_t>()) +
             " events",
         at);
  EXPECT_EQ(agreement["disagreements"], 2);  // (segment 2, c1) and (segment 4, c2)
  EXPECT_EQ(agreement["resolved"], 1);

  // Each sentence names the audit events it rests on, within the head.
  for (const json& sentence : round["methods"]["sentences"]) {
    const int64_t first = sentence["events"][0], last = sentence["events"][1];
    EXPECT_GE(first, 1);
    EXPECT_LE(first, last);
    EXPECT_LE(last, report["audit_head"]["tree_size"].get<int64_t>());
  }
  std::vector<std::string> keys;
  for (const json& r : round["methods"]["references"]) keys.push_back(r["key"]);
  for (const char* key :
       {"cohen1960", "hayes2007", "krippendorff2011", "krippendorff2019", "oconnor2020"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key;
  }
  EXPECT_EQ(std::find(keys.begin(), keys.end(), "fleiss1971"), keys.end());  // not reported

  // The Markdown says the same paragraph.
  EXPECT_NE(Report(v1::MARKDOWN).find(paragraph), std::string::npos);

  // It follows the data: a second resolution changes the count it states.
  Resolve("d1:4:c2", "none");
  const std::string after =
      json::parse(Report(v1::JSON))["rounds"][0]["methods"]["paragraph"].get<std::string>();
  EXPECT_NE(after, paragraph);
  EXPECT_NE(after.find("2 of them were resolved"), std::string::npos) << after;
}

TEST_F(ReportMethodsTest, TheReportCountsFinishedWorkOnlyAndSaysSo) {
  v1::CreateDocumentRequest document;
  document.set_project("study");
  document.set_id("d2");
  document.set_text("seven\n\neight\n\nnine");
  document.set_segmentation(v1::SEGMENT_PARAGRAPH);
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_, document));
  v1::CreateRoundRequest round;
  round.set_project("study");
  round.set_id("r2");
  round.add_documents("d1");
  round.add_documents("d2");
  round.add_coders("alice");
  round.add_coders("bob");
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_, round));
  auto code = [&](const std::string& coder, const std::string& doc, int segment) {
    v1::SubmitCodingsRequest request;
    request.set_project("study");
    request.set_round("r2");
    request.set_on_behalf_of(coder);
    v1::CodingInput* input = request.add_codings();
    input->set_document(doc);
    input->set_code("c1");
    input->set_segment(segment);
    Ok(Call(lead_, &v1::CodingService::Stub::SubmitCodings, *coding_, request));
  };
  auto done = [&](const std::string& coder, const std::string& doc) {
    v1::SetDocumentProgressRequest request;
    request.set_project("study");
    request.set_round("r2");
    request.set_document(doc);
    request.set_state(v1::DONE);
    request.set_on_behalf_of(coder);
    Ok(Call(lead_, &v1::CodingService::Stub::SetDocumentProgress, *coding_, request));
  };
  // d1: the coders agree; d2: they do not, and neither has finished it.
  code("alice", "d1", 0);
  code("bob", "d1", 0);
  code("alice", "d2", 0);
  code("bob", "d2", 1);
  done("alice", "d1");
  done("bob", "d1");
  auto report = [&] {
    v1::GetReportRequest request;
    request.set_project("study");
    request.set_round("r2");
    request.set_format(v1::JSON);
    request.set_interval("none");
    v1::GetReportResponse response;
    EXPECT_TRUE(
        Call(lead_, &v1::ReportService::Stub::GetReport, *report_, request, &response).ok());
    return json::parse(response.content())["rounds"][0];
  };
  const json unfinished = report();
  EXPECT_EQ(unfinished["agreement"]["work"]["pairs_counted"], 2);
  EXPECT_EQ(unfinished["agreement"]["work"]["pairs_in_progress"], 2);
  const std::string paragraph = unfinished["methods"]["paragraph"];
  EXPECT_NE(paragraph.find("Agreement counts only the documents each coder had marked finished "
                           "(2 of 4 coder\u2013document pairs)"),
            std::string::npos)
      << paragraph;
  const json* before =
      Coefficient(unfinished["agreement"]["independent"]["overall"], "percent_agreement");
  ASSERT_NE(before, nullptr);
  EXPECT_EQ((*before)["value"], 1.0);  // only d1, where they agree

  done("alice", "d2");
  done("bob", "d2");
  const json finished = report();
  EXPECT_EQ(finished["agreement"]["work"]["pairs_in_progress"], 0);
  EXPECT_EQ(finished["methods"]["paragraph"].get<std::string>().find("marked finished"),
            std::string::npos);
  const json* after =
      Coefficient(finished["agreement"]["independent"]["overall"], "percent_agreement");
  ASSERT_NE(after, nullptr);
  EXPECT_LT((*after)["value"].get<double>(), 1.0);
}

TEST_F(ReportMethodsTest, ChosenCoefficientsAndBadChoices) {
  const json report = json::parse(Report(v1::JSON, nullptr, {"gwet_ac1", "krippendorff_alpha"}));
  const std::string paragraph = report["rounds"][0]["methods"]["paragraph"];
  const size_t ac1 = paragraph.find("Gwet's AC1");
  const size_t alpha = paragraph.find("Krippendorff's \u03b1");
  ASSERT_NE(ac1, std::string::npos) << paragraph;
  ASSERT_NE(alpha, std::string::npos);
  EXPECT_LT(ac1, alpha);
  EXPECT_EQ(paragraph.find("Cohen's"), std::string::npos);
  grpc::Status status;
  Report(v1::JSON, &status, {"krippendorff_alfa"});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("coefficients[0]"), std::string::npos)
      << status.error_message();
}

TEST_F(ReportMethodsTest, LatexTableIsWellFormedAndEscaped) {
  const std::string latex = Report(v1::LATEX);
  ASSERT_NE(latex.find("\\begin{table}"), std::string::npos) << latex;
  ASSERT_NE(latex.find("\\end{table}"), std::string::npos);
  std::smatch spec;
  ASSERT_TRUE(std::regex_search(latex, spec, std::regex("\\\\begin\\{tabular\\}\\{([lrc]+)\\}")));
  const size_t columns = spec[1].str().size();
  EXPECT_EQ(columns, 2u + 3 * 2 + 1);  // code, units, 3 x (value, CI), interpretation
  const size_t body = latex.find("\\toprule");
  const size_t end = latex.find("\\bottomrule");
  ASSERT_LT(body, end);
  std::istringstream lines(latex.substr(body, end - body));
  int rows = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\\\\") == std::string::npos) continue;
    ++rows;
    // Unescaped & separate the cells.
    size_t cells = 1;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '&' && (i == 0 || line[i - 1] != '\\')) ++cells;
    }
    EXPECT_EQ(cells, columns) << line;
  }
  EXPECT_EQ(rows, 1 + 2 + 1);  // header, two codes, overall
  EXPECT_NE(latex.find("Costs \\& fees\\_\\% (c2)"), std::string::npos) << latex;
  EXPECT_EQ(latex.find("Costs & fees"), std::string::npos);
}

TEST_F(ReportMethodsTest, CsvTableParsesToTheReportsNumbers) {
  const json report = json::parse(Report(v1::JSON));
  const json& overall = report["rounds"][0]["agreement"]["independent"]["overall"];
  const std::string csv = Report(v1::CSV);
  std::istringstream lines(csv);
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.push_back(field);
        field.clear();
      } else {
        field += c;
      }
    }
    fields.push_back(field);
    rows.push_back(fields);
  }
  ASSERT_EQ(rows.size(), 4u) << csv;  // header, two codes, overall
  for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
  EXPECT_EQ(rows[0][3], "krippendorff_alpha");
  EXPECT_EQ(rows[3][1], "Overall");
  char expected[32];
  std::snprintf(expected, sizeof(expected), "%.3f",
                (*Coefficient(overall, "krippendorff_alpha"))["value"].get<double>());
  EXPECT_EQ(rows[3][3], expected);
  EXPECT_EQ(rows[2][1], "Costs & fees_% (c2)");
}

TEST_F(ReportMethodsTest, MethodsPartRendersInHeadlessChromium) {
  const std::string chromium = "/usr/bin/chromium";
  ASSERT_EQ(::access(chromium.c_str(), X_OK), 0)
      << "chromium is needed: apt-get install chromium (deploy/test installs it)";
  const std::string html = Report(v1::HTML);
  const size_t head_end = html.find("<body>");
  const size_t start = html.find("<section class=methods>");
  ASSERT_NE(start, std::string::npos);
  const size_t end = html.find("</section>", start);
  ASSERT_NE(end, std::string::npos);
  // The methods part alone, with the report's own style, opened as a page.
  const std::string page = html.substr(0, head_end) + "<body>" +
                           html.substr(start, end + 10 - start) + "<script></script></body></html>";
  const std::string dir = ICR_SCREENSHOT_DIR;
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/methods.html";
  std::ofstream(path) << page;
  const std::string png = dir + "/report-methods.png";
  std::filesystem::remove(png);
  testing::TempDir profile;
  testing::CommandResult shot =
      testing::Run({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--hide-scrollbars", "--window-size=1000,900",
                    "--user-data-dir=" + profile.path(), "--screenshot=" + png, "file://" + path});
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  std::ifstream in(png, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 5000u) << shot.err;
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
}

}  // namespace
}  // namespace icr
