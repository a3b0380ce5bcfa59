// `icr stats` through its library entry point RunStats(): input layouts,
// output shape (DESIGN §10), and every kind of bad input exiting 2 with the
// file and line.

#include "client/stats/stats_command.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "client/csv_reader.h"
#include "client/global_options.h"
#include "client/stats/coefficient_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace icr::client {
namespace {

using ::testing::HasSubstr;

struct StatsRun {
  int code;
  std::string out;
  std::string err;
};

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

StatsRun Stats(StatsOptions options, OutputFormat format = OutputFormat::kJson) {
  GlobalOptions globals;
  globals.output = format;
  std::ostringstream out, err;
  const int code = RunStats(options, globals, out, err);
  return {code, out.str(), err.str()};
}

StatsOptions Input(const std::string& name, const std::string& text) {
  StatsOptions o;
  o.input = WriteFile(name, text);
  return o;
}

constexpr char kWideC[] =
    "unit,A,B,C,D\n"
    "u1,1,1,,1\nu2,2,2,3,2\nu3,3,3,3,3\nu4,3,3,3,3\nu5,2,2,2,2\nu6,1,2,3,4\n"
    "u7,4,4,4,4\nu8,1,1,2,1\nu9,2,2,2,2\nu10,,5,5,5\nu11,,,1,1\nu12,,3,,\n";

TEST(StatsCommand, WideLayoutJsonShape) {
  StatsRun r = Stats(Input("wide.csv", kWideC));
  ASSERT_EQ(r.code, kExitOk) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["units"], 12);
  EXPECT_EQ(j["coders"], 4);
  EXPECT_EQ(j["pairable_values"], 40);
  EXPECT_EQ(j["level"], "nominal");
  ASSERT_EQ(j["coefficients"].size(), 9u);
  bool found = false;
  for (const auto& c : j["coefficients"]) {
    EXPECT_TRUE(c.contains("name") && c.contains("value") && c.contains("defined") &&
                c.contains("reason") && c.contains("observed") && c.contains("expected"));
    EXPECT_FALSE(c.contains("ci"));
    EXPECT_FALSE(c.contains("p_below_min"));
    // Analytic standard errors by default; Light's kappa and the undefined
    // ones say why they have none.
    EXPECT_EQ(c["se_method"], "analytic");
    EXPECT_EQ(c["se_confidence"], 0.95);
    if (c["se"].is_null()) {
      EXPECT_FALSE(c["se_reason"].get<std::string>().empty());
      EXPECT_FALSE(c.contains("ci_low"));
    } else {
      EXPECT_GT(c["se"].get<double>(), 0);
      EXPECT_LT(c["ci_low"].get<double>(), c["value"].get<double>());
      EXPECT_GE(c["ci_high"].get<double>(), c["ci_low"].get<double>());
      EXPECT_EQ(c["se_degrees_of_freedom"], 11);
      EXPECT_TRUE(c["p_value"].is_number());
    }
    if (c["name"] == "krippendorff_alpha") {
      found = true;
      EXPECT_NEAR(c["value"].get<double>(), 0.743421052632, 1e-9);
    }
    if (c["name"] == "cohen_kappa") {
      EXPECT_TRUE(c["value"].is_null());
      EXPECT_EQ(c["defined"], false);
      EXPECT_THAT(c["reason"].get<std::string>(), HasSubstr("two coders"));
    }
  }
  EXPECT_TRUE(found);
  ASSERT_EQ(j["pairwise"].size(), 6u);
  EXPECT_EQ(j["pairwise"][0]["coder_a"], "A");
  EXPECT_EQ(j["pairwise"][0]["coder_b"], "B");
  EXPECT_EQ(j["pairwise"][0]["units"], 9);
}

