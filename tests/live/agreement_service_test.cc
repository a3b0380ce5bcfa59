// AgreementService over real gRPC: every analysis against `icr stats`
// (RunStats) on the same data written as CSV; the incremental state against
// a fresh load after a restart; the watch stream; the blind rules; the
// resolution rules per role and round state; bad input naming the field.

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

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

constexpr int kDocuments = 3;
constexpr int kSegments = 12;
const std::vector<std::string> kCoders = {"alice", "bob", "carol"};
// Leaves under two themes, plus an ordinal domain.
const std::vector<std::string> kLeaves = {"c1", "c2", "c3", "c4"};
const std::vector<std::string> kTone = {"neg", "neu", "pos"};

class AgreementServiceTest : public testing::StudyTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    coding_ = v1::CodingService::NewStub(channel_);
    agreement_ = v1::AgreementService::NewStub(channel_);
    std::vector<std::string> users = kCoders;
    users.push_back("rita");
    ASSERT_NO_FATAL_FAILURE(CreateStudy("Study", users));
    reviewer_ = tokens_["rita"];
    for (const std::string& c : kCoders) AddMember(c, v1::CODER);
    AddMember("rita", v1::REVIEWER);
    AddCode("t1", "");
    AddCode("t2", "");
    AddCode("c1", "t1");
    AddCode("c2", "t1");
    AddCode("c3", "t2");
    AddCode("c4", "t2");
    for (size_t i = 0; i < kTone.size(); ++i) AddCode(kTone[i], "", static_cast<double>(i));
    v1::Domain domain;
    domain.set_id("tone");
    domain.set_name("Tone");
    domain.set_level(v1::ORDINAL);
    for (const auto& t : kTone) domain.add_codes(t);
    AddDomain(domain);
    std::string text;
    for (int s = 0; s < kSegments; ++s) text += "paragraph " + std::to_string(s) + "\n\n";
    std::vector<std::string> documents;
    for (int d = 0; d < kDocuments; ++d) {
      documents.push_back("d" + std::to_string(d));
      AddParagraphDocument(documents.back(), text);
    }
    AddRound("r1", documents, kCoders, /*blind=*/true);
  }

  // Code `id` (named so) under `parent`, with `value` unless negative.
  void AddCode(const std::string& id, const std::string& parent, double value = -1) {
    v1::Code code;
    code.set_id(id);
    code.set_name(id);
    code.set_parent(parent);
    if (value >= 0) {
      code.set_has_value(true);
      code.set_value(value);
    }
    StudyTest::AddCode(code);
  }

  // Who applied what where: the test's own record of the segment codings.
  using Key = std::tuple<int, int, std::string>;  // document, segment, code
  std::map<Key, std::set<std::string>> applied_;

  // Marks (coder, document) DONE (or reopens it), as the coder.
  void SetProgress(const std::string& coder, int d, v1::ProgressState state = v1::DONE) {
    v1::SetDocumentProgressRequest r;
    r.set_project("study");
    r.set_round("r1");
    r.set_document("d" + std::to_string(d));
    r.set_state(state);
    Ok(Call(tokens_[coder], &v1::CodingService::Stub::SetDocumentProgress, *coding_, r));
  }
  // Only finished work counts: the tests that compare with `icr stats` on
  // every coder's codings mark every document done.
  void MarkAllDone() {
    for (const std::string& coder : kCoders) {
      for (int d = 0; d < kDocuments; ++d) SetProgress(coder, d);
    }
  }

  // Random codings with realistic partial agreement: a "true" code set per
  // segment, each coder following it with probability 0.8; then every
  // document marked done unless `done` is false.
  void SubmitRandom(uint32_t seed, bool done = true) {
    std::mt19937 rng(seed);
    std::bernoulli_distribution present(0.3), follow(0.8), toned(0.6);
    for (int d = 0; d < kDocuments; ++d) {
      for (int s = 0; s < kSegments; ++s) {
        std::vector<std::string> truth;
        for (const auto& c : kLeaves) {
          if (present(rng)) truth.push_back(c);
        }
        const bool has_tone = toned(rng);
        const std::string tone = kTone[rng() % 3];
        for (const std::string& coder : kCoders) {
          v1::SubmitCodingsRequest batch;
          batch.set_project("study");
          batch.set_round("r1");
          for (const auto& c : kLeaves) {
            const bool in = std::find(truth.begin(), truth.end(), c) != truth.end();
            if (follow(rng) ? in : !in) AddSegment(&batch, coder, d, s, c);
          }
          if (has_tone && follow(rng))
            AddSegment(&batch, coder, d, s, tone);
          else if (has_tone)
            AddSegment(&batch, coder, d, s, kTone[rng() % 3]);
          if (batch.codings_size() > 0)
            Ok(Call(tokens_[coder], &v1::CodingService::Stub::SubmitCodings, *coding_, batch));
        }
      }
    }
    if (done) MarkAllDone();
  }

  void AddSegment(v1::SubmitCodingsRequest* batch, const std::string& coder, int d, int s,
                  const std::string& code) {
    if (!applied_[{d, s, code}].insert(coder).second) return;
    v1::CodingInput* in = batch->add_codings();
    in->set_document("d" + std::to_string(d));
    in->set_code(code);
    in->set_segment(s);
  }

  // `icr stats` (RunStats) on a CSV, as parsed JSON.
  json Stats(const std::string& csv, std::vector<std::string> extra = {}) {
    const std::string path = dir_.path() + "/stats.csv";
    std::ofstream(path) << csv;
    client::StatsOptions options;
    options.input = path;
    options.layout = "long";
    for (size_t i = 0; i + 1 < extra.size(); i += 2) {
      if (extra[i] == "--level") options.level = extra[i + 1];
      if (extra[i] == "--metric") options.metric = extra[i + 1];
      if (extra[i] == "--bootstrap") options.bootstrap = std::stoi(extra[i + 1]);
      if (extra[i] == "--seed") options.seed = std::stoull(extra[i + 1]);
      if (extra[i] == "--weights") options.weights = extra[i + 1];
      if (extra[i] == "--order") {
        std::stringstream order(extra[i + 1]);
        for (std::string item; std::getline(order, item, ',');) options.order.push_back(item);
      }
    }
    client::GlobalOptions globals;
    globals.output = client::OutputFormat::kJson;
    std::ostringstream out, err;
    EXPECT_EQ(client::RunStats(options, globals, out, err), 0) << err.str();
    return json::parse(out.str());
  }

  // Binary presence CSV of `codes` (counted as one row when several).
  static std::string BinaryCsv(const std::map<Key, std::set<std::string>>& applied,
                               const std::vector<std::string>& codes,
                               const std::vector<std::string>& coders,
                               const std::function<std::string(const std::string&)>& rollup) {
    std::string csv = "unit,coder,value\n";
    for (const std::string& row : codes) {
      for (int d = 0; d < kDocuments; ++d) {
        for (int s = 0; s < kSegments; ++s) {
          for (const std::string& coder : coders) {
            bool on = false;
            for (const auto& [key, who] : applied) {
              if (std::get<0>(key) == d && std::get<1>(key) == s &&
                  rollup(std::get<2>(key)) == row && who.count(coder)) {
                on = true;
              }
            }
            csv += row + "|d" + std::to_string(d) + "#" + std::to_string(s) + "," + coder + "," +
                   (on ? "1" : "0") + "\n";
          }
        }
      }
    }
    return csv;
  }

  // Intervals within `ci_tolerance`: the live code analysis resamples
  // pattern counts, `icr stats` units (the same distribution, other draws).
  static void ExpectCoefficients(const v1::AgreementRow& row, const json& stats,
                                 double ci_tolerance = 1e-9) {
    SCOPED_TRACE(row.key());
    ASSERT_EQ(static_cast<size_t>(row.coefficients_size()), stats["coefficients"].size());
    for (int i = 0; i < row.coefficients_size(); ++i) {
      const v1::Coefficient& got = row.coefficients(i);
      const json& want = stats["coefficients"][i];
      SCOPED_TRACE(got.name());
      EXPECT_EQ(got.name(), want["name"]);
      ASSERT_EQ(got.has_value(), want["defined"].get<bool>()) << got.reason();
      if (got.has_value()) EXPECT_NEAR(got.value(), want["value"].get<double>(), 1e-9);
      EXPECT_EQ(got.pairable_values(), want["pairable_values"].get<int64_t>());
      // Analytic standard errors: icr stats computes them by default, the
      // server always.
      if (want.contains("se") && want["se"].is_number()) {
        ASSERT_TRUE(got.has_se()) << got.se_reason();
        EXPECT_NEAR(got.se(), want["se"].get<double>(), 1e-9);
        EXPECT_NEAR(got.ci_low(), want["ci_low"].get<double>(), 1e-9);
        EXPECT_NEAR(got.ci_high(), want["ci_high"].get<double>(), 1e-9);
      } else if (want.contains("se")) {
        EXPECT_FALSE(got.has_se());
      }
      if (want.contains("ci")) {
        ASSERT_TRUE(got.has_ci());
        EXPECT_NEAR(got.ci().low(), want["ci"]["low"].get<double>(), ci_tolerance);
        EXPECT_NEAR(got.ci().high(), want["ci"]["high"].get<double>(), ci_tolerance);
      }
    }
  }

  v1::ComputeAgreementResponse Compute(v1::ComputeAgreementRequest request,
                                       const std::string& token = "") {
    request.set_project("study");
    request.set_round("r1");
    v1::ComputeAgreementResponse response;
    Ok(Call(token.empty() ? lead_ : token, &v1::AgreementService::Stub::ComputeAgreement,
            *agreement_, request, &response));
    return response;
  }

  grpc::Status ComputeStatus(v1::ComputeAgreementRequest request, const std::string& token) {
    request.set_project("study");
    request.set_round("r1");
    return Call(token, &v1::AgreementService::Stub::ComputeAgreement, *agreement_, request);
  }

  void Advance() {
    v1::AdvanceRoundRequest r;
    r.set_project("study");
    r.set_round("r1");
    r.set_force(true);  // some tests leave documents unfinished
    Ok(Call(lead_, &v1::ProjectService::Stub::AdvanceRound, *project_, r));
  }

  std::vector<v1::Disagreement> AllDisagreements(int page_size, const std::string& token = "") {
    std::vector<v1::Disagreement> out;
    v1::ListDisagreementsRequest request;
    request.set_project("study");
    request.set_round("r1");
    request.set_page_size(page_size);
    while (true) {
      v1::ListDisagreementsResponse page;
      Ok(Call(token.empty() ? lead_ : token, &v1::AgreementService::Stub::ListDisagreements,
              *agreement_, request, &page));
      out.insert(out.end(), page.disagreements().begin(), page.disagreements().end());
      if (page.next_page_token().empty()) return out;
      request.set_page_token(page.next_page_token());
    }
  }

  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::unique_ptr<v1::AgreementService::Stub> agreement_;
  std::string reviewer_;
};

