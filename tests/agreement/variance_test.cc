// Analytic standard errors (server/agreement/variance.h, conger_light.h):
// the published values, standard errors, intervals and p-values of irrCAC's
// documentation (tests/data/irrcac_readme_examples.json, with its source),
// Student's t against closed forms and printed tables, and the analytic
// standard errors against the bootstrap's spread on large random data.

#include "server/agreement/variance.h"

#include <cmath>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/agreement/analysis.h"
#include "server/agreement/bootstrap.h"
#include "server/agreement/coincidence.h"
#include "server/agreement/conger_light.h"
#include "server/agreement/kappa.h"
#include "server/agreement/krippendorff_alpha.h"
#include "server/agreement/student_t.h"
#include "server/agreement/unit_counts.h"
#include "tests/agreement/test_support.h"

namespace icr::agreement {
namespace {

using nlohmann::json;

using testing_support::DataOf;
using testing_support::Label;

// --- Student's t -----------------------------------------------------------

TEST(StudentT, MatchesClosedFormsForOneAndTwoDegreesOfFreedom) {
  for (double t : {-30.0, -2.0, -0.5, 0.0, 0.1, 1.0, 3.0, 12.0, 1e4}) {
    // df = 1 (Cauchy): P(T > t) = 1/2 - atan(t) / pi.
    EXPECT_NEAR(StudentTUpperTail(t, 1), 0.5 - std::atan(t) / std::numbers::pi, 1e-14) << t;
    // df = 2: P(T > t) = 1/2 - t / (2 sqrt(t^2 + 2)).
    EXPECT_NEAR(StudentTUpperTail(t, 2), 0.5 - t / (2 * std::sqrt(t * t + 2)), 1e-14) << t;
  }
  // Far tails keep their relative precision: P(T > 1e4 | df 1) ~ 1 / (pi 1e4).
  EXPECT_NEAR(StudentTUpperTail(1e4, 1) * std::numbers::pi * 1e4, 1.0, 1e-7);
  for (double p : {0.6, 0.9, 0.975, 0.995, 0.9999}) {
    EXPECT_NEAR(StudentTQuantile(p, 1), std::tan(std::numbers::pi * (p - 0.5)),
                1e-9 * std::tan(std::numbers::pi * (p - 0.5)))
        << p;
    const double s = 2 * p - 1;
    EXPECT_NEAR(StudentTQuantile(p, 2), s * std::sqrt(2 / (1 - s * s)), 1e-9) << p;
    EXPECT_NEAR(StudentTQuantile(1 - p, 2), -s * std::sqrt(2 / (1 - s * s)), 1e-9) << p;
  }
}

TEST(StudentT, MatchesPrintedQuantiles) {
  // R's qt() prints these to 7 digits (2.200985, 2.144787, 2.749996,
  // 1.657651); the digits below are the regularized incomplete beta
  // inverted at 40 digits (mpmath 1.3: betainc and findroot).
  EXPECT_NEAR(StudentTQuantile(0.975, 11), 2.2009851600916393594, 1e-12);
  EXPECT_NEAR(StudentTQuantile(0.975, 14), 2.1447866879178033515, 1e-12);
  EXPECT_NEAR(StudentTQuantile(0.995, 30), 2.7499956535672249664, 1e-12);
  EXPECT_NEAR(StudentTQuantile(0.95, 120), 1.6576508993552352104, 1e-12);
  // (lgamma of df / 2 = 5e5 leaves ~1e-10 of the digits.)
  EXPECT_NEAR(StudentTQuantile(0.975, 999999), 1.9599663568164789346, 1e-9);
  // Large df: the normal quantile plus (z^3 + z) / (4 df) (Cornish-Fisher).
  const double z = 1.959963984540054;
  EXPECT_NEAR(StudentTQuantile(0.975, 999999), z + (z * z * z + z) / (4 * 999999.0), 1e-9);
  EXPECT_NEAR(StudentTUpperTail(2, 5), 0.050969739414929184627, 1e-14);
}

// --- irrCAC's published examples ---------------------------------------------

using testing_support::PublishedCase;

std::vector<PublishedCase> LoadPublished() {
  return testing_support::LoadPublishedCases("irrcac_readme_examples.json");
}

// irrCAC's krippen.alpha.dist variance (unweighted), written out from its R
// source to check that the published .dist numbers are read right; icr
// follows krippen.alpha.raw (see the case's notes). Returns {alpha, se}.
std::pair<double, double> AlphaDistFormula(const UnitCounts& counts) {
  std::vector<int64_t> rows;
  double values = 0;
  for (int64_t r = 0; r < counts.rows(); ++r) {
    if (counts.total[r] < 2) continue;
    rows.push_back(r);
    values += counts.total[r];
  }
  const double n = static_cast<double>(rows.size()), mean_m = values / n, eps = 1 / values;
  std::vector<double> pi(counts.num_categories, 0.0), pa_i;
  double pa_sum = 0;
  for (int64_t r : rows) {
    const double m = counts.total[r];
    const double term = UnitAgreement(counts, r, nullptr) / (mean_m * (m - 1));
    pa_i.push_back(term);
    pa_sum += term;
    for (int64_t a = counts.offset[r]; a < counts.offset[r + 1]; ++a) {
      pi[counts.category[a]] += counts.count[a] / (n * mean_m);
    }
  }
  const double pa = (1 - eps) * pa_sum / n + eps;
  double pe = 0, pi_sum = 0;
  for (double p : pi) {
    pe += p * p;
    pi_sum += p;
  }
  const double alpha = (pa - pe) / (1 - pe), pa_v = pa_sum / n;
  double sum = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const int64_t r = rows[i];
    const double m = counts.total[r], spread = (m - mean_m) / mean_m;
    const double pa_unit = (1 - eps) * (pa_i[i] - pa_v * spread) + eps;
    double chance = 0;
    for (int64_t a = counts.offset[r]; a < counts.offset[r + 1]; ++a) {
      chance += counts.count[a] * pi[counts.category[a]];
    }
    const double pe_unit = chance / mean_m - pi_sum * spread;
    const double x = (pa_unit - pe) / (1 - pe) - (1 - alpha) * (pe_unit - pe) / (1 - pe);
    sum += (x - alpha) * (x - alpha);
  }
  return {alpha, std::sqrt(sum / (n * (n - 1)))};
}

class IrrCacExample : public testing::TestWithParam<PublishedCase> {};

TEST_P(IrrCacExample, MatchesValueSeIntervalAndPValue) {
  const json& c = GetParam().body;
  ReliabilityData data = DataOf(c["data"]);
  AnalysisOptions options;
  options.coefficients = {c["coefficient"].get<std::string>()};
  options.pairwise = false;
  if (c.contains("categories")) options.categories = c["categories"].get<int>();
  options.analytic = VarianceOptions{.confidence = c["confidence"].get<double>()};
  absl::StatusOr<Analysis> a = Analyze(data, options);
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->coefficients.size(), 1u);
  const Coefficient& got = a->coefficients[0];
  ASSERT_TRUE(got.defined()) << got.reason;
  EXPECT_NEAR(*got.value, c["expected"].get<double>(), c["tolerance"].get<double>());
  ASSERT_TRUE(got.analytic && got.analytic->defined()) << got.analytic->undefined_reason;
  const AnalyticInterval& se = *got.analytic;
  EXPECT_NEAR(se.se, c["se"].get<double>(), c["se_tolerance"].get<double>());
  EXPECT_NEAR(se.variance, se.se * se.se, 1e-15);
  if (c["ci"].is_array()) {
    EXPECT_NEAR(se.low, c["ci"][0].get<double>(), c["ci_tolerance"].get<double>());
    EXPECT_NEAR(se.high, c["ci"][1].get<double>(), c["ci_tolerance"].get<double>());
  }
  if (c["p_value"].is_number()) {
    ASSERT_TRUE(se.p_value);
    const double want = c["p_value"].get<double>();
    EXPECT_NEAR(*se.p_value, want, 1e-6 * want);
  }
  if (c.value("other_convention", "") == "krippen.alpha.dist") {
    const auto [alpha, se_dist] = AlphaDistFormula(CountValues(data));
    EXPECT_NEAR(alpha, c["expected"].get<double>(), c["tolerance"].get<double>());
    EXPECT_NEAR(se_dist, c["se_dist"].get<double>(), 5e-8);
    const double t = StudentTQuantile(0.975, data.num_units() - 1);
    EXPECT_NEAR(alpha - t * se_dist, c["ci_dist"][0].get<double>(), 5e-4);
    EXPECT_NEAR(alpha + t * se_dist, c["ci_dist"][1].get<double>(), 5e-4);
    const double p = StudentTUpperTail(alpha / se_dist, data.num_units() - 1);
    EXPECT_NEAR(p, c["p_value_dist"].get<double>(), 1e-6 * p);
  }
  if (c.contains("se_table")) {
    // The other convention (irrCAC's .table functions divide by n^2, the .raw
    // ones, which icr follows, by n (n - 1)).
    const double n = static_cast<double>(data.num_units());
    EXPECT_NEAR(se.se / std::sqrt(n / (n - 1)), c["se_table"].get<double>(), 5e-8);
  }
}

