// The server's agreement, over real gRPC, on what issue-level parity with
// `icr stats` asks beyond the chance-corrected coefficients: the intraclass
// correlations of an interval domain (equal to `icr stats --icc` on the same
// units table, incomplete units left out), their refusal elsewhere naming
// the field and the coefficient, and seeded bootstrap intervals for the span
// analysis.

#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "client/stats/stats_command.h"
#include "gtest/gtest.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "tests/testing/study_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;
using nlohmann::json;

constexpr int kSegments = 12;
const std::vector<std::string> kCoders = {"alice", "bob", "carol"};
constexpr const char* kIccNames[] = {"icc_1", "icc_k", "icc_c1", "icc_ck", "icc_a1", "icc_ak"};

class AgreementIccTest : public testing::StudyTest {
 protected:
  void SetUp() override {
    StudyTest::SetUp();
    coding_ = v1::CodingService::NewStub(channel_);
    agreement_ = v1::AgreementService::NewStub(channel_);
    CreateStudy("Study", kCoders);
    for (const std::string& c : kCoders) AddMember(c, v1::CODER);
    // An interval domain of scores 1..5 and a nominal one.
    for (int v = 1; v <= 5; ++v) {
      v1::Code score;
      score.set_id("s" + std::to_string(v));
      score.set_name(score.id());
      score.set_has_value(true);
      score.set_value(v);
      AddCode(score);
    }
    AddCode("pos", "pos");
    AddCode("neg", "neg");
    AddDomain("score", v1::INTERVAL, {"s1", "s2", "s3", "s4", "s5"});
    AddDomain("tone", v1::NOMINAL, {"pos", "neg"});
    std::string text;
    for (int s = 0; s < kSegments; ++s) text += "paragraph " + std::to_string(s) + "\n\n";
    std::vector<std::string> documents;
    for (int d = 0; d < 3; ++d) {
      documents.push_back("d" + std::to_string(d));
      AddParagraphDocument(documents.back(), text);
    }
    AddRound("r1", documents, kCoders);
  }

  using StudyTest::AddDomain;
  void AddDomain(const std::string& id, v1::MeasurementLevel level,
                 const std::vector<std::string>& codes) {
    v1::Domain domain;
    domain.set_id(id);
    domain.set_name(id);
    domain.set_level(level);
    for (const auto& c : codes) domain.add_codes(c);
    AddDomain(domain);
  }

  void Submit(const std::string& coder, const std::vector<v1::CodingInput>& codings, int done) {
    v1::SubmitCodingsRequest batch;
    batch.set_project("study");
    batch.set_round("r1");
    for (const auto& c : codings) *batch.add_codings() = c;
    if (batch.codings_size() > 0) {
      Ok(Call(tokens_[coder], &v1::CodingService::Stub::SubmitCodings, *coding_, batch));
    }
    for (int d = 0; d < done; ++d) {
      v1::SetDocumentProgressRequest r;
      r.set_project("study");
      r.set_round("r1");
      r.set_document("d" + std::to_string(d));
      r.set_state(v1::DONE);
      Ok(Call(tokens_[coder], &v1::CodingService::Stub::SetDocumentProgress, *coding_, r));
    }
  }

  // Scores on document d0: a true score per segment, each coder within one
  // of it, bob one higher now and then (so consistency and absolute
  // agreement differ); carol skips segment 5 (an incomplete unit). Tone on
  // every segment. Returns the units table as `icr stats` CSV.
  std::string SubmitScores() {
    std::mt19937 rng(4);
    std::uniform_int_distribution<int> truth(1, 5), noise(-1, 1);
    std::bernoulli_distribution lean(0.4);
    std::map<std::string, std::vector<v1::CodingInput>> given;
    std::string csv = "unit,coder,value\n";
    for (int s = 0; s < kSegments; ++s) {
      const int t = truth(rng);
      for (const std::string& coder : kCoders) {
        int score = std::clamp(t + noise(rng) + (coder == "bob" && lean(rng) ? 1 : 0), 1, 5);
        if (coder == "carol" && s == 5) continue;
        v1::CodingInput in;
        in.set_document("d0");
        in.set_segment(s);
        in.set_code("s" + std::to_string(score));
        given[coder].push_back(in);
        in.set_code(s % 3 == 0 ? "neg" : "pos");
        given[coder].push_back(in);
        csv += "u" + std::to_string(s) + "," + coder + "," + std::to_string(score) + "\n";
      }
    }
    for (const std::string& coder : kCoders) Submit(coder, given[coder], 1);
    return csv;
  }

