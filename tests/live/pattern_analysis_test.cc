// Agreement from pattern counts equals agreement::Analyze on the expanded
// units x coders table: every coefficient, the pairwise matrix, and alpha
// without each coder, on random binary data of 1 to 5 coders (some coders
// missing in some units: unfinished documents), on 64 coders, and on the
// degenerate tables (nobody applied the code, everybody did, one unit). The
// bootstrap over patterns draws what Analyze's bootstrap over units draws
// (intervals within Monte Carlo error), and its binomial sampler has the
// binomial's moments.

#include "server/live/pattern_analysis.h"

#include <bit>
#include <chrono>
#include <cmath>
#include <random>
#include <set>

#include "gtest/gtest.h"
#include "server/agreement/analysis.h"
#include "server/live/pattern_bootstrap.h"
#include "server/live/value_analysis.h"

namespace icr::live {
namespace {

struct Binary {
  int coders = 0;
  std::vector<CoderMask> units;    // who applied the code, per unit
  std::vector<CoderMask> present;  // who counts in the unit; empty: everybody

  CoderMask Present(size_t u) const {
    if (!present.empty()) return present[u];
    return coders == 64 ? ~CoderMask{0} : (CoderMask{1} << coders) - 1;
  }
};

PatternTable ToTable(const Binary& b) {
  PatternTable t;
  t.coders = b.coders;
  t.units = static_cast<int64_t>(b.units.size());
  for (size_t u = 0; u < b.units.size(); ++u) {
    if (b.Present(u) != 0) ++t.rows[{b.Present(u), b.units[u] & b.Present(u)}];
  }
  return t;
}

agreement::ReliabilityData ToData(const Binary& b, int drop = -1) {
  std::vector<std::string> names;
  for (int c = 0; c < b.coders; ++c) {
    if (c != drop) names.push_back("c" + std::to_string(c));
  }
  agreement::ReliabilityData data(static_cast<int64_t>(b.units.size()), names);
  for (size_t u = 0; u < b.units.size(); ++u) {
    int j = 0;
    for (int c = 0; c < b.coders; ++c) {
      if (c == drop) continue;
      if ((b.Present(u) >> c) & 1) {
        data.set_value(static_cast<int64_t>(u), j,
                       data.InternValue((b.units[u] >> c) & 1 ? "1" : "0"));
      }
      ++j;
    }
  }
  return data;
}

void ExpectSame(const agreement::Coefficient& a, const agreement::Coefficient& b) {
  SCOPED_TRACE(a.name);
  EXPECT_EQ(a.name, b.name);
  ASSERT_EQ(a.defined(), b.defined()) << a.reason << " / " << b.reason;
  if (a.defined()) {
    EXPECT_NEAR(*a.value, *b.value, 1e-9);
  }
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.units, b.units);
  EXPECT_EQ(a.pairable_values, b.pairable_values);
  EXPECT_EQ(a.variant, b.variant);
  EXPECT_NEAR(a.observed, b.observed, 1e-9);
  EXPECT_NEAR(a.expected, b.expected, 1e-9);
}

void Compare(const Binary& b) {
  const std::vector<std::string> names = *RequestedCoefficients({});
  agreement::AnalysisOptions options;
  const agreement::Analysis expected = *agreement::Analyze(ToData(b), options);
  const agreement::Analysis got = *AnalyzePatterns(ToTable(b), names, /*pairwise=*/true);
  EXPECT_EQ(got.units, expected.units);
  EXPECT_EQ(got.pairable_values, expected.pairable_values);
  ASSERT_EQ(got.coefficients.size(), expected.coefficients.size());
  for (size_t i = 0; i < got.coefficients.size(); ++i) {
    ExpectSame(got.coefficients[i], expected.coefficients[i]);
  }
  ASSERT_EQ(got.pairwise.size(), expected.pairwise.size());
  for (size_t i = 0; i < got.pairwise.size(); ++i) {
    EXPECT_EQ(got.pairwise[i].units, expected.pairwise[i].units);
    EXPECT_EQ(got.pairwise[i].percent_agreement.has_value(),
              expected.pairwise[i].percent_agreement.has_value());
    if (got.pairwise[i].percent_agreement) {
      EXPECT_NEAR(*got.pairwise[i].percent_agreement, *expected.pairwise[i].percent_agreement,
                  1e-12);
    }
    ExpectSame(got.pairwise[i].cohen_kappa, expected.pairwise[i].cohen_kappa);
  }
  const std::vector<std::optional<double>> without = AlphaWithoutEachCoder(ToTable(b));
  if (b.coders < 3) {
    EXPECT_TRUE(without.empty());
    return;
  }
  ASSERT_EQ(static_cast<int>(without.size()), b.coders);
  for (int c = 0; c < b.coders; ++c) {
    agreement::AnalysisOptions alpha;
    alpha.coefficients = {"krippendorff_alpha"};
    const auto a = agreement::Analyze(ToData(b, c), alpha);
    ASSERT_TRUE(a.ok());
    ASSERT_EQ(without[c].has_value(), a->coefficients[0].defined());
    if (without[c]) EXPECT_NEAR(*without[c], *a->coefficients[0].value, 1e-9);
  }
}

Binary RandomBinary(int coders, double prevalence, double missing, uint32_t seed, int units = 300) {
  std::mt19937_64 rng(seed);
  std::bernoulli_distribution truth(prevalence), follow(0.8), absent(missing);
  Binary b;
  b.coders = coders;
  for (int u = 0; u < units; ++u) {
    const bool applies = truth(rng);
    CoderMask m = 0, present = 0;
    for (int c = 0; c < coders; ++c) {
      if (follow(rng) ? applies : !applies) m |= CoderMask{1} << c;
      if (!absent(rng)) present |= CoderMask{1} << c;
    }
    b.units.push_back(m);
    if (missing > 0) b.present.push_back(present);
  }
  return b;
}

class PatternAnalysisTest
    : public ::testing::TestWithParam<std::tuple<int, double, double, uint32_t>> {};

TEST_P(PatternAnalysisTest, EqualsAnalyzeOnTheExpandedTable) {
  const auto [coders, prevalence, missing, seed] = GetParam();
  Compare(RandomBinary(coders, prevalence, missing, seed));
}

INSTANTIATE_TEST_SUITE_P(Random, PatternAnalysisTest,
                         ::testing::Combine(::testing::Values(1, 2, 3, 5),
                                            ::testing::Values(0.05, 0.5),
                                            ::testing::Values(0.0, 0.3),
                                            ::testing::Values(7u, 8u)));

TEST(PatternAnalysisEdgeTest, SixtyFourCoders) {
  // Dropping coder 63 must not shift by 64 (undefined; on x86 a shift by 0,
  // which kept coder 63's bit as coder 62's).
  Binary b = RandomBinary(64, 0.5, 0.1, 9, 60);
  Compare(b);
  const std::vector<std::optional<double>> without = AlphaWithoutEachCoder(ToTable(b));
  ASSERT_EQ(without.size(), 64u);
  EXPECT_EQ(DropBit(~CoderMask{0}, 63), ~CoderMask{0} >> 1);
  EXPECT_EQ(DropBit(CoderMask{1} << 63, 63), 0u);
  EXPECT_EQ(DropBit(0b1011, 1), 0b101u);
}

TEST(PatternAnalysisEdgeTest, DegenerateTables) {
  Compare(Binary{3, std::vector<CoderMask>(10, 0)});  // nobody applied it
  Compare(Binary{2, std::vector<CoderMask>(10, 3)});  // everybody, everywhere
  Compare(Binary{3, {5}});                            // one unit
  Compare(Binary{2, {}});                             // no units
}

TEST(PatternAnalysisEdgeTest, TableKeepsTheChosenCodersWhereTheyCount) {
  // Document 0 (20 units): both chosen coders count; document 1 (10 units):
  // only round coder 0 does.
  RoundData::Patterns patterns = {
      {{0, 0b101}, 4}, {{0, 0b010}, 3}, {{0, 0b111}, 2}, {{1, 0b101}, 5}};
  Presence presence;
  presence.keep = {0, 2};
  presence.all_coders = false;
  presence.counted = {0b11, 0b01};
  presence.units = {20, 10};
  presence.total_units = 30;
  const PatternTable t = TableFromPatterns(patterns, presence);
  EXPECT_EQ(t.coders, 2);
  EXPECT_EQ(t.units, 30);
  EXPECT_EQ(t.rows.at({0b11, 0b11}), 6);  // 101 and 111
  EXPECT_EQ(t.rows.at({0b11, 0}), 14);    // 010 and the untouched units
  EXPECT_EQ(t.rows.at({0b01, 0b01}), 5);  // coder 2 does not count in document 1
  EXPECT_EQ(t.rows.at({0b01, 0}), 5);
  EXPECT_EQ(t.rows.size(), 4u);
}

TEST(PatternBootstrapTest, BinomialHasTheBinomialsMoments) {
  agreement::Rng rng(1);
  for (const auto& [n, p] : std::vector<std::pair<int64_t, double>>{
           {5, 0.3}, {40, 0.1}, {1000, 0.5}, {100000, 0.02}, {100000, 0.97}, {7, 1.0}}) {
    SCOPED_TRACE(testing::Message() << "n=" << n << " p=" << p);
    const int draws = 20000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < draws; ++i) {
      const int64_t x = Binomial(rng, n, p);
      ASSERT_GE(x, 0);
      ASSERT_LE(x, n);
      sum += static_cast<double>(x);
      sum2 += static_cast<double>(x) * static_cast<double>(x);
    }
    const double mean = sum / draws, var = sum2 / draws - mean * mean;
    const double want_var = n * p * (1 - p);
    // Five standard errors of the mean; 10% on the variance.
    EXPECT_NEAR(mean, n * p, 5 * std::sqrt(want_var / draws) + 1e-9);
    EXPECT_NEAR(var, want_var, 0.1 * want_var + 1e-9);
  }
  std::vector<uint32_t> out(4);
  const std::vector<int64_t> weights = {10, 0, 30, 60};
  Multinomial(rng, 1000, weights, out);
  EXPECT_EQ(out[0] + out[1] + out[2] + out[3], 1000u);
  EXPECT_EQ(out[1], 0u);
}