TEST(StatsCommand, LongLayoutEqualsWide) {
  std::string long_csv = "unit,coder,value\n";
  std::istringstream wide(kWideC);
  std::string line;
  std::getline(wide, line);
  const char* coders[] = {"A", "B", "C", "D"};
  while (std::getline(wide, line)) {
    std::stringstream fields(line);
    std::string unit, v;
    std::getline(fields, unit, ',');
    for (const char* c : coders) {
      std::getline(fields, v, ',');
      if (!v.empty()) long_csv += unit + "," + c + "," + v + "\n";
    }
  }
  StatsOptions a = Input("long.csv", long_csv);
  a.level = "ordinal";
  a.bootstrap = 200;
  StatsOptions b = Input("wide2.csv", kWideC);
  b.level = "ordinal";
  b.bootstrap = 200;
  StatsRun ra = Stats(a), rb = Stats(b);
  ASSERT_EQ(ra.code, kExitOk) << ra.err;
  ASSERT_EQ(rb.code, kExitOk) << rb.err;
  nlohmann::json ja = nlohmann::json::parse(ra.out), jb = nlohmann::json::parse(rb.out);
  // Unit u12 has one value only, so the long file has 12 units too.
  EXPECT_EQ(ja["coefficients"], jb["coefficients"]);
  for (const auto& c : ja["coefficients"]) {
    if (c["name"] == "krippendorff_alpha") {
      EXPECT_NEAR(c["value"].get<double>(), 0.8153875038, 1e-9);
      EXPECT_TRUE(c.contains("ci"));
      EXPECT_TRUE(c.contains("p_below_min"));
    }
  }
}

TEST(StatsCommand, OrdinalOrderOfLabels) {
  StatsOptions o =
      Input("labels.csv", "unit,A,B\nu1,low,low\nu2,mid,high\nu3,high,high\nu4,low,mid\n");
  o.level = "ordinal";
  o.coefficients = {"krippendorff_alpha"};
  o.order = {"low", "mid", "high"};
  StatsRun with_order = Stats(o);
  ASSERT_EQ(with_order.code, kExitOk) << with_order.err;
  o.order = {"high", "low", "mid"};
  StatsRun other_order = Stats(o);
  ASSERT_EQ(other_order.code, kExitOk);
  EXPECT_NE(nlohmann::json::parse(with_order.out)["coefficients"][0]["value"],
            nlohmann::json::parse(other_order.out)["coefficients"][0]["value"]);
  o.order = {"low", "mid"};
  StatsRun missing = Stats(o);
  EXPECT_EQ(missing.code, kExitUsageError);
  EXPECT_THAT(missing.err, HasSubstr("labels.csv:3: value 'high' is not in --order"));
}

TEST(StatsCommand, OrdinalLabelsThatAreNotNumbersNeedAnOrder) {
  StatsOptions o =
      Input("unordered.csv", "unit,A,B\nu1,low,low\nu2,mid,high\nu3,high,high\nu4,low,mid\n");
  o.level = "ordinal";
  StatsRun r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr("--level ordinal on values that are not all numbers needs --order"));
  o.weights = "linear";
  r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err,
              HasSubstr("--weights linear on values that are not all numbers needs --order"));
  o.order = {"low", "mid", "high"};
  r = Stats(o);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  // Every coefficient says its weights; alpha's weighted form is irrCAC's.
  const nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_FALSE(j["coefficients"].empty());
  for (const auto& c : j["coefficients"]) {
    EXPECT_EQ(c["weights"], "linear") << c["name"];
  }
}

TEST(StatsCommand, WeightsOnEveryCoefficient) {
  // irrCAC's cac.raw4raters with weights = "quadratic" (its weighting
  // vignette; tests/data/irrcac_weighted_examples.json): through the CLI.
  StatsOptions o = Input("raw4.csv", std::string("unit,R1,R2,R3,R4\n") +
                                         "1,1,1,,1\n2,2,2,3,2\n3,3,3,3,3\n4,3,3,3,3\n5,2,2,2,2\n"
                                         "6,1,2,3,4\n7,4,4,4,4\n8,1,1,2,1\n9,2,2,2,2\n"
                                         "10,,5,5,5\n11,,,1,1\n12,,,3,\n");
  o.level = "ordinal";
  o.weights = "quadratic";
  StatsRun r = Stats(o);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  std::map<std::string, double> value, se;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const auto& c : j["coefficients"]) {
    EXPECT_EQ(c["weights"], "quadratic") << c["name"];
    const std::string name = c["name"].get<std::string>();
    if (c["defined"].get<bool>()) value[name] = c["value"].get<double>();
    if (c["se"].is_number()) se[name] = c["se"].get<double>();
  }
  EXPECT_NEAR(value["percent_agreement"], 0.9753788, 5e-7);
  EXPECT_NEAR(value["fleiss_kappa"], 0.86494, 5e-6);
  EXPECT_NEAR(value["krippendorff_alpha"], 0.84911, 5e-6);
  EXPECT_NEAR(value["gwet_ac2"], 0.914, 5e-6);
  EXPECT_NEAR(value["brennan_prediger"], 0.90152, 5e-6);
  EXPECT_NEAR(value["conger_kappa"], 0.85771, 5e-6);
  EXPECT_NEAR(se["fleiss_kappa"], 0.14603, 5e-6);
  // irrCAC's current source (the vignette's irrCAC 1.0 printed 0.12913).
  EXPECT_NEAR(se["krippendorff_alpha"], 0.1290512, 5e-7);
  // The table names the weights.
  r = Stats(o, OutputFormat::kTable);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("quadratic weights (Gwet 2014, ch. 3; as irrCAC)"));
}

