// `icr stats --spans` through RunSpanStats with temporary files: output in
// the three formats, and exit 2 with "file:line: reason" on bad input.

#include "client/span_stats/span_stats.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace icr::client {
namespace {

class SpanStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("icr_span_stats_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    options_.spans_path = Write("spans.csv",
                                "document,coder,code,start,end\n"
                                "d1,ann,c1,0,10\n"
                                "d1,bob,c1,1,10\n"
                                "d1,ann,c2,20,30\n"
                                "d1,bob,c2,40,50\n"
                                "d2,ann,c1,5,8\n"
                                "d2,ann,c1,6,9\n"
                                "d2,bob,c1,5,9\n");
    options_.lengths_path = Write("lengths.csv", "document,length\nd1,60\nd2,12\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  int Run(OutputFormat format = OutputFormat::kJson) {
    out_.str("");
    err_.str("");
    GlobalOptions globals;
    globals.output = format;
    return RunSpanStats(options_, globals, out_, err_);
  }

  // Runs with one bad spans file and returns the error line.
  std::string BadSpans(const std::string& body) {
    options_.spans_path = Write("bad.csv", "document,coder,code,start,end\n" + body);
    EXPECT_EQ(Run(), kExitUsageError);
    EXPECT_TRUE(out_.str().empty());
    return err_.str();
  }

  std::filesystem::path dir_;
  SpanStatsOptions options_;
  std::ostringstream out_, err_;
};

TEST_F(SpanStatsTest, JsonHasEveryCoefficientOverallAndPerCode) {
  ASSERT_EQ(Run(), kExitOk) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["coders"], 2);
  EXPECT_EQ(j["documents"], 2);
  EXPECT_EQ(j["codes"], 2);
  EXPECT_EQ(j["spans"], 7);
  EXPECT_EQ(j["merged_spans"], 1);
  EXPECT_EQ(j["continuum_length"], 72);
  EXPECT_EQ(j["overlap"]["rule"], "of_longer");
  std::vector<std::string> names;
  for (const auto& c : j["coefficients"]) names.push_back(c["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"unitizing_alpha", "binary_u_alpha", "cu_alpha",
                                             "Cu_alpha", "overlap_percent_agreement",
                                             "overlap_kappa", "overlap_cohen_kappa",
                                             "character_percent_agreement", "character_kappa"}));
  ASSERT_EQ(j["per_code"].size(), 2u);
  const auto& c1 = j["per_code"][0];
  EXPECT_EQ(c1["code"], "c1");
  EXPECT_EQ(c1["coefficients"].size(), names.size());
  // c1: [0,10) vs [1,10) covers 0.9 of the longer: a match; d2 merged [5,9)
  // vs [5,9): a match. c2: no overlap, two unmatched.
  EXPECT_EQ(c1["matched_segments"], 4);
  EXPECT_EQ(c1["unmatched_segments"], 0);
  EXPECT_EQ(j["per_code"][1]["matched_segments"], 0);
  EXPECT_EQ(j["per_code"][1]["unmatched_segments"], 2);
  EXPECT_DOUBLE_EQ(c1["coefficients"][4]["value"].get<double>(), 1.0);
  // Worked by hand. Segment units: 2 matched pairs (c1), ann's [20,30) and
  // bob's [40,50) (c2) unmatched. Overall Cohen: agreement 2/4, chance
  // (2*2 + 1*1 + 1*1)/16 = 0.375, kappa 0.2. Brennan-Prediger: 4 of 6
  // segments matched, q = 2: (2/3 - 1/2)/(1/2) = 1/3. c2 collapses to
  // (0, 1, 1, 2): (0.5 - 0.625)/0.375 = -1/3.
  auto value = [](const nlohmann::json& coefficients, const std::string& name) {
    for (const auto& c : coefficients)
      if (c["name"] == name) return c["value"].get<double>();
    ADD_FAILURE() << name;
    return 0.0;
  };
  EXPECT_NEAR(value(j["coefficients"], "overlap_cohen_kappa"), 0.2, 1e-12);
  EXPECT_NEAR(value(j["coefficients"], "overlap_kappa"), 1.0 / 3, 1e-12);
  EXPECT_NEAR(value(j["coefficients"], "overlap_percent_agreement"), 4.0 / 6, 1e-12);
  EXPECT_NEAR(value(j["per_code"][1]["coefficients"], "overlap_cohen_kappa"), -1.0 / 3, 1e-12);
  // c1 code points over both documents: both 13, ann only 1, neither 58 of
  // 72: p_o = 71/72, p_e = (14*13 + 58*59)/72^2, kappa = 1508/1580.
  EXPECT_NEAR(value(c1["coefficients"], "character_percent_agreement"), 71.0 / 72, 1e-12);
  EXPECT_NEAR(value(c1["coefficients"], "character_kappa"), 1508.0 / 1580, 1e-12);
  EXPECT_EQ(c1["documents"].size(), 2u);
  EXPECT_EQ(c1["documents"][0]["coefficients"][0]["name"], "character_percent_agreement");
  EXPECT_FALSE(j["notes"].empty());
}