std::string Identity(const std::string& code) { return code; }

TEST_F(AgreementServiceTest, ByCodeEqualsIcrStatsOnTheSameData) {
  SubmitRandom(11);
  const v1::ComputeAgreementResponse r = Compute({});
  ASSERT_EQ(r.rows_size(), 7);  // c1..c4 and the three tone codes, each used
  EXPECT_EQ(r.units(), kDocuments * kSegments);
  std::vector<std::string> keys;
  for (const auto& row : r.rows()) {
    keys.push_back(row.key());
    ExpectCoefficients(row, Stats(BinaryCsv(applied_, {row.key()}, kCoders, Identity)));
  }
  const json overall = Stats(BinaryCsv(applied_, keys, kCoders, Identity));
  ExpectCoefficients(r.overall(), overall);
  ASSERT_EQ(static_cast<size_t>(r.pairwise_size()), overall["pairwise"].size());
  for (int i = 0; i < r.pairwise_size(); ++i) {
    EXPECT_EQ(r.pairwise(i).coder_a(), overall["pairwise"][i]["coder_a"]);
    EXPECT_NEAR(r.pairwise(i).cohen_kappa().value(),
                overall["pairwise"][i]["cohen_kappa"].get<double>(), 1e-9);
  }
  // Each coder's influence is reported beside the overall row.
  EXPECT_EQ(r.overall().influence_size(), 3);
}