INSTANTIATE_TEST_SUITE_P(Published, IrrCacExample, testing::ValuesIn(LoadPublished()),
                         testing_support::PublishedCaseName);

TEST(AnalyticSe, FinitePopulationCorrectionScalesTheVariance) {
  std::vector<PublishedCase> cases = LoadPublished();
  ASSERT_FALSE(cases.empty());
  ReliabilityData data = DataOf(cases[2].body["data"]);  // cac.raw4raters, Fleiss
  AnalysisOptions options;
  options.pairwise = false;
  options.analytic = VarianceOptions{};
  absl::StatusOr<Analysis> infinite = Analyze(data, options);
  options.analytic->population = 48;  // f = 12 / 48
  absl::StatusOr<Analysis> finite = Analyze(data, options);
  ASSERT_TRUE(infinite.ok() && finite.ok());
  for (size_t i = 0; i < infinite->coefficients.size(); ++i) {
    const Coefficient& a = infinite->coefficients[i];
    const Coefficient& b = finite->coefficients[i];
    SCOPED_TRACE(a.name);
    ASSERT_TRUE(a.analytic && b.analytic);
    if (!a.analytic->defined()) continue;
    EXPECT_NEAR(b.analytic->variance, a.analytic->variance * (1 - 12.0 / 48), 1e-15);
    EXPECT_EQ(b.analytic->population, 48);
  }
  options.analytic->population = 11;
  absl::StatusOr<Analysis> too_small = Analyze(data, options);
  EXPECT_EQ(too_small.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_small.status().message().find("population 11"), std::string::npos);
}

