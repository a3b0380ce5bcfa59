// Intraclass correlations against published values (Shrout & Fleiss 1979;
// irr's reference manual) and an independent computation (statsmodels'
// analysis of variance and scipy's F distribution, reference_icc.py).
#include "server/agreement/icc/icc.h"

#include <cmath>
#include <random>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/agreement/icc/f_distribution.h"
#include "tests/agreement/test_support.h"

namespace icr::agreement {
namespace {

using Table = std::vector<std::vector<double>>;

IccResult Compute(const Table& table, IccModel model, IccType type, IccUnit unit) {
  absl::StatusOr<IccResult> result = IntraclassCorrelation(table, {model, type, unit});
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : IccResult{};
}

// Shrout & Fleiss (1979), Table 2: six targets rated by four judges; their
// Table 4 gives the six ICCs to two decimals.
const Table kShroutFleiss = {{9, 2, 5, 8}, {6, 1, 3, 2},  {8, 4, 6, 8},
                             {7, 1, 2, 6}, {10, 5, 6, 9}, {6, 2, 4, 7}};

TEST(IccTest, ShroutAndFleissTableFour) {
  using enum IccModel;
  using enum IccType;
  using enum IccUnit;
  EXPECT_NEAR(Compute(kShroutFleiss, kOneWay, kAgreement, kSingle).value, 0.17, 0.005);
  EXPECT_NEAR(Compute(kShroutFleiss, kTwoWay, kAgreement, kSingle).value, 0.29, 0.005);
  EXPECT_NEAR(Compute(kShroutFleiss, kTwoWay, kConsistency, kSingle).value, 0.71, 0.005);
  EXPECT_NEAR(Compute(kShroutFleiss, kOneWay, kAgreement, kAverage).value, 0.44, 0.005);
  EXPECT_NEAR(Compute(kShroutFleiss, kTwoWay, kAgreement, kAverage).value, 0.62, 0.005);
  EXPECT_NEAR(Compute(kShroutFleiss, kTwoWay, kConsistency, kAverage).value, 0.91, 0.005);
  const IccResult two_one = Compute(kShroutFleiss, kTwoWay, kAgreement, kSingle);
  EXPECT_EQ(two_one.name, "ICC(A,1)");
  EXPECT_EQ(two_one.shrout_fleiss_name, "ICC(2,1)");
  EXPECT_EQ(Compute(kShroutFleiss, kTwoWay, kConsistency, kAverage).shrout_fleiss_name, "ICC(3,k)");
}

// irr's `anxiety` data (20 subjects, 3 raters) and its reference manual's
// `icc(anxiety, model = "twoway", type = "agreement")`: ICC(A,1) = 0.198,
// F(19, 39.7) = 1.83, p = 0.0543, 95% interval -0.039 < ICC < 0.494.
const Table kAnxiety = {{3, 3, 2}, {3, 6, 1}, {3, 4, 4}, {4, 6, 4}, {5, 2, 3}, {5, 4, 2}, {2, 2, 1},
                        {3, 4, 6}, {5, 3, 1}, {2, 3, 1}, {2, 2, 1}, {6, 3, 2}, {1, 3, 3}, {5, 3, 3},
                        {2, 2, 1}, {2, 2, 1}, {1, 1, 3}, {2, 3, 3}, {4, 3, 2}, {3, 4, 2}};

TEST(IccTest, IrrAnxietyTwoWayAgreement) {
  const IccResult r = Compute(kAnxiety, IccModel::kTwoWay, IccType::kAgreement, IccUnit::kSingle);
  EXPECT_EQ(r.units, 20);
  EXPECT_EQ(r.raters, 3);
  EXPECT_NEAR(r.value, 0.198, 0.0005);
  EXPECT_NEAR(r.f, 1.83, 0.005);
  EXPECT_EQ(r.df1, 19);
  EXPECT_NEAR(r.df2, 39.7, 0.05);
  EXPECT_NEAR(r.p_value, 0.0543, 0.00005);
  EXPECT_NEAR(r.ci_low, -0.039, 0.0005);
  EXPECT_NEAR(r.ci_high, 0.494, 0.0005);
}

// irr's manual: three raters who rank alike but differ by a constant: high
// consistency (0.695), low absolute agreement (0.108).
TEST(IccTest, IrrConsistencyAgainstAgreement) {
  const double a[] = {5, 12, 11, 10, 9, 7, 5, 12, 12, 7, 12, 17, 15, 13, 6, 13, 20, 14, 13, 11};
  const double b[] = {14, 22, 21, 19, 22, 16, 13, 24, 20, 19,
                      26, 22, 26, 18, 10, 26, 30, 22, 23, 23};
  const double c[] = {27, 31, 29, 29, 32, 23, 29, 28, 30, 28,
                      31, 35, 34, 32, 30, 29, 39, 37, 33, 29};
  Table table;
  for (int u = 0; u < 20; ++u) table.push_back({a[u], b[u], c[u]});
  EXPECT_NEAR(Compute(table, IccModel::kTwoWay, IccType::kConsistency, IccUnit::kSingle).value,
              0.695, 0.0005);
  EXPECT_NEAR(Compute(table, IccModel::kTwoWay, IccType::kAgreement, IccUnit::kSingle).value, 0.108,
              0.0005);
}

TEST(IccTest, EveryFormMatchesStatsmodelsAndScipy) {
  // Random tables of several shapes, rater effects of several sizes.
  std::mt19937_64 random(20261202);
  nlohmann::json cases = nlohmann::json::array();
  std::vector<Table> tables;
  for (auto [n, k, shift] : {std::tuple{12, 3, 0.0}, {30, 5, 1.5}, {8, 2, 0.3}, {50, 4, 4.0}}) {
    std::normal_distribution<double> unit_effect(0, 2), noise(0, 1);
    Table table;
    for (int u = 0; u < n; ++u) {
      const double true_score = unit_effect(random);
      std::vector<double> row;
      for (int r = 0; r < k; ++r)
        row.push_back(std::round(4 * (true_score + shift * r + noise(random))) / 4);
      table.push_back(row);
    }
    tables.push_back(table);
    cases.push_back({{"ratings", table}, {"confidence", 0.9}});
  }
  const nlohmann::json expected =
      nlohmann::json::parse(testing_support::RunPython("reference_icc.py", cases));
  const std::vector<IccForm> forms = AllIccForms();
  for (size_t t = 0; t < tables.size(); ++t) {
    for (size_t f = 0; f < forms.size(); ++f) {
      absl::StatusOr<IccResult> r = IntraclassCorrelation(tables[t], forms[f], 0.9);
      ASSERT_TRUE(r.ok()) << r.status();
      const auto& e = expected[t][f];
      SCOPED_TRACE(testing::Message() << "table " << t << " " << r->name);
      EXPECT_NEAR(r->value, e[0].get<double>(), 1e-9);
      EXPECT_NEAR(r->f, e[1].get<double>(), 1e-9 * e[1].get<double>());
      EXPECT_NEAR(r->df2, e[3].get<double>(), 1e-9 * e[3].get<double>());
      EXPECT_NEAR(r->p_value, e[4].get<double>(), 1e-9);
      EXPECT_NEAR(r->ci_low, e[5].get<double>(), 1e-8);
      EXPECT_NEAR(r->ci_high, e[6].get<double>(), 1e-8);
    }
  }
}

TEST(IccTest, IncompleteUnitsAreLeftOutAndTooLittleDataIsRefused) {
  Table table = kShroutFleiss;
  table.push_back({1, NAN, 3, 4});
  const IccResult r = Compute(table, IccModel::kTwoWay, IccType::kAgreement, IccUnit::kSingle);
  EXPECT_EQ(r.units, 6);
  EXPECT_EQ(r.incomplete_units, 1);
  EXPECT_NEAR(r.value, 0.29, 0.005);
  EXPECT_FALSE(IntraclassCorrelation({{1, 2}}, {}).ok());
  EXPECT_FALSE(IntraclassCorrelation({{1}, {2}}, {}).ok());
  EXPECT_FALSE(IntraclassCorrelation(kAnxiety, {}, /*confidence=*/1.5).ok());
}

TEST(FDistributionTest, KnownQuantilesAndTails) {
  // F(0.95; 5, 10) = 3.325835 and F(0.99; 2, 20) = 5.848932 (standard tables).
  EXPECT_NEAR(FQuantile(0.95, 5, 10), 3.325835, 1e-6);
  EXPECT_NEAR(FQuantile(0.99, 2, 20), 5.848932, 1e-6);
  EXPECT_NEAR(FUpperTail(3.325835, 5, 10), 0.05, 1e-7);
  EXPECT_DOUBLE_EQ(FUpperTail(0, 3, 4), 1.0);
}

}  // namespace
}  // namespace icr::agreement