TEST_F(AgreementServiceTest, FiltersRollupAndBootstrapEqualIcrStats) {
  SubmitRandom(12);
  // Two coders (Cohen's kappa and Scott's pi are defined), themes only.
  v1::ComputeAgreementRequest request;
  request.add_coders("alice");
  request.add_coders("carol");
  request.set_rollup_depth(1);
  request.add_codes("t1");
  request.add_codes("t2");
  request.set_bootstrap(4000);
  request.set_seed(5);
  const v1::ComputeAgreementResponse r = Compute(request);
  ASSERT_EQ(r.rows_size(), 2);
  auto theme = [](const std::string& code) {
    return code == "c1" || code == "c2"   ? std::string("t1")
           : code == "c3" || code == "c4" ? std::string("t2")
                                          : code;
  };
  for (const auto& row : r.rows()) {
    ExpectCoefficients(row,
                       Stats(BinaryCsv(applied_, {row.key()}, {"alice", "carol"}, theme),
                             {"--bootstrap", "4000", "--seed", "5"}),
                       0.04);
  }
  ExpectCoefficients(r.overall(),
                     Stats(BinaryCsv(applied_, {"t1", "t2"}, {"alice", "carol"}, theme),
                           {"--bootstrap", "4000", "--seed", "5"}),
                     0.04);
  EXPECT_TRUE(r.rows(0).coefficients(1).has_value()) << "cohen_kappa with two coders";
}