TEST(AnalyticSe, LightKappaHasNoneAndSaysWhy) {
  std::vector<PublishedCase> cases = LoadPublished();
  ASSERT_FALSE(cases.empty());
  ReliabilityData data = DataOf(cases[0].body["data"]);
  AnalysisOptions options;
  options.coefficients = {"light_kappa"};
  options.pairwise = false;
  options.analytic = VarianceOptions{};
  absl::StatusOr<Analysis> a = Analyze(data, options);
  ASSERT_TRUE(a.ok());
  const Coefficient& light = a->coefficients[0];
  ASSERT_TRUE(light.defined()) << light.reason;
  ASSERT_TRUE(light.analytic);
  EXPECT_FALSE(light.analytic->defined());
  EXPECT_NE(light.analytic->undefined_reason.find("no analytic variance"), std::string::npos);
  // Units 2-9 are coded by all four raters: the mean of the six pairwise
  // Cohen's kappas on them.
  EXPECT_EQ(light.units, 8);
}

TEST(AnalyticSe, UndefinedCoefficientGivesUndefinedSe) {
  ReliabilityData data(4, {"a", "b"});
  const int32_t x = data.InternValue("x");
  for (int u = 0; u < 4; ++u) {
    data.set_value(u, 0, x);
    data.set_value(u, 1, x);
  }
  AnalysisOptions options;
  options.pairwise = false;
  options.analytic = VarianceOptions{};
  absl::StatusOr<Analysis> a = Analyze(data, options);
  ASSERT_TRUE(a.ok());
  for (const Coefficient& c : a->coefficients) {
    SCOPED_TRACE(c.name);
    ASSERT_TRUE(c.analytic);
    if (c.defined()) {
      // Percent agreement: 1 on every unit, no spread.
      EXPECT_EQ(c.analytic->se, 0);
      EXPECT_EQ(*c.analytic->p_value, 0);
    } else {
      EXPECT_FALSE(c.analytic->defined());
      EXPECT_NE(c.analytic->undefined_reason.find(c.reason), std::string::npos);
    }
  }
}