TEST(PatternBootstrapTest, IntervalsMatchAnalyzesBootstrapOverUnits) {
  // The same resampling distribution as drawing units: the intervals agree
  // within Monte Carlo error, and the same seed gives the same numbers.
  const Binary b = RandomBinary(3, 0.3, 0.2, 11, 400);
  agreement::AnalysisOptions options;
  options.bootstrap = {.samples = 4000, .seed = 3};
  options.pairwise = false;
  const agreement::Analysis units = *agreement::Analyze(ToData(b), options);
  const std::vector<std::string> names = *RequestedCoefficients({});
  const agreement::Analysis patterns =
      *AnalyzePatterns(ToTable(b), names, false, options.bootstrap);
  const agreement::Analysis again = *AnalyzePatterns(ToTable(b), names, false, options.bootstrap);
  ASSERT_EQ(units.coefficients.size(), patterns.coefficients.size());
  for (size_t i = 0; i < units.coefficients.size(); ++i) {
    const auto& want = units.coefficients[i];
    const auto& got = patterns.coefficients[i];
    SCOPED_TRACE(want.name);
    ASSERT_EQ(want.ci.has_value(), got.ci.has_value());
    if (!want.ci) continue;
    EXPECT_NEAR(got.ci->low, want.ci->low, 0.02);
    EXPECT_NEAR(got.ci->high, want.ci->high, 0.02);
    EXPECT_EQ(got.ci->samples, want.ci->samples);
    EXPECT_EQ(got.variant, want.variant);
    EXPECT_EQ(got.ci->low, again.coefficients[i].ci->low);
    if (want.p_below_min) EXPECT_NEAR(*got.p_below_min, *want.p_below_min, 0.03);
  }
}