TEST(StatsCommand, CustomWeightsFile) {
  StatsOptions o =
      Input("custom.csv", "unit,A,B\nu1,low,low\nu2,mid,high\nu3,high,high\nu4,low,mid\n");
  // Linear weights written out: the same as --weights linear on this order.
  o.weights_file = WriteFile("w.csv", ",low,mid,high\nlow,1,0.5,0\nmid,0.5,1,0.5\nhigh,0,0.5,1\n");
  StatsRun custom = Stats(o);
  ASSERT_EQ(custom.code, kExitOk) << custom.err;
  StatsOptions l = o;
  l.weights_file.clear();
  l.weights = "linear";
  l.level = "ordinal";
  l.order = {"low", "mid", "high"};
  StatsRun linear = Stats(l);
  ASSERT_EQ(linear.code, kExitOk) << linear.err;
  const auto a = nlohmann::json::parse(custom.out)["coefficients"];
  const auto b = nlohmann::json::parse(linear.out)["coefficients"];
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i]["weights"], "custom");
    if (a[i]["defined"] == true) {
      EXPECT_NEAR(a[i]["value"].get<double>(), b[i]["value"].get<double>(), 1e-12) << a[i]["name"];
    }
  }
  o.weights_file =
      WriteFile("w_bad.csv", ",low,mid,high\nlow,1,0.5,0\nmid,0.5,0.9,0.5\nhigh,0,0.5,1\n");
  StatsRun bad = Stats(o);
  EXPECT_EQ(bad.code, kExitUsageError);
  EXPECT_THAT(bad.err, HasSubstr("w_bad.csv:3: the diagonal must be 1"));
  o.weights_file = WriteFile("w_short.csv", ",low,mid\nlow,1,0.5\nmid,0.5,1\n");
  bad = Stats(o);
  EXPECT_EQ(bad.code, kExitUsageError);
  EXPECT_THAT(bad.err, HasSubstr("value 'high' of the data has no row in the weights"));
}

std::map<std::string, double> Values(const std::string& json_text) {
  std::map<std::string, double> out;
  const nlohmann::json j = nlohmann::json::parse(json_text);
  for (const auto& c : j["coefficients"]) {
    if (c["defined"].get<bool>()) out[c["name"].get<std::string>()] = c["value"].get<double>();
  }
  return out;
}

// irrCAC's cont3x3abstractors and distrib.6raters (its README and weighting
// vignette; tests/data/irrcac_readme_examples.json,
// irrcac_weighted_examples.json) as the .table and .dist functions take them.
constexpr char kCont3x3[] = ",Ectopic,AIU,NIU\nEctopic,13,0,0\nAIU,0,20,7\nNIU,0,4,56\n";
constexpr char kDistrib6[] =
    "Subject,Depression,Personality.Disorder,Schizophrenia,Neurosis,Other\n"
    "1,0,0,0,6,0\n2,0,3,0,0,3\n3,0,1,4,0,1\n4,0,0,0,0,6\n5,0,3,0,3,0\n6,2,0,4,0,0\n"
    "7,0,0,4,0,2\n8,2,0,3,1,0\n9,2,0,0,4,0\n10,0,0,0,0,6\n11,1,0,0,5,0\n12,1,1,0,4,0\n"
    "13,0,3,3,0,0\n14,1,0,0,5,0\n15,0,2,0,3,1\n";

