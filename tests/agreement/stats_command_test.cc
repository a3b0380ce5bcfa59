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