TEST(PatternAnalysisTest, AnalyticStandardErrorsEqualAnalyzesOnUnits) {
  // The variances read units only through their value counts (Conger's
  // kappa: and the coders' values), so patterns with multiplicities give
  // Analyze's numbers on the expanded table, with missing data too.
  for (uint64_t seed : {21, 22, 23}) {
    const Binary b = RandomBinary(4, 0.3, 0.25, seed, 300);
    agreement::AnalysisOptions options;
    options.pairwise = false;
    options.analytic = agreement::VarianceOptions{.confidence = 0.9, .population = 5000};
    const agreement::Analysis units = *agreement::Analyze(ToData(b), options);
    const agreement::Analysis patterns = *AnalyzePatterns(
        ToTable(b), *RequestedCoefficients({}), false, {.samples = 0}, {}, options.analytic);
    ASSERT_EQ(units.coefficients.size(), patterns.coefficients.size());
    for (size_t i = 0; i < units.coefficients.size(); ++i) {
      const auto& want = units.coefficients[i];
      const auto& got = patterns.coefficients[i];
      SCOPED_TRACE(want.name);
      ASSERT_TRUE(want.analytic && got.analytic);
      ASSERT_EQ(want.analytic->defined(), got.analytic->defined())
          << want.analytic->undefined_reason << " / " << got.analytic->undefined_reason;
      if (!want.analytic->defined()) continue;
      EXPECT_NEAR(got.analytic->se, want.analytic->se, 1e-12);
      EXPECT_NEAR(got.analytic->low, want.analytic->low, 1e-12);
      EXPECT_NEAR(*got.analytic->p_value, *want.analytic->p_value, 1e-12);
      EXPECT_EQ(got.analytic->degrees_of_freedom, want.analytic->degrees_of_freedom);
    }
  }
}