TEST_F(SpanStatsTest, CodersWhoMarkedNothingCount) {
  // Three coders; carol found nothing. Without --coders she is no coder at
  // all; with it, every code point ann or bob marked is a disagreement with
  // her, and agreement falls.
  ASSERT_EQ(Run(), kExitOk) << err_.str();
  const auto two = nlohmann::json::parse(out_.str());
  options_.coders = {"ann", "bob", "carol"};
  ASSERT_EQ(Run(), kExitOk) << err_.str();
  const auto three = nlohmann::json::parse(out_.str());
  EXPECT_EQ(two["coders"], 2);
  EXPECT_EQ(three["coders"], 3);
  auto value = [](const nlohmann::json& j, const std::string& name) {
    for (const auto& c : j["coefficients"])
      if (c["name"] == name && c["value"].is_number()) return c["value"].get<double>();
    ADD_FAILURE() << name;
    return 0.0;
  };
  EXPECT_LT(value(three, "unitizing_alpha"), value(two, "unitizing_alpha"));
  EXPECT_LT(value(three, "character_percent_agreement"), value(two, "character_percent_agreement"));
  // A span by a coder outside the list is an error, naming the line.
  options_.coders = {"ann", "carol"};
  EXPECT_EQ(Run(), kExitUsageError);
  EXPECT_NE(err_.str().find("spans.csv:3: coder 'bob' is not in --coders"), std::string::npos)
      << err_.str();
}

TEST_F(SpanStatsTest, OverlapThresholdAndRuleChangeMatching) {
  options_.overlap = 0.95;  // [0,10) vs [1,10) no longer matches
  ASSERT_EQ(Run(), kExitOk) << err_.str();
  EXPECT_EQ(nlohmann::json::parse(out_.str())["per_code"][0]["matched_segments"], 2);
  options_.overlap_of_either = true;  // the shorter span is fully covered
  ASSERT_EQ(Run(), kExitOk) << err_.str();
  const auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["per_code"][0]["matched_segments"], 4);
  EXPECT_EQ(j["overlap"]["rule"], "of_either");
}

TEST_F(SpanStatsTest, TableAndCsv) {
  ASSERT_EQ(Run(OutputFormat::kTable), kExitOk) << err_.str();
  EXPECT_NE(out_.str().find("unitizing_alpha"), std::string::npos);
  EXPECT_NE(out_.str().find("merged"), std::string::npos);
  ASSERT_EQ(Run(OutputFormat::kCsv), kExitOk) << err_.str();
  EXPECT_EQ(out_.str().rfind("scope,code,document,", 0), 0u);
  EXPECT_NE(out_.str().find("document,c1,d2,character_kappa"), std::string::npos);
}