  json Stats(const std::string& csv) {
    const std::string path = dir_.path() + "/scores.csv";
    std::ofstream(path) << csv;
    client::StatsOptions options;
    options.input = path;
    options.layout = "long";
    options.level = "interval";
    options.icc = true;
    client::GlobalOptions globals;
    globals.output = client::OutputFormat::kJson;
    std::ostringstream out, err;
    EXPECT_EQ(client::RunStats(options, globals, out, err), 0) << err.str();
    return json::parse(out.str());
  }

  grpc::Status Compute(v1::ComputeAgreementRequest request, v1::ComputeAgreementResponse* out) {
    request.set_project("study");
    request.set_round("r1");
    return Call(lead_, &v1::AgreementService::Stub::ComputeAgreement, *agreement_, request, out);
  }

  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::unique_ptr<v1::AgreementService::Stub> agreement_;
};

TEST_F(AgreementIccTest, IntervalDomainIccEqualsIcrStatsIcc) {
  const json stats = Stats(SubmitScores());
  ASSERT_EQ(stats["icc"].size(), 6u);
  v1::ComputeAgreementRequest request;
  request.set_analysis("domain");
  request.add_codes("score");
  request.add_coefficients("icc");
  request.set_confidence(0.9);
  v1::ComputeAgreementResponse r;
  {
    // `icr stats --icc` at the same confidence.
    const std::string path = dir_.path() + "/scores.csv";
    client::StatsOptions options;
    options.input = path;
    options.layout = "long";
    options.level = "interval";
    options.icc = true;
    options.confidence = 0.9;
    client::GlobalOptions globals;
    globals.output = client::OutputFormat::kJson;
    std::ostringstream out, err;
    ASSERT_EQ(client::RunStats(options, globals, out, err), 0) << err.str();
    const json at90 = json::parse(out.str());
    Ok(Compute(request, &r));
    ASSERT_EQ(r.rows_size(), 1);
    const v1::AgreementRow& row = r.rows(0);
    // Only the ICC was asked for: nothing else in the row, nor overall.
    ASSERT_EQ(row.coefficients_size(), 6);
    EXPECT_EQ(r.overall().coefficients_size(), 0);
    for (int i = 0; i < 6; ++i) {
      const v1::Coefficient& got = row.coefficients(i);
      const json& want = at90["icc"][i];
      SCOPED_TRACE(want["name"].get<std::string>());
      EXPECT_EQ(got.name(), kIccNames[i]);
      EXPECT_EQ(got.name(), want["coefficient"]);
      ASSERT_TRUE(got.has_value()) << got.reason();
      EXPECT_NEAR(got.value(), want["value"].get<double>(), 1e-12);
      EXPECT_NEAR(got.ci_low(), want["ci_low"].get<double>(), 1e-12);
      EXPECT_NEAR(got.ci_high(), want["ci_high"].get<double>(), 1e-12);
      EXPECT_NEAR(got.p_value(), want["p_value"].get<double>(), 1e-12);
      EXPECT_EQ(got.se_method(), "f_distribution");
      EXPECT_FALSE(got.has_se());
      EXPECT_DOUBLE_EQ(got.se_confidence(), 0.9);
      EXPECT_EQ(got.variant(), want["model"].get<std::string>() + "_" +
                                   want["type"].get<std::string>() + "_" +
                                   want["unit"].get<std::string>());
      // Carol skipped one unit: 11 complete units of 12.
      EXPECT_EQ(got.units(), 11);
      EXPECT_EQ(want["units"], 11);
    }
    bool warned = false;
    for (const auto& w : row.warnings()) warned |= w.kind() == "icc_incomplete_units";
    EXPECT_TRUE(warned);
  }
  // Beside a chance-corrected coefficient: that one first, as icr stats
  // computes it, then the ICC asked for.
  request.clear_coefficients();
  request.set_confidence(0.95);
  request.add_coefficients("krippendorff_alpha");
  request.add_coefficients("icc_a1");
  Ok(Compute(request, &r));
  ASSERT_EQ(r.rows(0).coefficients_size(), 2);
  EXPECT_EQ(r.rows(0).coefficients(0).name(), "krippendorff_alpha");
  double alpha = 0;
  for (const auto& c : stats["coefficients"]) {
    if (c["name"] == "krippendorff_alpha") alpha = c["value"].get<double>();
  }
  EXPECT_NEAR(r.rows(0).coefficients(0).value(), alpha, 1e-12);
  EXPECT_EQ(r.rows(0).coefficients(1).name(), "icc_a1");
  EXPECT_NEAR(r.rows(0).coefficients(1).value(), stats["icc"][4]["value"].get<double>(), 1e-12);
  EXPECT_NEAR(r.rows(0).coefficients(1).ci_low(), stats["icc"][4]["ci_low"].get<double>(), 1e-12);
  ASSERT_EQ(r.overall().coefficients_size(), 1);
  EXPECT_EQ(r.overall().coefficients(0).name(), "krippendorff_alpha");
}