TEST(PatternBootstrapTest, StopsWhenInterrupted) {
  const Binary b = RandomBinary(3, 0.3, 0.0, 12, 100);
  const Interrupt stop(absl::InfiniteFuture(), [] { return true; });
  const auto got = AnalyzePatterns(ToTable(b), {"krippendorff_alpha"}, false,
                                   {.samples = 1000, .seed = 1}, stop);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kCancelled);
}

TEST(PatternAnalysisEdgeTest, UnknownCoefficientNamesTheField) {
  const auto names = RequestedCoefficients({"krippendorff_alpha", "kappa"});
  ASSERT_FALSE(names.ok());
  EXPECT_NE(names.status().message().find("coefficients: unknown coefficient \"kappa\""),
            std::string::npos);
  EXPECT_EQ(RequestedCoefficients({"gwet_ac2"})->at(0), "gwet_ac1");
}

}  // namespace
}  // namespace icr::live

namespace icr::live {
namespace {

// Set-valued data with `distinct` different sets of 4 of 40 codes, two
// coders per unit giving the same set (so every set is pairable).
agreement::ReliabilityData ManySets(int distinct) {
  agreement::ReliabilityData data(distinct, {"a", "b"});
  std::mt19937 rng(5);
  std::set<std::vector<std::string>> seen;
  int64_t u = 0;
  while (u < distinct) {
    std::set<std::string> codes;
    while (codes.size() < 4) codes.insert("c" + std::to_string(rng() % 40));
    std::vector<std::string> set(codes.begin(), codes.end());
    if (!seen.insert(set).second) continue;
    std::vector<std::string_view> members(set.begin(), set.end());
    const int32_t v = data.InternSet(members);
    data.set_value(u, 0, v);
    data.set_value(u, 1, v);
    ++u;
  }
  return data;
}

TEST(SetAnalysisTest, ManyDistinctSetsAnswerOrAreRefusedQuickly) {
  agreement::AnalysisOptions options;
  options.set_metric = agreement::Metric::kMasi;
  options.coefficients = {"krippendorff_alpha"};
  options.pairwise = false;
  const LiveOptions live;
  const auto start = std::chrono::steady_clock::now();
  // Just within the limit of pairs of distinct sets.
  const int within = static_cast<int>(std::sqrt(2.0 * live.max_set_pairs));
  const auto answered = AnalyzeSets(ManySets(within), options, live, {});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_TRUE(answered->coefficients[0].defined());
  // A guard against a blow-up (the refusal below keeps the work bounded),
  // not a timing: the figure is live_bench's. Loose enough for a loaded
  // 2-core CI machine running the suite two tests at a time.
  EXPECT_LT(seconds, 6.0) << within << " distinct sets";
  std::cerr << within << " distinct sets: " << seconds << " s\n";
  const auto refused = AnalyzeSets(ManySets(within + 100), options, live, {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.status().message().find("limit"), std::string::npos);
}

}  // namespace
}  // namespace icr::live
