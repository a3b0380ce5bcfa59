// agreement::Coefficient -> icr.v1.Coefficient -> agreement::Coefficient
// keeps everything `icr stats` and `icr agreement` print, including a
// bootstrap interval that is undefined and its reason.

#include "server/live/coefficient_proto.h"

#include "gtest/gtest.h"
#include "server/agreement/coefficient.h"

namespace icr::live {
namespace {

TEST(CoefficientProto, UndefinedBootstrapIntervalKeepsItsReason) {
  agreement::Coefficient c;
  c.name = "cohen_kappa";
  c.value = 1.0;
  c.ci = agreement::BootstrapInterval{0, 0, 0.9, 0, "none of the 5 bootstrap replicates"};
  const v1::Coefficient proto = CoefficientToProto(c);
  ASSERT_TRUE(proto.has_ci());
  EXPECT_EQ(proto.ci().undefined_reason(), "none of the 5 bootstrap replicates");
  EXPECT_EQ(proto.ci().samples(), 0);
  const agreement::Coefficient back = CoefficientFromProto(proto);
  ASSERT_TRUE(back.ci.has_value());
  EXPECT_FALSE(back.ci->defined());
  EXPECT_EQ(back.ci->undefined_reason, "none of the 5 bootstrap replicates");
  EXPECT_EQ(back.ci->confidence, 0.9);
}

TEST(CoefficientProto, DefinedBootstrapIntervalHasNoReason) {
  agreement::Coefficient c;
  c.name = "krippendorff_alpha";
  c.value = 0.7;
  c.ci = agreement::BootstrapInterval{0.6, 0.8, 0.95, 1000};
  c.p_below_min = 0.2;
  const agreement::Coefficient back = CoefficientFromProto(CoefficientToProto(c));
  ASSERT_TRUE(back.ci.has_value());
  EXPECT_TRUE(back.ci->defined());
  EXPECT_EQ(back.ci->low, 0.6);
  EXPECT_EQ(back.ci->high, 0.8);
  EXPECT_EQ(back.ci->samples, 1000);
  EXPECT_EQ(*back.p_below_min, 0.2);
}

TEST(CoefficientProto, IccFIntervalTravelsWithoutAStandardError) {
  agreement::Coefficient c;
  c.name = "icc_a1";
  c.value = 0.198;
  c.variant = "twoway_agreement_single";
  c.f_test = agreement::FTestInterval{.low = -0.039,
                                      .high = 0.494,
                                      .confidence = 0.9,
                                      .f = 1.83,
                                      .df1 = 19,
                                      .df2 = 39.7,
                                      .p_value = 0.0543};
  const v1::Coefficient proto = CoefficientToProto(c);
  EXPECT_EQ(proto.se_method(), "f_distribution");
  EXPECT_FALSE(proto.has_se());
  EXPECT_EQ(proto.ci_low(), -0.039);
  EXPECT_EQ(proto.ci_high(), 0.494);
  EXPECT_EQ(proto.p_value(), 0.0543);
  EXPECT_EQ(proto.se_confidence(), 0.9);
  const agreement::Coefficient back = CoefficientFromProto(proto);
  EXPECT_FALSE(back.analytic.has_value());
  ASSERT_TRUE(back.f_test.has_value());
  EXPECT_EQ(back.f_test->low, -0.039);
  EXPECT_EQ(back.f_test->high, 0.494);
  EXPECT_EQ(back.f_test->p_value, 0.0543);
  EXPECT_EQ(back.f_test->confidence, 0.9);
  EXPECT_EQ(back.variant, "twoway_agreement_single");
}

TEST(CoefficientProto, WeightsAreNamed) {
  agreement::Coefficient c;
  c.name = "fleiss_kappa";
  c.value = 0.86494;
  c.weights = "quadratic";
  const v1::Coefficient proto = CoefficientToProto(c);
  EXPECT_EQ(proto.weights(), "quadratic");
  EXPECT_EQ(CoefficientFromProto(proto).weights, "quadratic");
}

TEST(CoefficientProto, AnalyticStandardErrorSurvives) {
  agreement::Coefficient c;
  c.name = "fleiss_kappa";
  c.value = 0.76117;
  agreement::AnalyticInterval a;
  a.se = 0.15302;
  a.variance = a.se * a.se;
  a.low = 0.424;
  a.high = 1;
  a.p_value = 0.00021;
  a.confidence = 0.9;
  a.degrees_of_freedom = 11;
  a.population = 48;
  c.analytic = a;
  const v1::Coefficient proto = CoefficientToProto(c);
  EXPECT_EQ(proto.se_method(), "analytic");
  EXPECT_EQ(proto.se(), 0.15302);
  EXPECT_EQ(proto.ci_low(), 0.424);
  EXPECT_EQ(proto.ci_high(), 1);
  EXPECT_EQ(proto.p_value(), 0.00021);
  EXPECT_EQ(proto.se_degrees_of_freedom(), 11);
  const agreement::Coefficient back = CoefficientFromProto(proto);
  ASSERT_TRUE(back.analytic && back.analytic->defined());
  EXPECT_EQ(back.analytic->se, 0.15302);
  EXPECT_EQ(back.analytic->low, 0.424);
  EXPECT_EQ(back.analytic->high, 1);
  EXPECT_EQ(*back.analytic->p_value, 0.00021);
  EXPECT_EQ(back.analytic->confidence, 0.9);
  EXPECT_EQ(back.analytic->degrees_of_freedom, 11);
  EXPECT_EQ(back.analytic->population, 48);
}

TEST(CoefficientProto, UndefinedAnalyticStandardErrorKeepsItsReason) {
  agreement::Coefficient c;
  c.name = "light_kappa";
  c.value = 0.8;
  c.analytic = agreement::AnalyticInterval{};
  c.analytic->undefined_reason = "Light's kappa has no analytic variance";
  const v1::Coefficient proto = CoefficientToProto(c);
  EXPECT_FALSE(proto.has_se());
  EXPECT_EQ(proto.se_reason(), "Light's kappa has no analytic variance");
  const agreement::Coefficient back = CoefficientFromProto(proto);
  ASSERT_TRUE(back.analytic);
  EXPECT_EQ(back.analytic->undefined_reason, "Light's kappa has no analytic variance");
  // No analytic standard error asked for: none comes back.
  c.analytic.reset();
  EXPECT_FALSE(CoefficientFromProto(CoefficientToProto(c)).analytic);
}

}  // namespace
}  // namespace icr::live
