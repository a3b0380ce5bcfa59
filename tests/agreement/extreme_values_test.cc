// Interval and ratio alpha on values far from 1: alpha is invariant under an
// affine map of interval values and under a scaling of ratio values, so the
// same data written in units of 1e200 or 1e-200 (or near the largest double)
// must give the alpha, the bootstrap interval and q(alpha_min) of the data at
// ordinary scale, never NaN and never "no variation".

#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/agreement/analysis.h"
#include "server/agreement/krippendorff_alpha.h"
#include "server/agreement/reliability_data.h"

namespace icr::agreement {
namespace {

// Krippendorff (2011) C data: 12 units, 4 coders, values 1..5, "" missing.
const std::vector<std::vector<std::string>> kCData = {
    {"1", "1", "", "1"},  {"2", "2", "3", "2"}, {"3", "3", "3", "3"}, {"3", "3", "3", "3"},
    {"2", "2", "2", "2"}, {"1", "2", "3", "4"}, {"4", "4", "4", "4"}, {"1", "1", "2", "1"},
    {"2", "2", "2", "2"}, {"", "5", "5", "5"},  {"", "", "1", "1"},   {"", "3", "", ""}};

// The C data with every value v written as "<v * mantissa>e<exponent>" and
// then shifted by `offset` units of the same scale, e.g. "3e200".
ReliabilityData Scaled(double mantissa, int exponent, double offset = 0) {
  ReliabilityData data(static_cast<int64_t>(kCData.size()), {"A", "B", "C", "D"});
  for (size_t u = 0; u < kCData.size(); ++u) {
    for (int c = 0; c < 4; ++c) {
      if (kCData[u][c].empty()) continue;
      const double v = (std::stod(kCData[u][c]) + offset) * mantissa;
      data.set_value(u, c, data.InternValue(std::to_string(v) + "e" + std::to_string(exponent)));
    }
  }
  EXPECT_TRUE(data.OrderCategories().ok());
  return data;
}

Coefficient Alpha(const ReliabilityData& data, Level level, int samples) {
  AnalysisOptions options;
  options.level = level;
  options.coefficients = {"krippendorff_alpha"};
  options.pairwise = false;
  options.bootstrap = {.samples = samples, .seed = 11, .confidence = 0.95, .alpha_min = 0.8};
  absl::StatusOr<Analysis> a = Analyze(data, options);
  EXPECT_TRUE(a.ok()) << a.status();
  if (!a.ok() || a->coefficients.empty()) return Coefficient{};
  return a->coefficients[0];
}

// Equal up to the rounding of the decimal labels (each "ke200" is the double
// nearest to k * 10^200, not exactly k times the double nearest to 10^200).
void ExpectSameAlpha(const Coefficient& got, const Coefficient& want) {
  ASSERT_TRUE(got.defined()) << got.reason;
  ASSERT_TRUE(want.defined()) << want.reason;
  EXPECT_TRUE(std::isfinite(*got.value));
  EXPECT_NEAR(*got.value, *want.value, 1e-12);
  ASSERT_EQ(got.ci.has_value(), want.ci.has_value());
  if (want.ci) {
    EXPECT_NEAR(got.ci->low, want.ci->low, 1e-12);
    EXPECT_NEAR(got.ci->high, want.ci->high, 1e-12);
    EXPECT_EQ(got.ci->samples, want.ci->samples);
    EXPECT_EQ(*got.p_below_min, *want.p_below_min);
  }
  EXPECT_EQ(got.units, want.units);
  EXPECT_EQ(got.pairable_values, want.pairable_values);
}

TEST(ExtremeValues, IntervalAlphaIsScaleFree) {
  const Coefficient ordinary = Alpha(Scaled(1, 0), Level::kInterval, 500);
  ASSERT_TRUE(ordinary.defined());
  // Krippendorff (2011) p. 6: interval alpha of the C data is 0.849.
  EXPECT_NEAR(*ordinary.value, 0.8491, 5e-5);
  EXPECT_EQ(ordinary.variant, "interval,bootstrap=units_de_fixed");
  for (int exponent : {200, 160, -200, -160, 300, -300}) {
    SCOPED_TRACE(exponent);
    const Coefficient scaled = Alpha(Scaled(1, exponent), Level::kInterval, 500);
    ExpectSameAlpha(scaled, ordinary);
    // D_o and D_e are in the units the variant names.
    EXPECT_NE(scaled.variant.find("delta_scale=2^"), std::string::npos) << scaled.variant;
    EXPECT_TRUE(std::isfinite(scaled.observed) && std::isfinite(scaled.expected));
  }
}

TEST(ExtremeValues, IntervalAlphaIsShiftFree) {
  const Coefficient ordinary = Alpha(Scaled(1, 0), Level::kInterval, 500);
  // The same data in units of 1e200, shifted by 1000 units: an affine map.
  ExpectSameAlpha(Alpha(Scaled(1, 200, 1000), Level::kInterval, 500), ordinary);
}

TEST(ExtremeValues, OrdinaryIntervalDataIsNotRescaled) {
  const Coefficient ordinary = Alpha(Scaled(1, 0), Level::kInterval, 0);
  EXPECT_EQ(ordinary.variant, "interval");
  // Krippendorff (2011): D_o and D_e of the C data in the data's own units.
  absl::StatusOr<Coefficient> alpha = KrippendorffAlpha(Scaled(1, 0), Metric::kInterval);
  ASSERT_TRUE(alpha.ok());
  EXPECT_EQ(alpha->variant, "interval");
  EXPECT_DOUBLE_EQ(alpha->observed, ordinary.observed);
}

TEST(ExtremeValues, RatioAlphaIsScaleFree) {
  const Coefficient ordinary = Alpha(Scaled(1, 0), Level::kRatio, 500);
  ASSERT_TRUE(ordinary.defined());
  EXPECT_EQ(ordinary.variant, "ratio,bootstrap=units_de_fixed");
  // 3e307 .. 1.5e308: a + b overflows for the largest pairs.
  for (auto [mantissa, exponent] :
       std::vector<std::pair<double, int>>{{1, 200}, {1, -200}, {3, 307}, {1, -305}}) {
    SCOPED_TRACE(exponent);
    const Coefficient scaled = Alpha(Scaled(mantissa, exponent), Level::kRatio, 500);
    ExpectSameAlpha(scaled, ordinary);
    // The ratio metric has no unit: D_o and D_e are those of ordinary scale.
    EXPECT_EQ(scaled.variant, ordinary.variant);
    EXPECT_NEAR(scaled.observed, ordinary.observed, 1e-12);
    EXPECT_NEAR(scaled.expected, ordinary.expected, 1e-12);
  }
}

TEST(ExtremeValues, MixedMagnitudesStayDefined) {
  // 1e-200 next to 1e200: the tiny values are, to double precision, 0.
  ReliabilityData data(3, {"A", "B"});
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"1e200", "1e200"}, {"1e-200", "1e-200"}, {"2e200", "1e-200"}};
  ReliabilityData zero(3, {"A", "B"});
  const std::vector<std::pair<std::string, std::string>> zero_rows = {
      {"1", "1"}, {"0", "0"}, {"2", "0"}};
  for (size_t u = 0; u < rows.size(); ++u) {
    data.set_value(u, 0, data.InternValue(rows[u].first));
    data.set_value(u, 1, data.InternValue(rows[u].second));
    zero.set_value(u, 0, zero.InternValue(zero_rows[u].first));
    zero.set_value(u, 1, zero.InternValue(zero_rows[u].second));
  }
  ASSERT_TRUE(data.OrderCategories().ok());
  ASSERT_TRUE(zero.OrderCategories().ok());
  for (Level level : {Level::kInterval, Level::kRatio}) {
    ExpectSameAlpha(Alpha(data, level, 0), Alpha(zero, level, 0));
  }
}

}  // namespace
}  // namespace icr::agreement