TEST_F(AgreementServiceTest, ByDomainAndSetEqualIcrStats) {
  SubmitRandom(13);
  v1::ComputeAgreementRequest request;
  request.set_analysis("domain");
  const v1::ComputeAgreementResponse domain = Compute(request);
  ASSERT_EQ(domain.rows_size(), 1);
  std::string csv = "unit,coder,value\n";
  for (int d = 0; d < kDocuments; ++d) {
    for (int s = 0; s < kSegments; ++s) {
      for (const auto& coder : kCoders) {
        for (const auto& tone : kTone) {  // the first in domain order counts
          if (applied_[{d, s, tone}].count(coder)) {
            csv +=
                "d" + std::to_string(d) + "#" + std::to_string(s) + "," + coder + "," + tone + "\n";
            break;
          }
        }
      }
    }
  }
  ExpectCoefficients(domain.rows(0), Stats(csv, {"--level", "ordinal", "--order", "neg,neu,pos"}));
  // Weighted, the server's domain analysis is icr stats' with the same
  // weights (every irrCAC family by name), and every coefficient says so.
  for (const char* weights : {"quadratic", "radical", "bipolar"}) {
    SCOPED_TRACE(weights);
    v1::ComputeAgreementRequest weighted = request;
    weighted.set_weights(weights);
    const v1::ComputeAgreementResponse w = Compute(weighted);
    ASSERT_EQ(w.rows_size(), 1);
    ExpectCoefficients(w.rows(0), Stats(csv, {"--level", "ordinal", "--order", "neg,neu,pos",
                                              "--weights", weights}));
    for (const v1::Coefficient& c : w.rows(0).coefficients()) EXPECT_EQ(c.weights(), weights);
  }

  request.set_analysis("set");
  request.set_set_metric("jaccard");
  const v1::ComputeAgreementResponse set = Compute(request);
  ASSERT_EQ(set.rows_size(), 1);
  std::string sets = "unit,coder,value\n";
  for (int d = 0; d < kDocuments; ++d) {
    for (int s = 0; s < kSegments; ++s) {
      for (const auto& coder : kCoders) {
        std::vector<std::string> codes;
        for (const auto& [key, who] : applied_) {
          if (std::get<0>(key) == d && std::get<1>(key) == s && who.count(coder)) {
            codes.push_back(std::get<2>(key));
          }
        }
        std::sort(codes.begin(), codes.end());
        for (const auto& c : codes) {
          sets += "d" + std::to_string(d) + "#" + std::to_string(s) + "," + coder + "," + c + "\n";
        }
      }
    }
  }
  ExpectCoefficients(set.rows(0), Stats(sets, {"--metric", "jaccard"}));
}

TEST_F(AgreementServiceTest, SpanAnalysisReportsUnitizingAlpha) {
  v1::SubmitCodingsRequest batch;
  batch.set_project("study");
  batch.set_round("r1");
  v1::CodingInput* in = batch.add_codings();
  in->set_document("d0");
  in->set_code("c1");
  in->mutable_span()->set_start(0);
  in->mutable_span()->set_end(8);
  for (const auto& coder : {"alice", "bob"}) {
    Ok(Call(tokens_[coder], &v1::CodingService::Stub::SubmitCodings, *coding_, batch));
  }
  batch.mutable_codings(0)->mutable_span()->set_end(6);
  Ok(Call(tokens_["carol"], &v1::CodingService::Stub::SubmitCodings, *coding_, batch));
  for (const auto& coder : kCoders) SetProgress(coder, 0);
  v1::ComputeAgreementRequest request;
  request.set_analysis("span");
  const v1::ComputeAgreementResponse r = Compute(request);
  ASSERT_EQ(r.rows_size(), 1);
  EXPECT_EQ(r.rows(0).key(), "c1");
  bool found = false;
  for (const auto& c : r.overall().coefficients()) found |= c.name() == "unitizing_alpha";
  EXPECT_TRUE(found);
  // The spans count for segment 0 ([0, 11) "paragraph 0"): by code, all agree.
  const v1::ComputeAgreementResponse by_code = Compute({});
  EXPECT_EQ(by_code.rows(0).coefficients(0).value(), 1.0);  // percent agreement
}