TEST(StatsCommand, ContingencyTableInput) {
  StatsOptions o;
  o.table = WriteFile("cont3x3.csv", kCont3x3);
  StatsRun r = Stats(o);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  std::map<std::string, double> v = Values(r.out);
  EXPECT_NEAR(v["cohen_kappa"], 0.7964094, 5e-7);  // kappa2.table
  EXPECT_NEAR(v["scott_pi"], 0.7962397, 5e-7);     // scott2.table
  EXPECT_NEAR(v["percent_agreement"], 0.89, 5e-7);
  EXPECT_EQ(nlohmann::json::parse(r.out)["units"], 100);
  // The header's order is the scale: quadratic.weights(1:3) on it.
  o.level = "ordinal";
  o.weights = "quadratic";
  r = Stats(o);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  v = Values(r.out);
  EXPECT_NEAR(v["cohen_kappa"], 0.8921569, 5e-7);
  EXPECT_NEAR(v["scott_pi"], 0.8921093, 5e-7);
  EXPECT_NEAR(v["gwet_ac2"], 0.9402369, 5e-7);
  EXPECT_NEAR(v["brennan_prediger"], 0.9175, 5e-7);
  EXPECT_NEAR(v["krippendorff_alpha"], 0.8926487, 5e-7);
  EXPECT_NEAR(v["percent_agreement"], 0.9725, 5e-7);
  o.table = WriteFile("cont_bad.csv", ",A,B\nA,1,2\nC,3,x\n");
  r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr("cont_bad.csv:3: count 'x' for B is not a whole number"));
  o.table = WriteFile("cont_rows.csv", ",A,B\nB,1,2\nA,3,4\n");
  r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr("cont_rows.csv:2: row 'B' where the header has 'A'"));
}

// irr's `anxiety` ratings (20 subjects x 3 raters) and the reference
// manual's icc(anxiety, model = "twoway", type = "agreement"): ICC(A,1) =
// 0.198, F(19, 39.7) = 1.83, p = 0.0543, 95% interval -0.039 to 0.494.
TEST(StatsCommand, IntraclassCorrelationsOfIntervalRatings) {
  std::string csv = "unit,rater1,rater2,rater3\n";
  const int ratings[20][3] = {{3, 3, 2}, {3, 6, 1}, {3, 4, 4}, {4, 6, 4}, {5, 2, 3},
                              {5, 4, 2}, {2, 2, 1}, {3, 4, 6}, {5, 3, 1}, {2, 3, 1},
                              {2, 2, 1}, {6, 3, 2}, {1, 3, 3}, {5, 3, 3}, {2, 2, 1},
                              {2, 2, 1}, {1, 1, 3}, {2, 3, 3}, {4, 3, 2}, {3, 4, 2}};
  for (int u = 0; u < 20; ++u) {
    csv += "s" + std::to_string(u + 1) + "," + std::to_string(ratings[u][0]) + "," +
           std::to_string(ratings[u][1]) + "," + std::to_string(ratings[u][2]) + "\n";
  }
  StatsOptions o = Input("anxiety.csv", csv);
  o.level = "interval";
  o.icc = true;
  StatsRun r = Stats(o);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const nlohmann::json icc = nlohmann::json::parse(r.out)["icc"];
  ASSERT_EQ(icc.size(), 6u);
  const nlohmann::json& agreement = icc[4];
  EXPECT_EQ(agreement["name"], "ICC(A,1)");
  EXPECT_EQ(agreement["shrout_fleiss"], "ICC(2,1)");
  EXPECT_NEAR(agreement["value"].get<double>(), 0.198, 5e-4);
  EXPECT_NEAR(agreement["f"].get<double>(), 1.83, 5e-3);
  EXPECT_NEAR(agreement["df2"].get<double>(), 39.7, 0.05);
  EXPECT_NEAR(agreement["p_value"].get<double>(), 0.0543, 5e-5);
  EXPECT_NEAR(agreement["ci_low"].get<double>(), -0.039, 5e-4);
  EXPECT_NEAR(agreement["ci_high"].get<double>(), 0.494, 5e-4);

  r = Stats(o, OutputFormat::kTable);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("intraclass correlations"));
  EXPECT_THAT(r.out, HasSubstr("ICC(C,k)"));
  EXPECT_THAT(r.out, HasSubstr("20 units rated by all 3 raters"));

  o.level = "nominal";
  r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr("--icc: intraclass correlations need ratings (--input) at --level "
                               "interval or ratio"));
}

