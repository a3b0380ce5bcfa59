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

}  // namespace
}  // namespace icr::live
