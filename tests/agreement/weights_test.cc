// Weighted agreement coefficients (server/agreement/weights.h): the weight
// families against irrCAC's printed matrices, every weighted coefficient,
// standard error, interval and p-value against irrCAC's weighting vignette
// (tests/data/irrcac_weighted_examples.json, with its source), identity
// weights against the unweighted forms, and every family on random data
// against an independent numpy implementation of irrCAC's formulas
// (reference_weighted.py), quadratic and linear Cohen's kappa against
// scikit-learn's cohen_kappa_score.

#include "server/agreement/weights.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/agreement/analysis.h"
#include "server/agreement/bootstrap.h"
#include "server/agreement/reliability_data.h"
#include "tests/agreement/test_support.h"

namespace icr::agreement {
namespace {

using nlohmann::json;

using testing_support::DataOf;
using testing_support::Label;

json LoadVectors() { return testing_support::LoadTestData("irrcac_weighted_examples.json"); }

TEST(WeightFamilies, MatchIrrCacsPrintedMatrices) {
  const json doc = LoadVectors();
  const json& printed = doc["weight_matrices"];
  const std::vector<double> scores = {1, 2, 3};
  int checked = 0;
  for (const auto& [name, rows] : printed.items()) {
    if (name == "source" || name == "categories") continue;
    std::optional<Weights> family = ParseWeights(name);
    ASSERT_TRUE(family) << name;
    absl::StatusOr<std::vector<double>> w = FamilyWeights(*family, scores);
    ASSERT_TRUE(w.ok()) << w.status();
    for (int k = 0; k < 3; ++k) {
      for (int l = 0; l < 3; ++l) {
        // Seven significant digits; circular's 3.33e-16 is R's rounding of 0.
        EXPECT_NEAR((*w)[k * 3 + l], rows[k][l].get<double>(), 5e-7) << name << " " << k << l;
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 7);  // every family but custom
}

TEST(WeightFamilies, ReadTheValuesWhenAllAreNumbers) {
  // Values 1, 2, 10: linear weights 1 - |x_k - x_l| / 9 (irrCAC sorts
  // numeric categories and reads their values); ordinal reads positions.
  absl::StatusOr<std::vector<double>> linear = FamilyWeights(Weights::kLinear, {{1, 2, 10}});
  ASSERT_TRUE(linear.ok());
  EXPECT_DOUBLE_EQ((*linear)[0 * 3 + 1], 1 - 1.0 / 9);
  EXPECT_DOUBLE_EQ((*linear)[1 * 3 + 2], 1 - 8.0 / 9);
  absl::StatusOr<std::vector<double>> ordinal = FamilyWeights(Weights::kOrdinal, {{1, 2, 10}});
  ASSERT_TRUE(ordinal.ok());
  EXPECT_DOUBLE_EQ((*ordinal)[0 * 3 + 1], (*ordinal)[1 * 3 + 2]);
  // Ratio: non-negative values only.
  EXPECT_FALSE(FamilyWeights(Weights::kRatio, {{-1, 2, 3}}).ok());

  ReliabilityData data({"u1", "u2", "u3"}, {"a", "b"});
  for (int u = 0; u < 3; ++u) {
    data.set_value(u, 0, data.InternValue(std::to_string(u == 2 ? 10 : u + 1)));
    data.set_value(u, 1, data.InternValue(std::to_string(u == 0 ? 2 : 10)));
  }
  ASSERT_TRUE(data.OrderCategories().ok());
  EXPECT_EQ(CategoryScores(data), (std::vector<double>{1, 2, 10}));
  absl::StatusOr<WeightMatrix> resolved = ResolveWeights(data, Weights::kLinear);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->matrix, *linear);
}

// --- irrCAC's weighting vignette ------------------------------------------

using testing_support::PublishedCase;

class IrrCacWeighted : public testing::TestWithParam<PublishedCase> {};

TEST_P(IrrCacWeighted, MatchesValueSeIntervalAndPValue) {
  const json& c = GetParam().body;
  ReliabilityData data = DataOf(c["data"]);
  ASSERT_TRUE(data.OrderCategories(c["order"].get<std::vector<std::string>>()).ok());
  AnalysisOptions options;
  options.level = *ParseLevel(c["level"].get<std::string>());
  options.weights = *ParseWeights(c["weights"].get<std::string>());
  const std::string coefficient = c["coefficient"];
  options.coefficients = {coefficient};
  options.pairwise = false;
  if (c.contains("categories")) options.categories = c["categories"].get<int>();
  options.analytic = VarianceOptions{.confidence = c["confidence"].get<double>()};
  absl::StatusOr<Analysis> a = Analyze(data, options);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->coefficients.size(), 1u);
  const Coefficient& got = a->coefficients[0];
  EXPECT_EQ(got.name, coefficient);
  EXPECT_EQ(got.weights, "quadratic");
  ASSERT_TRUE(got.defined()) << got.reason;
  EXPECT_NEAR(*got.value, c["expected"].get<double>(), c["tolerance"].get<double>());
  ASSERT_TRUE(got.analytic && got.analytic->defined()) << got.analytic->undefined_reason;
  const AnalyticInterval& se = *got.analytic;
  if (c.contains("se")) {
    EXPECT_NEAR(se.se, c["se"].get<double>(), c["se_tolerance"].get<double>());
  }
  if (c.contains("ci")) {
    EXPECT_NEAR(se.low, c["ci"][0].get<double>(), c["ci_tolerance"].get<double>());
    EXPECT_NEAR(se.high, c["ci"][1].get<double>(), c["ci_tolerance"].get<double>());
  }
  if (c.contains("p_value")) {
    ASSERT_TRUE(se.p_value);
    // The vignette prints two-sided p-values (the file's "p_values").
    const double sides = c.value("p_value_sided", "one") == "two" ? 2 : 1;
    const double want = c["p_value"].get<double>();
    EXPECT_NEAR(sides * *se.p_value, want, 1e-6 * want);
  }
  if (c.contains("se_published")) {
    EXPECT_NEAR(se.se, c["se_published"].get<double>(), c["se_published_tolerance"].get<double>());
  }
  if (c.contains("se_table")) {
    // irrCAC's .table variances divide by n^2, the .raw ones (icr) by
    // n (n - 1) (irrcac_readme_examples.json, pa2.table).
    const double n = static_cast<double>(data.num_units());
    EXPECT_NEAR(se.se / std::sqrt(n / (n - 1)), c["se_table"].get<double>(), 5e-8);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Published, IrrCacWeighted,
    testing::ValuesIn(testing_support::LoadPublishedCases("irrcac_weighted_examples.json")),
    testing_support::PublishedCaseName);

// --- properties --------------------------------------------------------------

// Random ordinal data on 1..k, with missing values.
ReliabilityData RandomData(Rng& rng, int units, int coders, int k, bool missing) {
  std::vector<std::string> names;
  for (int c = 0; c < coders; ++c) names.push_back("c" + std::to_string(c));
  ReliabilityData data(units, names);
  for (int u = 0; u < units; ++u) {
    const int truth = 1 + static_cast<int>(rng.Uniform(k));
    for (int c = 0; c < coders; ++c) {
      if (missing && rng.Uniform(100) < 15) continue;
      int v = truth;
      if (rng.Uniform(100) < 35) v = 1 + static_cast<int>(rng.Uniform(k));
      data.set_value(u, c, data.InternValue(std::to_string(v)));
    }
  }
  std::vector<std::string> domain;
  for (int v = 1; v <= k; ++v) domain.push_back(std::to_string(v));
  data.AddUnusedCategories(domain);
  EXPECT_TRUE(data.OrderCategories().ok());
  return data;
}

TEST(WeightProperties, IdentityWeightsEqualTheUnweightedForms) {
  Rng rng(7);
  for (int coders : {2, 3, 5}) {
    for (bool missing : {false, true}) {
      ReliabilityData data = RandomData(rng, 60, coders, 4, missing);
      const int q = data.num_categories();
      std::vector<double> identity(q * q, 0.0);
      for (int k = 0; k < q; ++k) identity[k * q + k] = 1;
      AnalysisOptions plain;
      plain.analytic = VarianceOptions{};
      AnalysisOptions weighted = plain;
      weighted.weights = WeightMatrix(Weights::kCustom, identity);
      absl::StatusOr<Analysis> a = Analyze(data, plain), b = Analyze(data, weighted);
      ASSERT_TRUE(a.ok() && b.ok());
      ASSERT_EQ(a->coefficients.size(), b->coefficients.size());
      for (size_t i = 0; i < a->coefficients.size(); ++i) {
        const Coefficient &x = a->coefficients[i], &y = b->coefficients[i];
        SCOPED_TRACE(x.name + " coders " + std::to_string(coders));
        EXPECT_EQ(y.weights, "custom");
        ASSERT_EQ(x.defined(), y.defined()) << x.reason << " / " << y.reason;
        if (!x.defined()) continue;
        EXPECT_NEAR(*x.value, *y.value, 1e-12);
        ASSERT_EQ(x.analytic->defined(), y.analytic->defined());
        if (x.analytic->defined()) {
          EXPECT_NEAR(x.analytic->se, y.analytic->se, 1e-12);
        }
      }
      ASSERT_EQ(a->pairwise.size(), b->pairwise.size());
      for (size_t i = 0; i < a->pairwise.size(); ++i) {
        if (!a->pairwise[i].cohen_kappa.defined()) continue;
        EXPECT_NEAR(*a->pairwise[i].cohen_kappa.value, *b->pairwise[i].cohen_kappa.value, 1e-12);
        EXPECT_NEAR(*a->pairwise[i].percent_agreement, *b->pairwise[i].percent_agreement, 1e-12);
      }
    }
  }
}

std::string RunReference(const json& cases) {
  return testing_support::RunPython("reference_weighted.py", cases);
}

TEST(WeightProperties, EveryFamilyMatchesAnIndependentImplementation) {
  Rng rng(20261202);
  const char* families[] = {"linear", "quadratic", "ordinal", "radical",
                            "ratio",  "circular",  "bipolar"};
  json spec = {{"cases", json::array()}};
  std::vector<std::vector<Coefficient>> ours;
  for (int i = 0; i < 28; ++i) {
    const int coders = 2 + i % 3, k = 3 + i % 4;
    ReliabilityData data = RandomData(rng, 40 + 7 * i, coders, k, /*missing=*/i % 2 == 1);
    const std::string family = families[i % 7];
    json values = json::array();
    for (int c = 0; c < coders; ++c) {
      json row = json::array();
      for (int64_t u = 0; u < data.num_units(); ++u) {
        const int32_t v = data.value(u, c);
        row.push_back(v == ReliabilityData::kMissing ? json(nullptr)
                                                     : json(*data.category(v).number));
      }
      values.push_back(row);
    }
    json scores = json::array();
    for (double s : CategoryScores(data)) scores.push_back(s);
    spec["cases"].push_back({{"weights", family}, {"scores", scores}, {"values", values}});
    AnalysisOptions options;
    options.level = Level::kOrdinal;
    options.weights = *ParseWeights(family);
    options.analytic = VarianceOptions{};
    options.pairwise = false;
    absl::StatusOr<Analysis> a = Analyze(data, options);
    ASSERT_TRUE(a.ok()) << a.status();
    ours.push_back(a->coefficients);
  }
  const std::string output = RunReference(spec);
  json reference = json::parse(output, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(reference.is_discarded()) << "reference output is not JSON:\n" << output;
  ASSERT_EQ(reference["cases"].size(), ours.size());
  std::map<std::string, int> compared;
  for (size_t i = 0; i < ours.size(); ++i) {
    const json& ref = reference["cases"][i];
    for (const Coefficient& c : ours[i]) {
      for (const char* suffix : {"", "_se"}) {
        const std::string key = c.name + suffix;
        if (!ref.contains(key)) continue;
        SCOPED_TRACE("case " + std::to_string(i) + " " + key + " " +
                     spec["cases"][i]["weights"].get<std::string>());
        if (ref[key].is_null()) {
          EXPECT_FALSE(c.defined() && *suffix == '\0');
          continue;
        }
        ASSERT_TRUE(c.defined()) << c.reason;
        const double mine = *suffix == '\0' ? *c.value : c.analytic->se;
        if (*suffix != '\0') {
          ASSERT_TRUE(c.analytic->defined()) << c.analytic->undefined_reason;
        }
        EXPECT_NEAR(mine, ref[key].get<double>(), 1e-9);
        ++compared[key];
      }
    }
  }
  for (const char* name :
       {"percent_agreement", "cohen_kappa", "scott_pi", "fleiss_kappa", "krippendorff_alpha",
        "gwet_ac2", "brennan_prediger", "conger_kappa", "light_kappa", "percent_agreement_se",
        "cohen_kappa_se", "scott_pi_se", "fleiss_kappa_se", "krippendorff_alpha_se", "gwet_ac2_se",
        "brennan_prediger_se", "conger_kappa_se"}) {
    EXPECT_GE(compared[name], 5) << name;
  }
}

TEST(WeightProperties, QuadraticAndLinearCohenEqualScikitLearn) {
  // Through Analyze: labels 1..k, so the values are the positions
  // scikit-learn's cohen_kappa_score weights by.
  Rng rng(99);
  json spec = {{"cases", json::array()}};
  std::vector<double> ours;
  for (int i = 0; i < 20; ++i) {
    const int k = 3 + i % 5;
    ReliabilityData data = RandomData(rng, 30 + 5 * i, 2, k, false);
    const char* family = i % 2 ? "quadratic" : "linear";
    json values = json::array();
    for (int c = 0; c < 2; ++c) {
      json row = json::array();
      for (int64_t u = 0; u < data.num_units(); ++u) {
        row.push_back(*data.category(data.value(u, c)).number);
      }
      values.push_back(row);
    }
    spec["cases"].push_back({{"sklearn", family}, {"k", k}, {"values", values}});
    AnalysisOptions options;
    options.level = Level::kOrdinal;
    options.weights = *ParseWeights(family);
    options.coefficients = {"cohen_kappa"};
    absl::StatusOr<Analysis> a = Analyze(data, options);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(a->coefficients[0].defined());
    ours.push_back(*a->coefficients[0].value);
  }
  json reference = json::parse(RunReference(spec), nullptr, false);
  ASSERT_FALSE(reference.is_discarded());
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_NEAR(ours[i], reference["cases"][i]["cohen_kappa_sklearn"].get<double>(), 1e-12) << i;
  }
}

TEST(WeightOptions, RefuseWhatHasNoWeightedForm) {
  ReliabilityData data({"u1", "u2", "u3"}, {"a", "b"});
  for (int u = 0; u < 3; ++u) {
    data.set_value(u, 0, data.InternValue(std::to_string(u + 1)));
    data.set_value(u, 1, data.InternValue(std::to_string(3 - u)));
  }
  ASSERT_TRUE(data.OrderCategories().ok());
  AnalysisOptions options;
  options.weights = Weights::kQuadratic;  // nominal level
  absl::StatusOr<Analysis> a = Analyze(data, options);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("quadratic weights need ordered"), std::string::npos);
  options.level = Level::kOrdinal;
  options.categories = 5;  // beyond the 3 categories the weights are over
  a = Analyze(data, options);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("--categories"), std::string::npos);
  options.categories.reset();
  options.weights = WeightMatrix(Weights::kCustom, {1, 0, 1, 0});  // 2 x 2 for 3 categories
  EXPECT_FALSE(Analyze(data, options).ok());
  // A custom matrix needs no order: it is over the labels.
  options.level = Level::kNominal;
  options.weights = WeightMatrix(Weights::kCustom, {1, 0.5, 0, 0.5, 1, 0.5, 0, 0.5, 1});
  a = Analyze(data, options);
  ASSERT_TRUE(a.ok()) << a.status();
  for (const Coefficient& c : a->coefficients) EXPECT_EQ(c.weights, "custom") << c.name;

  ReliabilityData sets({"u1", "u2"}, {"a", "b"});
  sets.set_value(0, 0, sets.InternSet({"x", "y"}));
  sets.set_value(0, 1, sets.InternSet({"x"}));
  sets.set_value(1, 0, sets.InternSet({"y"}));
  sets.set_value(1, 1, sets.InternSet({"y"}));
  AnalysisOptions set_options;
  set_options.set_metric = Metric::kJaccard;
  set_options.weights = WeightMatrix(Weights::kCustom, std::vector<double>(9, 1.0));
  a = Analyze(sets, set_options);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("set-valued"), std::string::npos);
}

}  // namespace
}  // namespace icr::agreement