TEST_F(AgreementIccTest, IccIsRefusedWhereThereAreNoIntervalRatings) {
  SubmitScores();
  auto refused = [&](const std::string& analysis, const std::string& domain,
                     const std::string& must_mention) {
    v1::ComputeAgreementRequest request;
    request.set_analysis(analysis);
    if (!domain.empty()) request.add_codes(domain);
    request.add_coefficients("percent_agreement");
    request.add_coefficients("icc_c1");
    v1::ComputeAgreementResponse r;
    const grpc::Status s = Compute(request, &r);
    SCOPED_TRACE(analysis + " " + domain);
    EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(s.error_message().rfind("coefficients: icc_c1", 0), 0u) << s.error_message();
    EXPECT_NE(s.error_message().find(must_mention), std::string::npos) << s.error_message();
  };
  refused("domain", "tone", "domain tone is NOMINAL");
  refused("domain", "", "domain tone is NOMINAL");  // every domain, tone among them
  refused("code", "", "code analysis");
  refused("set", "", "set analysis");
  refused("span", "", "span analysis");
}

TEST_F(AgreementIccTest, SpanAnalysisBootstrapIsSeeded) {
  // Three documents, each coder's spans jittered around the same units.
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> jitter(-2, 2);
  std::map<std::string, std::vector<v1::CodingInput>> given;
  for (int d = 0; d < 3; ++d) {
    for (int start = 5 + 7 * d; start + 20 < 12 * 13; start += 37) {
      for (const std::string& coder : kCoders) {
        if (coder == "carol" && (start / 37) % 3 == d) continue;  // a miss now and then
        v1::CodingInput in;
        in.set_document("d" + std::to_string(d));
        in.set_code("pos");
        in.mutable_span()->set_start(start + jitter(rng) + 2);
        in.mutable_span()->set_end(start + 15 + jitter(rng));
        given[coder].push_back(in);
      }
    }
  }
  for (const std::string& coder : kCoders) Submit(coder, given[coder], 3);
  v1::ComputeAgreementRequest request;
  request.set_analysis("span");
  request.set_bootstrap(300);
  request.set_seed(21);
  v1::ComputeAgreementResponse a, b;
  Ok(Compute(request, &a));
  Ok(Compute(request, &b));
  for (int k = 0; k < a.overall().coefficients_size(); ++k) {
    const v1::Coefficient& x = a.overall().coefficients(k);
    SCOPED_TRACE(x.name());
    const bool alpha_family = x.name() == "unitizing_alpha" || x.name() == "binary_u_alpha" ||
                              x.name() == "cu_alpha" || x.name() == "Cu_alpha";
    EXPECT_EQ(x.has_ci(), alpha_family && x.has_value());
    if (!x.has_ci()) continue;
    EXPECT_EQ(x.ci().samples(), 300);
    EXPECT_EQ(x.ci().low(), b.overall().coefficients(k).ci().low());
    EXPECT_EQ(x.ci().high(), b.overall().coefficients(k).ci().high());
    if (x.name() == "unitizing_alpha") {
      // Documents were resampled: the three differ, and so do replicates.
      EXPECT_LE(x.ci().low(), x.value());
      EXPECT_GE(x.ci().high(), x.value());
      EXPECT_LT(x.ci().low(), x.ci().high());
    }
  }
  // Per code too.
  ASSERT_EQ(a.rows_size(), 1);
  for (const auto& x : a.rows(0).coefficients()) {
    if (x.name() == "unitizing_alpha") EXPECT_TRUE(x.has_ci());
  }
}

TEST_F(AgreementIccTest, SpanBootstrapStaysWithinTheBudget) {
  // 2 x 120 spans: a span replicate costs 16 rows a span, so 20,000
  // replicates exceed the 20,000,000 rows of the budget.
  std::map<std::string, std::vector<v1::CodingInput>> given;
  for (const char* coder : {"alice", "bob"}) {
    for (int start = 0; start < 120; ++start) {
      v1::CodingInput in;
      in.set_document("d0");
      in.set_code("pos");
      in.mutable_span()->set_start(start);
      in.mutable_span()->set_end(start + 1);
      given[coder].push_back(in);
    }
  }
  for (const auto& [coder, codings] : given) Submit(coder, codings, 3);
  Submit("carol", {}, 3);
  v1::ComputeAgreementRequest request;
  request.set_analysis("span");
  request.set_bootstrap(20000);
  v1::ComputeAgreementResponse r;
  const grpc::Status s = Compute(request, &r);
  EXPECT_EQ(s.error_code(), StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(s.error_message().rfind("bootstrap:", 0), 0u) << s.error_message();
  request.set_bootstrap(100);
  Ok(Compute(request, &r));
}

}  // namespace
}  // namespace icr