TEST(StatsCommand, CountsInput) {
  StatsOptions o;
  o.counts = WriteFile("distrib6.csv", kDistrib6);
  StatsRun r = Stats(o);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  std::map<std::string, double> v = Values(r.out);
  EXPECT_NEAR(v["fleiss_kappa"], 0.4139265, 5e-7);  // fleiss.kappa.dist
  EXPECT_NEAR(v["gwet_ac1"], 0.4448007, 5e-7);
  EXPECT_NEAR(v["brennan_prediger"], 0.4388889, 5e-7);
  EXPECT_NEAR(v["krippendorff_alpha"], 0.4204384, 5e-7);
  EXPECT_EQ(v.count("conger_kappa"), 0u);
  EXPECT_TRUE(nlohmann::json::parse(r.out)["pairwise"].empty());
  o.level = "ordinal";
  o.weights = "quadratic";
  r = Stats(o);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  v = Values(r.out);
  EXPECT_NEAR(v["fleiss_kappa"], 0.2511909, 5e-7);
  EXPECT_NEAR(v["gwet_ac2"], 0.4837438, 5e-7);
  EXPECT_NEAR(v["brennan_prediger"], 0.4177778, 5e-7);
  EXPECT_NEAR(v["krippendorff_alpha"], 0.259511, 5e-7);
  // What tells coders apart is refused, by name.
  o.coefficients = {"conger_kappa"};
  r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr("conger_kappa tells the coders apart"));
}

TEST(StatsCommand, SpansRefuseWeights) {
  // Through the registered command: the span coefficients have no weights.
  CLI::App app;
  GlobalOptions globals;
  int code = -1;
  AddStatsCommand(app, globals, &code);
  const std::string spans = WriteFile("s.csv", "document,coder,code,start,end\nd,a,x,0,5\n");
  const std::string lengths = WriteFile("l.csv", "document,length\nd,10\n");
  std::vector<std::string> args = {"icr",       "stats", "--spans",   spans,
                                   "--lengths", lengths, "--weights", "linear"};
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(code, kExitUsageError);
}

TEST(StatsCommand, SetValuedLongLayout) {
  StatsOptions o = Input("sets.csv",
                         "unit,coder,value\nu1,A,x\nu1,A,y\nu1,B,x\nu2,A,y\nu2,B,y\nu3,A,x\n"
                         "u3,B,x\nu3,B,y\n");
  o.metric = "masi";
  StatsRun r = Stats(o);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["metric"], "masi");
  o.metric = "";
  StatsRun plain = Stats(o);
  EXPECT_EQ(plain.code, kExitUsageError);
  EXPECT_THAT(plain.err, HasSubstr("sets.csv:3: second value for unit 'u1' and coder 'A' "
                                   "(first on line 2)"));
}

TEST(StatsCommand, TableAndCsvOutput) {
  StatsRun table = Stats(Input("t.csv", kWideC), OutputFormat::kTable);
  ASSERT_EQ(table.code, kExitOk);
  EXPECT_THAT(table.out, HasSubstr("krippendorff_alpha  0.7434"));
  EXPECT_THAT(table.out, HasSubstr("tentative"));
  StatsRun csv = Stats(Input("t.csv", kWideC), OutputFormat::kCsv);
  ASSERT_EQ(csv.code, kExitOk);
  EXPECT_THAT(csv.out, HasSubstr("coefficient,value,interpretation,"));
  EXPECT_THAT(csv.out, HasSubstr("\ncoder_a,coder_b,units,percent_agreement,cohen_kappa,note\n"));
}

struct BadInput {
  const char* name;
  const char* text;
  const char* layout;
  const char* level;
  const char* message;  // expected in stderr after "icr stats: <path>"
};

void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }

class StatsBadInputTest : public testing::TestWithParam<BadInput> {};