// --- Analytic against bootstrap --------------------------------------------

// Coders who mostly give the unit's true category, sometimes another; some
// values missing.
ReliabilityData RandomData(int64_t units, int coders, int categories, double missing,
                           uint64_t seed) {
  std::vector<std::string> names;
  for (int c = 0; c < coders; ++c) names.push_back("c" + std::to_string(c));
  ReliabilityData data(units, names);
  std::vector<int32_t> ids;
  for (int k = 0; k < categories; ++k) ids.push_back(data.InternValue(std::to_string(k)));
  Rng rng(seed);
  for (int64_t u = 0; u < units; ++u) {
    // Skewed prevalence: category 0 twice as likely as the others.
    uint64_t truth = rng.Uniform(categories + 1);
    if (truth >= static_cast<uint64_t>(categories)) truth = 0;
    for (int c = 0; c < coders; ++c) {
      if (rng.Uniform(1000) < missing * 1000) continue;
      const bool agree = rng.Uniform(100) < 70;
      data.set_value(u, c, ids[agree ? truth : rng.Uniform(categories)]);
    }
  }
  return data;
}

// The bootstrap's standard deviation (B replicates over units, the whole
// coefficient recomputed) estimates the same sampling spread as the
// linearised variance; with B = 400 its own relative error is about
// 1 / sqrt(2 (B - 1)) = 3.5%, so 12% is four of those.
constexpr int kReplicates = 400;
constexpr double kRelativeTolerance = 0.12;

void ExpectClose(const Coefficient& c, int64_t rows,
                 const std::function<Coefficient(Multiplicity)>& replicate) {
  SCOPED_TRACE(c.name);
  ASSERT_TRUE(c.defined() && c.analytic && c.analytic->defined());
  Coefficient boot = c;
  BootstrapRows(rows, BootstrapOptions{.samples = kReplicates, .seed = 7}, replicate, &boot);
  ASSERT_TRUE(boot.ci && boot.ci->se);
  EXPECT_NEAR(c.analytic->se / *boot.ci->se, 1.0, kRelativeTolerance)
      << "analytic " << c.analytic->se << " bootstrap " << *boot.ci->se;
}