TEST_F(AgreementServiceTest, IncrementalStateEqualsAFreshLoadAfterRandomChanges) {
  v1::ComputeAgreementRequest request;
  Compute(request);  // load the (empty) state now: everything after is incremental
  SubmitRandom(14, /*done=*/false);
  std::mt19937 rng(3);
  // Retract a random third of each coder's codings, with tables computed in
  // between.
  for (const auto& coder : kCoders) {
    v1::ListCodingsRequest list;
    list.set_project("study");
    list.set_round("r1");
    list.set_coder(coder);
    list.set_page_size(10000);
    v1::ListCodingsResponse codings;
    Ok(Call(lead_, &v1::CodingService::Stub::ListCodings, *coding_, list, &codings));
    for (const auto& c : codings.codings()) {
      if (rng() % 3 != 0) continue;
      v1::RetractCodingRequest retract;
      retract.set_project("study");
      retract.set_round("r1");
      retract.set_coding(c.id());
      retract.set_reason("test");
      Ok(Call(tokens_[coder], &v1::CodingService::Stub::RetractCoding, *coding_, retract));
    }
    Compute(request);
  }
  // Marking done and reopening, with tables in between: the live state
  // follows progress as it follows codings.
  for (int d = 0; d < kDocuments; ++d) {
    for (const auto& coder : kCoders) {
      if (rng() % 4 != 0) SetProgress(coder, d);
    }
    Compute(request);
  }
  SetProgress("bob", 1, v1::IN_PROGRESS);
  SetProgress("alice", 1);
  auto strip = [](v1::ComputeAgreementResponse r) {
    r.clear_version();
    r.clear_compute_time();
    r.clear_compute_micros();
    return r.SerializeAsString();
  };
  for (const bool unfinished : {false, true}) {
    request.set_include_unfinished(unfinished);
    for (const char* analysis : {"code", "domain", "set", "span"}) {
      request.set_analysis(analysis);
      const v1::ComputeAgreementResponse before = Compute(request);
      EXPECT_GT(before.work().pairs_counted(), 0);
      EXPECT_EQ(before.work().pairs_counted() + before.work().pairs_in_progress() +
                    before.work().pairs_not_started(),
                kDocuments * 3);
      RestartServer();
      coding_ = v1::CodingService::NewStub(channel_);
      agreement_ = v1::AgreementService::NewStub(channel_);
      EXPECT_EQ(strip(before), strip(Compute(request))) << analysis << " " << unfinished;
    }
  }
}

TEST_F(AgreementServiceTest, WatchSendsAnUpdateAfterASubmission) {
  SubmitRandom(15, /*done=*/false);
  v1::WatchAgreementRequest watch;
  watch.set_project("study");
  watch.set_round("r1");
  watch.mutable_query()->set_include_unfinished(true);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + lead_);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  auto reader = agreement_->WatchAgreement(&context, watch);
  v1::ComputeAgreementResponse first, second;
  ASSERT_TRUE(reader->Read(&first));
  v1::SubmitCodingsRequest batch;
  batch.set_project("study");
  batch.set_round("r1");
  v1::CodingInput* in = batch.add_codings();
  in->set_document("d2");
  in->set_code("c4");
  in->set_segment(kSegments - 1);
  if (applied_[{2, kSegments - 1, "c4"}].count("bob")) in->set_code("t1");
  Ok(Call(tokens_["bob"], &v1::CodingService::Stub::SubmitCodings, *coding_, batch));
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(reader->Read(&second));
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(3));
  EXPECT_GT(second.version(), first.version());
  EXPECT_NE(first.overall().SerializeAsString(), second.overall().SerializeAsString());
  context.TryCancel();
  reader->Finish();
}