TEST_F(SpanStatsTest, SpanErrorsNameFileAndLine) {
  const std::string path = (dir_ / "bad.csv").string();
  EXPECT_EQ(BadSpans("d1,ann,c1,0,10\nd1,ann,c1,5,61\n"),
            path + ":3: span [5, 61) lies outside document 'd1' of length 60\n");
  EXPECT_EQ(BadSpans("d1,ann,c1,7,7\n"),
            path + ":2: start 7 is not before end 7 (end is exclusive)\n");
  EXPECT_EQ(BadSpans("d1,ann,c1,9,3\n"),
            path + ":2: start 9 is not before end 3 (end is exclusive)\n");
  EXPECT_EQ(BadSpans("d1,ann,c1,0,10\nd9,ann,c1,0,1\n"),
            path + ":3: unknown document 'd9' (not in " + options_.lengths_path + ")\n");
  EXPECT_EQ(BadSpans("d1,ann,c1,-1,10\n"), path + ":2: start '-1' is not a non-negative integer\n");
  EXPECT_EQ(BadSpans("d1,ann,c1,x,10\n"), path + ":2: start 'x' is not a non-negative integer\n");
  EXPECT_EQ(BadSpans("d1,ann,c1,0\n"), path + ":2: expected 5 fields, got 4\n");
  EXPECT_EQ(BadSpans("d1,,c1,0,3\n"), path + ":2: empty coder\n");
}

TEST_F(SpanStatsTest, HeaderAndLengthsErrors) {
  options_.spans_path = Write("noheader.csv", "document,coder,code,begin,end\nd1,a,c,0,1\n");
  EXPECT_EQ(Run(), kExitUsageError);
  EXPECT_EQ(err_.str(), options_.spans_path +
                            ":1: missing column 'start' (expected header "
                            "document,coder,code,start,end)\n");

  SetUp();
  options_.lengths_path = Write("dup.csv", "document,length\nd1,60\nd1,70\n");
  EXPECT_EQ(Run(), kExitUsageError);
  EXPECT_EQ(err_.str(), options_.lengths_path + ":3: document 'd1' listed twice\n");

  options_.lengths_path = Write("neg.csv", "document,length\nd1,-5\n");
  EXPECT_EQ(Run(), kExitUsageError);
  EXPECT_EQ(err_.str(), options_.lengths_path + ":2: length '-5' is not a non-negative integer\n");

  options_.lengths_path = (dir_ / "missing.csv").string();
  EXPECT_EQ(Run(), kExitUsageError);
  EXPECT_NE(err_.str().find("missing.csv"), std::string::npos);
}

TEST_F(SpanStatsTest, BadOverlapIsAUsageError) {
  for (double overlap : {0.0, -0.5, 1.5}) {
    options_.overlap = overlap;
    EXPECT_EQ(Run(), kExitUsageError);
    EXPECT_NE(err_.str().find("--overlap"), std::string::npos);
  }
}

TEST_F(SpanStatsTest, UndefinedCasesAnswerWithAReason) {
  // One coder only.
  options_.spans_path = Write("one.csv", "document,coder,code,start,end\nd1,ann,c1,0,10\n");
  ASSERT_EQ(Run(), kExitOk) << err_.str();
  auto j = nlohmann::json::parse(out_.str());
  for (const auto& c : j["coefficients"]) {
    EXPECT_TRUE(c["value"].is_null()) << c["name"];
    EXPECT_FALSE(c["reason"].get<std::string>().empty()) << c["name"];
  }
  // No spans at all, zero-length documents.
  options_.spans_path = Write("none.csv", "document,coder,code,start,end\n");
  options_.lengths_path = Write("zero.csv", "document,length\nd1,0\n");
  ASSERT_EQ(Run(), kExitOk) << err_.str();
  j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["coders"], 0);
  for (const auto& c : j["coefficients"]) EXPECT_TRUE(c["value"].is_null()) << c["name"];
}

}  // namespace
}  // namespace icr::client