TEST(AnalyticSe, CloseToBootstrapSpreadOnLargeRandomData) {
  const ReliabilityData data = RandomData(5000, 5, 4, 0.15, 11);
  const UnitCounts counts = CountValues(data);
  const Coincidences co = BuildCoincidences(counts);
  const std::vector<double> delta = *DifferenceMatrix(data, Metric::kNominal, co.marginals);
  const CoderTable table = CoderTableOf(data, counts);
  const VarianceOptions options;
  const int64_t rows = counts.rows();

  Coefficient pa = PercentAgreement(counts);
  AddPercentAgreementSe(counts, options, &pa);
  ExpectClose(pa, rows, [&](Multiplicity m) { return PercentAgreement(counts, m); });
  Coefficient fleiss = FleissKappa(counts);
  AddFleissKappaSe(counts, options, &fleiss);
  ExpectClose(fleiss, rows, [&](Multiplicity m) { return FleissKappa(counts, m); });
  Coefficient ac1 = GwetAc(counts, Weights::kNone);
  AddGwetAcSe(counts, Weights::kNone, options, &ac1);
  ExpectClose(ac1, rows, [&](Multiplicity m) { return GwetAc(counts, Weights::kNone, m); });
  Coefficient bp = BrennanPrediger(counts);
  AddBrennanPredigerSe(counts, std::nullopt, options, &bp);
  ExpectClose(bp, rows, [&](Multiplicity m) { return BrennanPrediger(counts, std::nullopt, m); });
  Coefficient conger = CongerKappa(counts, table);
  AddCongerKappaSe(counts, table, Weights::kNone, options, &conger);
  ExpectClose(conger, rows,
              [&](Multiplicity m) { return CongerKappa(counts, table, Weights::kNone, m); });
  Coefficient alpha = AlphaFromCoincidences(co, delta);
  AddAlphaSe(counts, delta, options, &alpha);
  // The whole alpha recomputed (D_e too), unlike Hayes & Krippendorff's.
  ExpectClose(alpha, rows, [&](Multiplicity m) {
    return AlphaFromCoincidences(BuildCoincidences(counts, m), delta);
  });
}

TEST(AnalyticSe, TwoCoderCloseToBootstrapSpread) {
  const ReliabilityData data = RandomData(5000, 2, 4, 0.0, 12);
  const PairedValues pairs = PairValues(data, 0, 1);
  const int64_t rows = static_cast<int64_t>(pairs.a.size());
  const VarianceOptions options;
  for (Weights w : {Weights::kNone, Weights::kQuadratic}) {
    Coefficient cohen = CohenKappa(pairs, w);
    AddCohenKappaSe(pairs, w, options, &cohen);
    ExpectClose(cohen, rows, [&](Multiplicity m) { return CohenKappa(pairs, w, m); });
  }
  Coefficient scott = ScottPi(pairs);
  AddScottPiSe(pairs, options, &scott);
  ExpectClose(scott, rows, [&](Multiplicity m) { return ScottPi(pairs, m); });
}

// Analyze's shared pass gives each function's own numbers.
TEST(AnalyticSe, SharedPassEqualsEachFunction) {
  for (uint64_t seed : {31, 32}) {
    const ReliabilityData data = RandomData(3000, 4, 5, 0.3, seed);
    const UnitCounts counts = CountValues(data);
    const Coincidences co = BuildCoincidences(counts);
    const std::vector<double> delta = *DifferenceMatrix(data, Metric::kNominal, co.marginals);
    const VarianceOptions options{.confidence = 0.9, .population = 4000};
    std::vector<uint32_t> times(counts.rows());
    Rng rng(seed);
    for (uint32_t& t : times) t = static_cast<uint32_t>(rng.Uniform(3));
    for (Multiplicity m : {Multiplicity{}, Multiplicity(times)}) {
      Coefficient pa = PercentAgreement(counts, m), fleiss = FleissKappa(counts, m),
                  ac1 = GwetAc(counts, Weights::kNone, m), bp = BrennanPrediger(counts, 6, m),
                  alpha = AlphaFromCoincidences(BuildCoincidences(counts, m), delta);
      Coefficient shared[] = {pa, fleiss, ac1, bp, alpha};
      AddPercentAgreementSe(counts, options, &pa, m);
      AddFleissKappaSe(counts, options, &fleiss, m);
      AddGwetAcSe(counts, Weights::kNone, options, &ac1, m);
      AddBrennanPredigerSe(counts, 6, options, &bp, m);
      AddAlphaSe(counts, delta, options, &alpha, m);
      AddMultiRaterSes(counts, options,
                       {.percent_agreement = &shared[0],
                        .fleiss_kappa = &shared[1],
                        .gwet_ac1 = &shared[2],
                        .brennan_prediger = &shared[3],
                        .nominal_alpha = &shared[4]},
                       m);
      const Coefficient* each[] = {&pa, &fleiss, &ac1, &bp, &alpha};
      for (int i = 0; i < 5; ++i) {
        SCOPED_TRACE(each[i]->name);
        ASSERT_TRUE(each[i]->analytic && shared[i].analytic);
        ASSERT_TRUE(each[i]->analytic->defined() && shared[i].analytic->defined());
        EXPECT_NEAR(shared[i].analytic->se, each[i]->analytic->se, 1e-13);
        EXPECT_NEAR(shared[i].analytic->low, each[i]->analytic->low, 1e-12);
        EXPECT_NEAR(*shared[i].analytic->p_value, *each[i]->analytic->p_value, 1e-12);
        EXPECT_EQ(shared[i].analytic->degrees_of_freedom, each[i]->analytic->degrees_of_freedom);
      }
    }
  }
}