TEST_F(AgreementServiceTest, BlindRoundHidesAgreementFromCodersWhileOpen) {
  SubmitRandom(16);
  EXPECT_EQ(ComputeStatus({}, tokens_["alice"]).error_code(), StatusCode::PERMISSION_DENIED);
  v1::ListDisagreementsRequest list;
  list.set_project("study");
  list.set_round("r1");
  EXPECT_EQ(
      Call(tokens_["alice"], &v1::AgreementService::Stub::ListDisagreements, *agreement_, list)
          .error_code(),
      StatusCode::PERMISSION_DENIED);
  // A reviewer reads the numbers, not the codings behind them.
  EXPECT_TRUE(ComputeStatus({}, reviewer_).ok());
  EXPECT_EQ(Call(reviewer_, &v1::AgreementService::Stub::ListDisagreements, *agreement_, list)
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(ComputeStatus({}, lead_).ok());
  Advance();
  EXPECT_TRUE(ComputeStatus({}, tokens_["alice"]).ok());
  EXPECT_TRUE(
      Call(tokens_["alice"], &v1::AgreementService::Stub::ListDisagreements, *agreement_, list)
          .ok());
}

TEST_F(AgreementServiceTest, DisagreementsArePagedInDocumentOrderWithStableIds) {
  SubmitRandom(17);
  const std::vector<v1::Disagreement> all = AllDisagreements(1000);
  ASSERT_GT(all.size(), 10u);
  const std::vector<v1::Disagreement> paged = AllDisagreements(3);
  ASSERT_EQ(paged.size(), all.size());
  std::set<std::string> ids;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(paged[i].id(), all[i].id());
    ids.insert(all[i].id());
    if (i > 0) {
      EXPECT_LE(std::make_pair(all[i - 1].document(), all[i - 1].segment()),
                std::make_pair(all[i].document(), all[i].segment()));
    }
    // What each coder gave, and the majority of three.
    ASSERT_EQ(all[i].values_size(), 3);
    std::map<std::string, int> count;
    for (const auto& [coder, value] : all[i].values()) ++count[value];
    EXPECT_GT(count.size(), 1u);
    std::string majority;
    for (const auto& [value, n] : count) {
      if (n >= 2) majority = value;
    }
    EXPECT_EQ(all[i].suggestion(), majority);
    if (!all[i].code().empty()) {
      // A code disagreement: the code on some and none on others; it never
      // covers a domain code.
      EXPECT_EQ(std::find(kTone.begin(), kTone.end(), all[i].code()), kTone.end());
    }
  }
  EXPECT_EQ(ids.size(), all.size());
  // Each binary disagreement is a unit where the coders differ on the code.
  for (const auto& d : all) {
    if (d.code().empty()) continue;
    const int doc = d.document()[1] - '0';
    const auto& who = applied_[{doc, static_cast<int>(d.segment()), d.code()}];
    EXPECT_GT(who.size(), 0u);
    EXPECT_LT(who.size(), 3u);
    for (const auto& coder : kCoders) {
      EXPECT_EQ(d.values().at(coder), who.count(coder) ? d.code() : "none");
    }
  }
  v1::ListDisagreementsRequest bad;
  bad.set_project("study");
  bad.set_round("r1");
  bad.set_page_token("garbage");
  grpc::Status status =
      Call(lead_, &v1::AgreementService::Stub::ListDisagreements, *agreement_, bad);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page_token"), std::string::npos);
}

TEST_F(AgreementServiceTest, ResolutionRulesPerRoleAndRoundState) {
  SubmitRandom(18);
  const std::vector<v1::Disagreement> all = AllDisagreements(1000);
  const v1::Disagreement* code = nullptr;
  const v1::Disagreement* domain = nullptr;
  for (const auto& d : all) {
    if (!d.code().empty() && code == nullptr) code = &d;
    if (!d.domain().empty() && domain == nullptr) domain = &d;
  }
  ASSERT_NE(code, nullptr);
  ASSERT_NE(domain, nullptr);
  auto resolve = [&](const std::string& token, const std::string& id, const std::string& value,
                     const std::string& rationale, v1::ResolveDisagreementResponse* out = nullptr) {
    v1::ResolveDisagreementRequest r;
    r.set_project("study");
    r.set_round("r1");
    r.set_disagreement(id);
    r.set_value(value);
    r.set_rationale(rationale);
    return Call(token, &v1::AgreementService::Stub::ResolveDisagreement, *agreement_, r, out);
  };
  const int64_t events = EventCount("study");
  // OPEN: not yet.
  EXPECT_EQ(resolve(lead_, code->id(), code->code(), "why").error_code(),
            StatusCode::FAILED_PRECONDITION);
  Advance();  // RECONCILING
  EXPECT_EQ(resolve(tokens_["alice"], code->id(), code->code(), "why").error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(resolve(reviewer_, code->id(), code->code(), "why").error_code(),
            StatusCode::PERMISSION_DENIED);
  grpc::Status s = resolve(lead_, code->id(), code->code(), "  ");
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("rationale"), std::string::npos);
  s = resolve(lead_, "d0:0:nothing", "none", "why");
  EXPECT_EQ(s.error_code(), StatusCode::NOT_FOUND) << s.error_message();
  s = resolve(lead_, code->id(), "c9", "why");
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("value"), std::string::npos);
  s = resolve(lead_, domain->id(), "c1", "why");  // not a code of the domain
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(EventCount("study"), events + 1) << "only the advance is recorded";

  v1::ResolveDisagreementResponse first, second;
  Ok(resolve(lead_, code->id(), "none", "not in the excerpt", &first));
  EXPECT_EQ(first.resolution().replaces(), 0);
  Ok(resolve(lead_, code->id(), code->code(), "on reflection it is", &second));
  EXPECT_EQ(second.resolution().replaces(), 1);
  Ok(resolve(lead_, domain->id(), "pos", "the speaker praises the mentor"));
  EXPECT_EQ(EventCount("study"), events + 4) << "both resolutions of one id stay in the trail";

  v1::GetConsensusRequest get;
  get.set_project("study");
  get.set_round("r1");
  v1::GetConsensusResponse consensus;
  Ok(Call(tokens_["alice"], &v1::AgreementService::Stub::GetConsensus, *agreement_, get,
          &consensus));
  EXPECT_EQ(consensus.resolved(), 2);
  EXPECT_EQ(consensus.unresolved_size(), static_cast<int>(all.size()) - 2);
  int resolved = 0;
  for (const auto& c : consensus.codings()) {
    if (c.source() != "resolved") continue;
    ++resolved;
    if (c.disagreement() == code->id()) EXPECT_EQ(c.rationale(), "on reflection it is");
    if (c.disagreement() == domain->id()) EXPECT_EQ(c.code(), "pos");
  }
  EXPECT_EQ(resolved, 2);
  const v1::ComputeAgreementResponse r = Compute({});
  EXPECT_EQ(r.resolved(), 2);
  EXPECT_EQ(r.disagreements(), static_cast<int64_t>(all.size()));
  ASSERT_EQ(r.negotiated_size(), 3);
  EXPECT_TRUE(r.negotiated(0).has_percent_agreement());

  Advance();  // CLOSED: the consensus is frozen
  EXPECT_EQ(resolve(lead_, code->id(), "none", "too late").error_code(),
            StatusCode::FAILED_PRECONDITION);
}