TEST_P(StatsBadInputTest, ExitsTwoNamingFileAndLine) {
  const BadInput& b = GetParam();
  StatsOptions o = Input(b.name, b.text);
  o.layout = b.layout;
  o.level = b.level;
  StatsRun r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr(o.input + b.message)) << r.err;
  EXPECT_TRUE(r.out.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, StatsBadInputTest,
    testing::Values(
        BadInput{"wrong_header_long.csv", "unit,rater,value\nu1,A,1\n", "long", "nominal",
                 ":1: wrong header: expected unit,coder,value"},
        BadInput{"wrong_header_wide.csv", "item,A,B\nu1,1,1\n", "wide", "nominal",
                 ":1: wrong header: expected unit,CODER1,CODER2,..."},
        BadInput{"ragged_wide.csv", "unit,A,B\nu1,1,1\nu2,1\n", "auto", "nominal",
                 ":3: ragged row: 2 fields, the header has 3"},
        BadInput{"ragged_long.csv", "unit,coder,value\nu1,A,1\nu1,B,1,extra\n", "auto", "nominal",
                 ":3: ragged row: 4 fields, the header has 3"},
        BadInput{"duplicate_unit.csv", "unit,A,B\nu1,1,1\nu2,1,2\nu1,2,2\n", "wide", "nominal",
                 ":4: duplicate unit 'u1' (first on line 2)"},
        BadInput{"duplicate_coder.csv", "unit,A,A\nu1,1,1\n", "wide", "nominal",
                 ":1: coder 'A' appears twice in the header"},
        BadInput{"not_a_number.csv", "unit,A,B\nu1,1,2\nu2,2,2\nu3,3,x\n", "wide", "interval",
                 ":4: value 'x' is not a number (--level interval needs numbers)"},
        BadInput{"negative_ratio.csv", "unit,A,B\nu1,1,2\nu2,-2,2\n", "wide", "ratio",
                 ":3: value '-2' is negative (--level ratio)"},
        BadInput{"bad_quote.csv", "unit,A,B\nu1,\"1,1\nu2,1,1\n", "wide", "nominal",
                 ":2: malformed CSV"},
        BadInput{"empty.csv", "", "wide", "nominal", ":1: empty file"},
        BadInput{"empty_unit.csv", "unit,A,B\n,1,1\n", "wide", "nominal", ":2: empty unit"}),
    [](const testing::TestParamInfo<BadInput>& info) {
      std::string n = info.param.name;
      return n.substr(0, n.find('.'));
    });

TEST(StatsCommand, UnreadableFile) {
  StatsOptions o;
  o.input = testing::TempDir() + "does_not_exist.csv";
  StatsRun r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr("does_not_exist.csv: cannot open"));
}

TEST(StatsCommand, BadFlags) {
  StatsOptions o = Input("flags.csv", kWideC);
  o.weights = "linear";  // nominal level
  EXPECT_EQ(Stats(o).code, kExitUsageError);
  o = Input("flags.csv", kWideC);
  o.coefficients = {"nonsense"};
  StatsRun r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr("unknown coefficient 'nonsense'"));
  o = Input("flags.csv", kWideC);
  o.categories = 3;  // 5 observed
  EXPECT_EQ(Stats(o).code, kExitUsageError);
}

TEST(CoefficientFormat, UndefinedAndBootstrapFields) {
  agreement::Coefficient c = agreement::Coefficient::Undefined("scott_pi", "one category only");
  nlohmann::json j = CoefficientToJson(c);
  EXPECT_TRUE(j["value"].is_null());
  EXPECT_EQ(j["defined"], false);
  EXPECT_EQ(j["reason"], "one category only");
  EXPECT_FALSE(j.contains("ci"));
  EXPECT_FALSE(j.contains("p_below_min"));
  c.value = 0.5;
  c.reason.clear();
  c.ci = agreement::BootstrapInterval{0.4, 0.6, 0.95, 1000};
  c.p_below_min = 0.25;
  j = CoefficientToJson(c);
  EXPECT_EQ(j["value"], 0.5);
  EXPECT_EQ(j["ci"]["samples"], 1000);
  EXPECT_EQ(j["ci"]["low"], 0.4);
  EXPECT_EQ(j["p_below_min"], 0.25);
  EXPECT_EQ(j["interpretation"], "moderate");
  std::vector<std::string> row = CoefficientTableRow(c);
  EXPECT_EQ(row.size(), CoefficientTableHeader().size());
  EXPECT_EQ(row[1], "0.5000");
  EXPECT_EQ(row[3], "[0.4000, 0.6000]");
  EXPECT_EQ(j["ci"]["defined"], true);
  c.ci = agreement::BootstrapInterval{0, 0, 0.95, 0, "no replicate"};
  j = CoefficientToJson(c);
  EXPECT_EQ(j["ci"]["defined"], false);
  EXPECT_EQ(j["ci"]["undefined_reason"], "no replicate");
  EXPECT_EQ(j["ci"]["samples"], 0);
  EXPECT_FALSE(j["ci"].contains("low"));
  EXPECT_FALSE(j["ci"].contains("high"));
  EXPECT_EQ(CoefficientTableRow(c)[3], "undefined (no replicate)");
}

