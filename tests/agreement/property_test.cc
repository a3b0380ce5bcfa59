// Property test: random reliability data (varying coders, categories,
// missingness, set-valued cells), every coefficient compared with independent
// implementations run by /usr/bin/python3 (reference_agreement.py: NLTK,
// statsmodels, scikit-learn, and the papers' definitions in numpy).
// All cases go to one python process as one JSON document.
//
// The test fails (never skips) when python or a module is missing.

#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/agreement/bootstrap.h"
#include "server/agreement/kappa.h"
#include "server/agreement/krippendorff_alpha.h"
#include "server/agreement/reliability_data.h"
#include "server/agreement/unit_counts.h"
#include "tests/agreement/test_support.h"

namespace icr::agreement {
namespace {

using nlohmann::json;

constexpr int kCases = 240;
constexpr double kTolerance = 1e-9;

struct GeneratedCase {
  json spec;  // what python reads
  std::map<std::string, std::optional<double>> ours;
};

std::optional<double> Value(const Coefficient& c) { return c.value; }

GeneratedCase Generate(Rng& rng, int index) {
  GeneratedCase g;
  const bool sets = index % 8 == 7;
  const int coders =
      2 + static_cast<int>(rng.Uniform(index % 3 == 0 ? 1 : 6));  // many 2-coder cases
  const int units = 3 + static_cast<int>(rng.Uniform(60));
  int k = 2 + static_cast<int>(rng.Uniform(5));
  if (index % 37 == 5) k = 1;  // one category only
  const double missing = (index % 4 == 0) ? 0.0 : rng.Uniform(45) / 100.0;
  const bool skewed = index % 5 == 1;  // near-total agreement (high-agreement paradox)

  std::vector<std::string> coder_names;
  for (int c = 0; c < coders; ++c) coder_names.push_back("c" + std::to_string(c));
  ReliabilityData data(units, coder_names);
  json values = json::array();
  const char* elements[] = {"a", "b", "c", "d"};
  for (int u = 0; u < units; ++u) {
    json row = json::array();
    const int truth = 1 + static_cast<int>(rng.Uniform(k));
    for (int c = 0; c < coders; ++c) {
      if (rng.Uniform(1000) < missing * 1000) {
        row.push_back(nullptr);
        continue;
      }
      if (sets) {
        std::vector<std::string_view> labels;
        json set = json::array();
        const uint64_t mask = 1 + rng.Uniform(15);  // non-empty subset of {a,b,c,d}
        for (int e = 0; e < 4; ++e) {
          if (mask & (1u << e)) {
            labels.push_back(elements[e]);
            set.push_back(elements[e]);
          }
        }
        data.set_value(u, c, data.InternSet(labels));
        row.push_back(set);
        continue;
      }
      int v = truth;
      if (rng.Uniform(100) < (skewed ? 5u : 40u)) v = 1 + static_cast<int>(rng.Uniform(k));
      data.set_value(u, c, data.InternValue(std::to_string(v)));
      row.push_back(v);
    }
    values.push_back(row);
  }
  g.spec = {{"k", k}, {"sets", sets}, {"values", values}};

  if (sets) {
    g.ours["alpha_jaccard"] = Value(*KrippendorffAlpha(data, Metric::kJaccard));
    g.ours["alpha_masi"] = Value(*KrippendorffAlpha(data, Metric::kMasi));
    g.ours["alpha_masi_nltk_rounded"] = g.ours["alpha_masi"];
    return g;
  }
  // The declared domain 1..k, in numeric order (q = k for AC1, BP, weights).
  std::vector<std::string> domain;
  for (int v = 1; v <= k; ++v) domain.push_back(std::to_string(v));
  data.AddUnusedCategories(domain);
  EXPECT_TRUE(data.OrderCategories().ok());
  g.ours["alpha_nominal"] = Value(*KrippendorffAlpha(data, Metric::kNominal));
  g.ours["alpha_interval"] = Value(*KrippendorffAlpha(data, Metric::kInterval));
  g.ours["alpha_ordinal"] = Value(*KrippendorffAlpha(data, Metric::kOrdinal));
  g.ours["alpha_ratio"] = Value(*KrippendorffAlpha(data, Metric::kRatio));
  const UnitCounts counts = CountValues(data);
  g.ours["percent_agreement"] = Value(PercentAgreement(counts));
  g.ours["fleiss_kappa"] = Value(FleissKappa(counts));
  g.ours["fleiss_kappa_statsmodels"] = Value(FleissKappa(counts));
  g.ours["gwet_ac1"] = Value(GwetAc(counts, Weights::kNone));
  g.ours["gwet_ac2_linear"] = Value(GwetAc(counts, Weights::kLinear));
  g.ours["gwet_ac2_quadratic"] = Value(GwetAc(counts, Weights::kQuadratic));
  g.ours["brennan_prediger"] = Value(BrennanPrediger(counts));
  if (coders == 2) {
    PairedValues pairs = PairValues(data, 0, 1);
    g.ours["cohen_kappa_statsmodels"] = Value(CohenKappa(pairs));
    g.ours["cohen_kappa_sklearn_none"] = Value(CohenKappa(pairs));
    g.ours["cohen_kappa_sklearn_linear"] = Value(CohenKappa(pairs, Weights::kLinear));
    g.ours["cohen_kappa_sklearn_quadratic"] = Value(CohenKappa(pairs, Weights::kQuadratic));
    g.ours["scott_pi"] = Value(ScottPi(pairs));
  }
  return g;
}

std::string RunReference(const json& cases) {
  return testing_support::RunPython("reference_agreement.py", cases);
}

TEST(AgreementPropertyTest, MatchesIndependentImplementations) {
  Rng rng(20240611);
  std::vector<GeneratedCase> cases;
  json spec = {{"cases", json::array()}};
  for (int i = 0; i < kCases; ++i) {
    cases.push_back(Generate(rng, i));
    spec["cases"].push_back(cases.back().spec);
  }
  const std::string output = RunReference(spec);
  json reference = json::parse(output, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(reference.is_discarded()) << "reference output is not JSON:\n" << output;
  ASSERT_EQ(reference["cases"].size(), cases.size());

  std::map<std::string, int> compared, defined;
  for (size_t i = 0; i < cases.size(); ++i) {
    const json& ref = reference["cases"][i];
    for (const auto& [name, ours] : cases[i].ours) {
      if (!ref.contains(name)) continue;  // that reference does not apply to this case
      SCOPED_TRACE("case " + std::to_string(i) + " " + name + ": " + cases[i].spec.dump());
      ++compared[name];
      if (ref[name].is_null()) {
        EXPECT_FALSE(ours.has_value()) << "reference undefined, icr gives " << *ours;
        continue;
      }
      ASSERT_TRUE(ours.has_value()) << "icr undefined, reference gives " << ref[name];
      // NLTK's masi_distance rounds Passonneau's 2/3 and 1/3 to 0.67 and 0.33.
      EXPECT_NEAR(*ours, ref[name].get<double>(),
                  name == "alpha_masi_nltk_rounded" ? 0.01 : kTolerance);
      ++defined[name];
    }
  }
  // Every reference must have been exercised on defined values, so that the
  // test cannot pass by comparing nothing.
  for (const char* name :
       {"alpha_nominal", "alpha_interval", "alpha_ordinal", "alpha_ratio", "alpha_jaccard",
        "alpha_masi", "alpha_masi_nltk_rounded", "percent_agreement", "fleiss_kappa",
        "fleiss_kappa_statsmodels", "gwet_ac1", "gwet_ac2_linear", "gwet_ac2_quadratic",
        "brennan_prediger", "cohen_kappa_statsmodels", "cohen_kappa_sklearn_none",
        "cohen_kappa_sklearn_linear", "cohen_kappa_sklearn_quadratic", "scott_pi"}) {
    EXPECT_GE(defined[name], 10) << name << " compared " << compared[name] << " times";
  }
}

}  // namespace
}  // namespace icr::agreement