TEST_F(AgreementServiceTest, BadInputNamesTheField) {
  SubmitRandom(19);
  auto expect = [&](v1::ComputeAgreementRequest request, const std::string& field) {
    grpc::Status s = ComputeStatus(request, lead_);
    EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_EQ(s.error_message().rfind(field + ":", 0), 0u) << s.error_message();
  };
  v1::ComputeAgreementRequest r;
  r.set_analysis("words");
  expect(r, "analysis");
  r = {};
  r.add_coefficients("kappa");
  expect(r, "coefficients");
  r = {};
  r.add_codes("nowhere");
  expect(r, "codes");
  r = {};
  r.add_coders("mallory");
  expect(r, "coders");
  r = {};
  r.add_documents("d9");
  expect(r, "documents");
  r = {};
  r.set_rollup_depth(-1);
  expect(r, "rollup_depth");
  v1::ComputeAgreementRequest missing;
  missing.set_project("study");
  missing.set_round("r9");
  EXPECT_EQ(
      Call(lead_, &v1::AgreementService::Stub::ComputeAgreement, *agreement_, missing).error_code(),
      StatusCode::NOT_FOUND);
}

TEST_F(AgreementServiceTest, DiagnosticsFlagARareCodeAndAFarCoder) {
  // c1 on every segment by alice and bob; carol never: carol is far from
  // the rest. c2 on two segments only: rare, and alpha far below AC1.
  for (const auto& coder : {"alice", "bob", "carol"}) {
    v1::SubmitCodingsRequest batch;
    batch.set_project("study");
    batch.set_round("r1");
    for (int d = 0; d < kDocuments; ++d) {
      for (int s = 0; s < kSegments; ++s) {
        if (std::string(coder) != "carol" && (s % 2 == 0)) AddSegment(&batch, coder, d, s, "c1");
        if (std::string(coder) == "carol" && (s % 4 == 1)) AddSegment(&batch, coder, d, s, "c1");
      }
    }
    AddSegment(&batch, coder, 0, std::string(coder) == "carol" ? 1 : 0, "c2");
    Ok(Call(tokens_[coder], &v1::CodingService::Stub::SubmitCodings, *coding_, batch));
  }
  MarkAllDone();
  const v1::ComputeAgreementResponse r = Compute({});
  std::set<std::pair<std::string, std::string>> kinds;
  for (const auto& row : r.rows()) {
    for (const auto& w : row.warnings()) kinds.emplace(w.kind(), w.subject());
  }
  for (const auto& w : r.warnings()) kinds.emplace(w.kind(), w.subject());
  EXPECT_TRUE(kinds.count({"kappa_paradox", "c2"}));
  EXPECT_TRUE(kinds.count({"coder_influence", "c1"}));
  EXPECT_TRUE(kinds.count({"coder_influence", "carol"}));
  EXPECT_FALSE(kinds.count({"kappa_paradox", "c1"}));
}

