// Published unitizing examples (tests/data/spans_dkpro_statistics_unitizing.json,
// from DKPro Agreement's tests of Krippendorff 1995 and 2004) against
// icr::agreement::spans, to the precision each case states.

#include <fstream>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/agreement/spans/span_agreement.h"
#include "server/agreement/spans/unitizing.h"

namespace icr::agreement::spans {
namespace {

using nlohmann::json;

json LoadCases() {
  std::ifstream in(std::string(ICR_TEST_DATA_DIR) + "/spans_dkpro_statistics_unitizing.json");
  EXPECT_TRUE(in.good());
  return json::parse(in)["cases"];
}

// One document [0, continuum_length); codes sorted by name.
SpanSet ToSpanSet(const json& data) {
  SpanSet set;
  set.documents = {"continuum"};
  set.lengths = {data["continuum_length"].get<int64_t>()};
  const int64_t begin = data["continuum_begin"].get<int64_t>();
  std::map<std::string, int> coders, codes;
  for (const auto& c : data["coders"]) {
    coders.emplace(c.get<std::string>(), static_cast<int>(coders.size()));
    set.coders.push_back(c.get<std::string>());
  }
  for (const auto& a : data["annotations"]) codes.emplace(a["category"].get<std::string>(), 0);
  for (auto& [name, index] : codes) {
    index = static_cast<int>(set.codes.size());
    set.codes.push_back(name);
  }
  for (const auto& a : data["annotations"]) {
    Span s;
    s.coder = coders.at(a["coder"].get<std::string>());
    s.code = codes.at(a["category"].get<std::string>());
    s.start = a["start"].get<int64_t>() - begin;
    s.end = s.start + a["length"].get<int64_t>();
    set.spans.push_back(s);
  }
  return set;
}

int CodeIndex(const SpanSet& set, const std::string& name) {
  for (size_t k = 0; k < set.codes.size(); ++k) {
    if (set.codes[k] == name) return static_cast<int>(k);
  }
  ADD_FAILURE() << "no code " << name;
  return 0;
}

Segment ToSegment(const json& begin, const json& length, const json& category) {
  return {begin.get<int64_t>(), begin.get<int64_t>() + length.get<int64_t>(), !category.is_null()};
}

TEST(UnitizingVectorsTest, EveryCaseOfTheFile) {
  int checked = 0, zero_length_cases = 0;
  for (const json& c : LoadCases()) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const std::string coefficient = c["coefficient"];
    const double tolerance = c["tolerance"].get<double>();
    const json& data = c["data"];

    if (coefficient == "krippendorff_unitizing_delta" ||
        coefficient == "krippendorff_unitizing_delta_sum") {
      double sum = 0;
      for (const json& pair : data["pairs"]) {
        sum += UnitizingSquaredDistance(ToSegment(pair[0], pair[1], pair[2]),
                                        ToSegment(pair[3], pair[4], pair[5]));
      }
      EXPECT_NEAR(sum, c["expected"].get<double>(), tolerance);
      ++checked;
      continue;
    }

    bool zero_length = false;
    for (const auto& a : data["annotations"]) zero_length |= a["length"].get<int64_t>() == 0;
    const SpanSet set = ToSpanSet(data);
    if (zero_length) {
      // icr rejects zero-length spans as input errors (start must be before
      // end), so DKPro's conventions for them (alpha 0 or 1) do not arise.
      EXPECT_FALSE(Validate(set).ok());
      ++zero_length_cases;
      continue;
    }
    ASSERT_TRUE(Validate(set).ok());
    const PerCodeCoefficients alpha = KrippendorffUnitizingAlpha(PreparedSpans::Prepare(set));

    if (coefficient == "krippendorff_alpha_unitizing") {
      if (c["expected"].is_null()) {  // no annotations: DKPro's NaN
        EXPECT_FALSE(alpha.overall.defined());
        EXPECT_EQ(alpha.overall.reason, "no spans");
      } else {
        ASSERT_TRUE(alpha.overall.defined()) << alpha.overall.reason;
        EXPECT_NEAR(*alpha.overall.value, c["expected"].get<double>(), tolerance);
      }
      ++checked;
      continue;
    }
    const Coefficient& per_code = alpha.per_code[CodeIndex(set, c["category"])];
    if (coefficient == "krippendorff_alpha_unitizing_category") {
      ASSERT_TRUE(per_code.defined()) << per_code.reason;
      EXPECT_NEAR(*per_code.value, c["expected"].get<double>(), tolerance);
      if (c.contains("expected_components")) {
        // Components are printed to 4 decimals.
        EXPECT_NEAR(per_code.observed, c["expected_components"]["Do"].get<double>(), 1e-4);
        EXPECT_NEAR(per_code.expected, c["expected_components"]["De"].get<double>(), 1e-4);
      }
    } else if (coefficient == "krippendorff_alpha_unitizing_category_Do") {
      EXPECT_NEAR(per_code.observed, c["expected"].get<double>(), tolerance);
    } else if (coefficient == "krippendorff_alpha_unitizing_category_De") {
      EXPECT_NEAR(per_code.expected, c["expected"].get<double>(), tolerance);
    } else {
      ADD_FAILURE() << "unknown coefficient " << coefficient;
    }
    ++checked;
  }
  EXPECT_EQ(zero_length_cases, 3);
  EXPECT_GE(checked, 40);
}

// The 2004 example through the whole computation: three views at once.
TEST(UnitizingVectorsTest, Krippendorff2004ExampleThroughComputeSpanAgreement) {
  for (const json& c : LoadCases()) {
    if (c["name"].get<std::string>().rfind("Krippendorff2004Test.testAgreement", 0) != 0) continue;
    auto result = ComputeSpanAgreement(ToSpanSet(c["data"]));
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->coefficients[0].name, "unitizing_alpha");
    EXPECT_NEAR(*result->coefficients[0].value, 0.8591, 0.0005);
    ASSERT_EQ(result->per_code.size(), 2u);
    EXPECT_EQ(result->per_code[0].code, "c");
    EXPECT_NEAR(*result->per_code[0].coefficients[0].value, 0.7286, 0.0001);
    EXPECT_NEAR(*result->per_code[1].coefficients[0].value, 1.0, 1e-12);
    return;
  }
  FAIL() << "case not found";
}

}  // namespace
}  // namespace icr::agreement::spans
