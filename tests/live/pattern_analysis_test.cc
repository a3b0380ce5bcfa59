// Agreement from pattern counts equals agreement::Analyze on the expanded
// units x coders table: every coefficient, the pairwise matrix, and alpha
// without each coder, on random binary data of 1 to 5 coders and on the
// degenerate tables (nobody applied the code, everybody did, one unit).

#include <bit>
#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "server/agreement/analysis.h"
#include "server/live/pattern_analysis.h"

namespace icr::live {
namespace {

struct Binary {
  int coders = 0;
  std::vector<CoderMask> units;  // who applied the code, per unit
};

PatternTable ToTable(const Binary& b) {
  PatternTable t;
  t.coders = b.coders;
  t.units = static_cast<int64_t>(b.units.size());
  for (CoderMask m : b.units) {
    if (m != 0) ++t.applied[m];
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
      data.set_value(static_cast<int64_t>(u), j++,
                     data.InternValue((b.units[u] >> c) & 1 ? "1" : "0"));
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
  const agreement::Analysis got = AnalyzePatterns(ToTable(b), names, /*pairwise=*/true);
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

class PatternAnalysisTest : public ::testing::TestWithParam<std::tuple<int, double, uint32_t>> {};

TEST_P(PatternAnalysisTest, EqualsAnalyzeOnTheExpandedTable) {
  const auto [coders, prevalence, seed] = GetParam();
  std::mt19937 rng(seed);
  std::bernoulli_distribution truth(prevalence), follow(0.8);
  Binary b;
  b.coders = coders;
  for (int u = 0; u < 300; ++u) {
    const bool present = truth(rng);
    CoderMask m = 0;
    for (int c = 0; c < coders; ++c) {
      if (follow(rng) ? present : !present) m |= CoderMask{1} << c;
    }
    b.units.push_back(m);
  }
  Compare(b);
}

INSTANTIATE_TEST_SUITE_P(Random, PatternAnalysisTest,
                         ::testing::Combine(::testing::Values(1, 2, 3, 5),
                                            ::testing::Values(0.05, 0.5),
                                            ::testing::Values(7u, 8u)));

TEST(PatternAnalysisEdgeTest, DegenerateTables) {
  Compare(Binary{3, std::vector<CoderMask>(10, 0)});  // nobody applied it
  Compare(Binary{2, std::vector<CoderMask>(10, 3)});  // everybody, everywhere
  Compare(Binary{3, {5}});                            // one unit
  Compare(Binary{2, {}});                             // no units
}

TEST(PatternAnalysisEdgeTest, ProjectionKeepsTheChosenCoders) {
  RoundData::Patterns patterns = {{0b101, 4}, {0b010, 3}, {0b111, 2}};
  const PatternTable t = ProjectPatterns(patterns, 20, {0, 2});
  EXPECT_EQ(t.coders, 2);
  EXPECT_EQ(t.units, 20);
  EXPECT_EQ(t.applied.at(0b11), 6);  // 101 and 111
  EXPECT_EQ(t.applied.count(0), 0u);  // 010 drops out: nobody of the two
  EXPECT_EQ(t.zero_units(), 14);
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