TEST_F(AgreementServiceTest, NumericDomainValuesStayExact) {
  // Values 6 significant digits cannot tell apart, and one they would print
  // as 1.23457e+06.
  AddCode("lo", "", 0.1234567);
  AddCode("hi", "", 0.1234568);
  AddCode("big", "", 1234567);
  v1::CreateDomainRequest domain;
  domain.set_project("study");
  domain.mutable_domain()->set_id("measure");
  domain.mutable_domain()->set_name("Measure");
  domain.mutable_domain()->set_level(v1::INTERVAL);
  for (const char* code : {"lo", "hi", "big"}) domain.mutable_domain()->add_codes(code);
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateDomain, *project_, domain));
  const std::map<std::string, std::vector<std::string>> given = {
      {"alice", {"lo", "lo", "lo", "big", "lo"}},
      {"bob", {"hi", "hi", "lo", "big", "hi"}},
      {"carol", {"lo", "hi", "hi", "lo", "lo"}}};
  const std::map<std::string, std::string> value = {
      {"lo", "0.1234567"}, {"hi", "0.1234568"}, {"big", "1234567"}};
  std::string csv = "unit,coder,value\n";
  for (const auto& [coder, codes] : given) {
    v1::SubmitCodingsRequest batch;
    batch.set_project("study");
    batch.set_round("r1");
    for (size_t s = 0; s < codes.size(); ++s) {
      AddSegment(&batch, coder, 0, static_cast<int>(s), codes[s]);
      csv += "s" + std::to_string(s) + "," + coder + "," + value.at(codes[s]) + "\n";
    }
    Ok(Call(tokens_[coder], &v1::CodingService::Stub::SubmitCodings, *coding_, batch));
    SetProgress(coder, 0);
  }
  v1::ComputeAgreementRequest request;
  request.set_analysis("domain");
  request.add_codes("measure");
  const v1::ComputeAgreementResponse r = Compute(request);
  ASSERT_EQ(r.rows_size(), 1);
  ExpectCoefficients(r.rows(0), Stats(csv, {"--level", "interval"}));
  // Percent agreement sees lo and hi apart.
  EXPECT_LT(r.rows(0).coefficients(0).value(), 0.5);
}

TEST_F(AgreementServiceTest, AResolutionSurvivesAMergeOfItsCode) {
  // d0 segment 0: alice applies c1, bob and carol nothing.
  v1::SubmitCodingsRequest batch;
  batch.set_project("study");
  batch.set_round("r1");
  AddSegment(&batch, "alice", 0, 0, "c1");
  AddSegment(&batch, "alice", 0, 1, "c2");
  Ok(Call(tokens_["alice"], &v1::CodingService::Stub::SubmitCodings, *coding_, batch));
  MarkAllDone();
  Advance();
  v1::ResolveDisagreementRequest resolve;
  resolve.set_project("study");
  resolve.set_round("r1");
  resolve.set_disagreement("d0:0:c1");
  resolve.set_value("c1");
  resolve.set_rationale("the passage is about c1");
  Ok(Call(lead_, &v1::AgreementService::Stub::ResolveDisagreement, *agreement_, resolve));
  v1::MergeCodeRequest merge;
  merge.set_project("study");
  merge.set_from_code("c1");
  merge.set_into_code("c2");
  Ok(Call(lead_, &v1::ProjectService::Stub::MergeCode, *project_, merge));

  // The disagreement is now d0:0:c2; its resolution still settles it, with
  // the merged value.
  v1::GetConsensusRequest get;
  get.set_project("study");
  get.set_round("r1");
  v1::GetConsensusResponse consensus;
  Ok(Call(lead_, &v1::AgreementService::Stub::GetConsensus, *agreement_, get, &consensus));
  EXPECT_EQ(consensus.resolved(), 1);
  EXPECT_EQ(std::count(consensus.unresolved().begin(), consensus.unresolved().end(), "d0:0:c2"), 0);
  bool found = false;
  for (const auto& c : consensus.codings()) {
    if (c.document() == "d0" && c.segment() == 0) {
      EXPECT_EQ(c.code(), "c2");
      EXPECT_EQ(c.source(), "resolved");
      found = true;
    }
  }
  EXPECT_TRUE(found) << "the resolved value became none";
  const std::vector<v1::Disagreement> all = AllDisagreements(100);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id(), "d0:0:c2");
  EXPECT_TRUE(all[0].has_resolution());
  EXPECT_EQ(all[1].id(), "d0:1:c2");
  EXPECT_FALSE(all[1].has_resolution());
}

}  // namespace
}  // namespace icr