// irrCAC's cac.raw4raters (tests/data/irrcac_readme_examples.json, from
// irrCAC's README): the standard errors, intervals and p-values irrCAC
// prints, through `icr stats`.
constexpr char kRaw4Raters[] =
    "unit,Rater1,Rater2,Rater3,Rater4\n"
    "1,1,1,,1\n2,2,2,3,2\n3,3,3,3,3\n4,3,3,3,3\n5,2,2,2,2\n6,1,2,3,4\n"
    "7,4,4,4,4\n8,1,1,2,1\n9,2,2,2,2\n10,,5,5,5\n11,,,1,1\n12,,,3,\n";

TEST(StatsCommand, AnalyticStandardErrorsAsIrrCacPrintsThem) {
  StatsRun r = Stats(Input("raw4.csv", kRaw4Raters));
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& c : j["coefficients"]) by_name[c["name"]] = c;
  EXPECT_NEAR(by_name["fleiss_kappa"]["se"].get<double>(), 0.15302, 5e-6);
  EXPECT_NEAR(by_name["fleiss_kappa"]["ci_low"].get<double>(), 0.424, 5e-4);
  EXPECT_EQ(by_name["fleiss_kappa"]["ci_high"], 1.0);
  EXPECT_NEAR(by_name["fleiss_kappa"]["p_value"].get<double>(), 0.0002095865, 1e-10);
  EXPECT_NEAR(by_name["conger_kappa"]["value"].get<double>(), 0.76282, 5e-6);
  EXPECT_NEAR(by_name["conger_kappa"]["se"].get<double>(), 0.14917, 5e-6);
  EXPECT_NEAR(by_name["krippendorff_alpha"]["se"].get<double>(), 0.14548, 5e-6);
  EXPECT_NEAR(by_name["gwet_ac1"]["se"].get<double>(), 0.14295, 5e-6);
  EXPECT_NEAR(by_name["brennan_prediger"]["se"].get<double>(), 0.14472, 5e-6);
  EXPECT_NEAR(by_name["percent_agreement"]["se"].get<double>(), 0.12561, 5e-6);
  EXPECT_TRUE(by_name["light_kappa"]["se"].is_null());
  EXPECT_THAT(by_name["light_kappa"]["se_reason"].get<std::string>(),
              HasSubstr("no analytic variance"));

  StatsRun table = Stats(Input("raw4.csv", kRaw4Raters), OutputFormat::kTable);
  ASSERT_EQ(table.code, kExitOk);
  // coefficient, value, interpretation, ci, se, p_value, ...
  EXPECT_THAT(table.out, HasSubstr("fleiss_kappa        0.7612     substantial     "
                                   "[0.4244, 1.0000]  0.1530  2.10e-04"));
  EXPECT_THAT(table.out, HasSubstr("se, ci: analytic standard error (Gwet 2008; Gwet 2014"));
  EXPECT_THAT(table.out, HasSubstr("95% interval value -/+ t(n - 1) se"));
  EXPECT_THAT(table.out, HasSubstr("no se: Light's kappa has no analytic variance"));
}