// Set-valued data can have tens of thousands of categories: Conger's and
// Light's kappa (and Conger's variance) hold no q x q table when unweighted
// (one would be 3.2 GB per pair here).
TEST(AnalyticSe, ManyCategoriesNeedNoSquareTables) {
  const int units = 20000;
  ReliabilityData data(units, {"a", "b", "c"});
  for (int u = 0; u < units; ++u) {
    const int32_t v = data.InternValue("v" + std::to_string(u));
    const int32_t other = data.InternValue("w" + std::to_string(u));
    data.set_value(u, 0, v);
    data.set_value(u, 1, v);
    data.set_value(u, 2, u % 4 == 0 ? other : v);
  }
  const UnitCounts counts = CountValues(data);
  const CoderTable table = CoderTableOf(data, counts);
  const VarianceOptions options;
  const Coefficient conger = CongerKappa(counts, table, Weights::kNone, {}, &options);
  ASSERT_TRUE(conger.defined()) << conger.reason;
  ASSERT_TRUE(conger.analytic && conger.analytic->defined());
  const Coefficient light = LightKappa(table, counts.rows());
  ASSERT_TRUE(light.defined()) << light.reason;
  // Coders a and b agree everywhere, c with them on 3 units in 4: the pairs'
  // p_a are 1, .75, .75, and chance agreement is near 0.
  EXPECT_NEAR(light.observed, (1 + 0.75 + 0.75) / 3, 1e-12);
  EXPECT_NEAR(*light.value, (1 + 0.75 + 0.75) / 3, 1e-3);
}

// The same variance whether a row is repeated or weighted (the live server
// computes on pattern counts with multiplicities).
TEST(AnalyticSe, MultiplicityEqualsRepeatedRows) {
  const ReliabilityData small = RandomData(40, 3, 3, 0.2, 13);
  ReliabilityData doubled(80, small.coder_names());
  for (const Category& c : small.categories()) doubled.InternValue(c.label);
  for (int64_t u = 0; u < 80; ++u) {
    for (int c = 0; c < 3; ++c) doubled.set_value(u, c, small.value(u % 40, c));
  }
  const UnitCounts counts = CountValues(small), twice = CountValues(doubled);
  std::vector<uint32_t> two(counts.rows(), 2);
  const VarianceOptions options;
  Coefficient weighted = FleissKappa(counts, two), repeated = FleissKappa(twice);
  AddFleissKappaSe(counts, options, &weighted, two);
  AddFleissKappaSe(twice, options, &repeated);
  EXPECT_NEAR(weighted.analytic->se, repeated.analytic->se, 1e-14);
  const CoderTable t1 = CoderTableOf(small, counts), t2 = CoderTableOf(doubled, twice);
  Coefficient cw = CongerKappa(counts, t1, Weights::kNone, two), cr = CongerKappa(twice, t2);
  AddCongerKappaSe(counts, t1, Weights::kNone, options, &cw, two);
  AddCongerKappaSe(twice, t2, Weights::kNone, options, &cr);
  EXPECT_NEAR(*cw.value, *cr.value, 1e-14);
  EXPECT_NEAR(cw.analytic->se, cr.analytic->se, 1e-14);
}

}  // namespace
}  // namespace icr::agreement