TEST(StatsCommand, SeMethodsAndPopulation) {
  StatsOptions o = Input("se.csv", kRaw4Raters);
  o.coefficients = {"fleiss_kappa"};
  o.se = "bootstrap";
  nlohmann::json c = nlohmann::json::parse(Stats(o).out)["coefficients"][0];
  EXPECT_EQ(c["se_method"], "bootstrap");
  EXPECT_EQ(c["ci"]["samples"], kDefaultBootstrapSamples);
  EXPECT_EQ(c["se"], c["ci"]["se"]);
  EXPECT_FALSE(c.contains("p_value"));
  o.se = "both";
  o.bootstrap = 300;
  c = nlohmann::json::parse(Stats(o).out)["coefficients"][0];
  EXPECT_EQ(c["se_method"], "analytic");
  EXPECT_NEAR(c["se"].get<double>(), 0.15302, 5e-6);
  EXPECT_EQ(c["ci"]["samples"], 300);
  StatsRun table = Stats(o, OutputFormat::kTable);
  EXPECT_THAT(table.out, HasSubstr("[0.4244, 1.0000]; bootstrap ["));
  EXPECT_THAT(table.out, HasSubstr("bootstrap: percentile interval and standard deviation of 300"));
  // --bootstrap without --se: both, as before plus the analytic ones.
  o.se.clear();
  c = nlohmann::json::parse(Stats(o).out)["coefficients"][0];
  EXPECT_EQ(c["se_method"], "analytic");
  EXPECT_TRUE(c.contains("ci"));
  o.se = "none";
  o.bootstrap = 0;
  c = nlohmann::json::parse(Stats(o).out)["coefficients"][0];
  EXPECT_FALSE(c.contains("se") || c.contains("ci"));
  // The finite-population correction: variance times (1 - 12 / 24).
  o.se = "analytic";
  o.population = 24;
  c = nlohmann::json::parse(Stats(o).out)["coefficients"][0];
  EXPECT_NEAR(c["se"].get<double>(), 0.1530192034694924 * std::sqrt(0.5), 1e-12);
  EXPECT_EQ(c["se_population"], 24);

  o.population = 11;  // below the 12 units
  StatsRun r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr("population 11 is below the 12 units"));
  o.population = 24;
  o.se = "bootstrap";
  r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr("--population corrects the analytic standard errors"));
  o.population = 0;
  o.se = "analytic";
  o.bootstrap = 100;
  r = Stats(o);
  EXPECT_EQ(r.code, kExitUsageError);
  EXPECT_THAT(r.err, HasSubstr("--bootstrap N goes with --se bootstrap or --se both"));
}

// Two units, each one category throughout: Cohen's kappa is 1, and a
// replicate that draws one unit twice has one category only. With one
// replicate, some seed draws that: `icr stats` says the interval is
// undefined and why instead of printing [0, 0].
TEST(StatsCommand, UndefinedBootstrapIntervalSaysWhy) {
  bool found = false;
  for (uint64_t seed = 1; seed <= 64 && !found; ++seed) {
    StatsOptions o = Input("two.csv", "unit,A,B\nu1,x,x\nu2,y,y\n");
    o.coefficients = {"cohen_kappa"};
    o.bootstrap = 1;
    o.seed = seed;
    StatsRun r = Stats(o);
    ASSERT_EQ(r.code, kExitOk) << r.err;
    const nlohmann::json ci = nlohmann::json::parse(r.out)["coefficients"][0]["ci"];
    if (ci["defined"] == true) continue;
    found = true;
    EXPECT_EQ(ci["samples"], 0);
    EXPECT_FALSE(ci.contains("low"));
    EXPECT_THAT(ci["undefined_reason"].get<std::string>(),
                HasSubstr("none of the 1 bootstrap replicates has a defined value (one category"));
    StatsRun table = Stats(o, OutputFormat::kTable);
    ASSERT_EQ(table.code, kExitOk) << table.err;
    EXPECT_THAT(table.out, HasSubstr("undefined (none of the 1 bootstrap replicates"));
    EXPECT_THAT(table.out, ::testing::Not(HasSubstr("[0.0000, 0.0000]")));
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace icr::client

namespace icr::client {
namespace {

// The unquoted fast path of ReadCsvText must give the records libcsv gives.
// A trailing quoted record sends the same text through libcsv.
std::vector<std::pair<int64_t, std::vector<std::string>>> Records(std::string_view text) {
  std::vector<std::pair<int64_t, std::vector<std::string>>> out;
  absl::Status s = ReadCsvText(text, "t.csv", [&](const CsvRecord& r) {
    out.push_back({r.line, std::vector<std::string>(r.fields.begin(), r.fields.end())});
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

TEST(CsvFastPath, SameRecordsAsLibcsv) {
  for (std::string text :
       {std::string("unit,A,B\nu1,1,2\n\nu2, 3 ,\t4\r\nu3,,\r\n  \nu4,5,6"),
        std::string("\xEF\xBB\xBFunit,A\r\r\nu1,x y\n"), std::string("a\n,\n,,\n")}) {
    auto fast = Records(text);
    auto slow = Records(text + "\n\"q\"\n");
    ASSERT_EQ(slow.size(), fast.size() + 1) << text;
    slow.pop_back();
    EXPECT_EQ(fast, slow) << text;
  }
}

}  // namespace
}  // namespace icr::client
