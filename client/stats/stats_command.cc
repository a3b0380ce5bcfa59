#include "client/stats/stats_command.h"

#include <memory>
#include <ostream>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "client/csv_reader.h"
#include "client/span_stats/span_stats.h"
#include "client/stats/coefficient_format.h"
#include "client/stats/stats_input.h"
#include "nlohmann/json.hpp"
#include "server/agreement/analysis.h"

namespace icr::client {
namespace {

using agreement::Analysis;
using agreement::AnalysisOptions;

int UsageError(std::ostream& err, const std::string& message) {
  err << "icr stats: " << message << "\n";
  return kExitUsageError;
}

// Checks that the values fit the level before the categories are reordered
// (while `first_line` still matches the ids), naming the file and line.
absl::Status CheckValues(const LoadedData& loaded, const std::string& path, agreement::Level level,
                         const std::vector<std::string>& order) {
  const agreement::ReliabilityData& data = loaded.data;
  absl::flat_hash_set<std::string> listed(order.begin(), order.end());
  for (int32_t id = 0; id < data.num_categories(); ++id) {
    const agreement::Category& c = data.category(id);
    const int64_t line =
        id < static_cast<int32_t>(loaded.first_line.size()) ? loaded.first_line[id] : 0;
    if (level == agreement::Level::kInterval || level == agreement::Level::kRatio) {
      if (c.is_set || !c.number) {
        return CsvError(path, line,
                        absl::StrCat("value '", c.label, "' is not a number (--level ",
                                     agreement::LevelName(level), " needs numbers)"));
      }
      if (level == agreement::Level::kRatio && *c.number < 0) {
        return CsvError(path, line,
                        absl::StrCat("value '", c.label, "' is negative (--level ratio)"));
      }
    }
    if (!order.empty() && !listed.contains(c.label)) {
      return CsvError(path, line, absl::StrCat("value '", c.label, "' is not in --order"));
    }
  }
  return absl::OkStatus();
}

void PrintJson(const Analysis& a, const agreement::ReliabilityData& data, std::ostream& out) {
  nlohmann::json j;
  j["units"] = a.units;
  j["coders"] = a.coders;
  j["pairable_values"] = a.pairable_values;
  j["level"] = a.level;
  j["metric"] = a.metric;
  j["coefficients"] = nlohmann::json::array();
  for (const auto& c : a.coefficients) j["coefficients"].push_back(CoefficientToJson(c));
  j["pairwise"] = nlohmann::json::array();
  for (const auto& p : a.pairwise) {
    nlohmann::json row;
    row["coder_a"] = data.coder_names()[p.coder_a];
    row["coder_b"] = data.coder_names()[p.coder_b];
    row["units"] = p.units;
    row["percent_agreement"] =
        p.percent_agreement ? nlohmann::json(*p.percent_agreement) : nlohmann::json(nullptr);
    row["cohen_kappa"] =
        p.cohen_kappa.value ? nlohmann::json(*p.cohen_kappa.value) : nlohmann::json(nullptr);
    if (!p.cohen_kappa.defined()) row["cohen_kappa_reason"] = p.cohen_kappa.reason;
    j["pairwise"].push_back(std::move(row));
  }
  out << j.dump(2) << "\n";
}

std::vector<std::vector<std::string>> PairwiseRows(const Analysis& a,
                                                   const agreement::ReliabilityData& data) {
  std::vector<std::vector<std::string>> rows = {
      {"coder_a", "coder_b", "units", "percent_agreement", "cohen_kappa", "note"}};
  for (const auto& p : a.pairwise) {
    rows.push_back({data.coder_names()[p.coder_a], data.coder_names()[p.coder_b],
                    std::to_string(p.units),
                    p.percent_agreement ? FormatNumber(*p.percent_agreement) : "",
                    p.cohen_kappa.value ? FormatNumber(*p.cohen_kappa.value) : "undefined",
                    p.cohen_kappa.defined() ? "" : p.cohen_kappa.reason});
  }
  return rows;
}

// What the se, ci and p_value columns are, under the table.
std::string SeLegend(const Analysis& a) {
  const agreement::Coefficient* analytic = nullptr;
  const agreement::Coefficient* boot = nullptr;
  for (const auto& c : a.coefficients) {
    if (c.analytic && !analytic) analytic = &c;
    if (c.ci && !boot) boot = &c;
  }
  std::string out;
  if (analytic) {
    const agreement::AnalyticInterval& s = *analytic->analytic;
    out += "\nse, ci: analytic standard error (Gwet 2008; Gwet 2014, ch. 5-6; as irrCAC) and " +
           FormatNumber(100 * s.confidence, 0) +
           "% interval value -/+ t(n - 1) se, upper bound capped at 1; p_value: one-sided t test "
           "against 0";
    if (s.population > 0)
      out += "; finite-population correction, N = " + std::to_string(s.population);
    out += "\n";
  }
  if (boot) {
    out += std::string(analytic ? "bootstrap" : "\nci, se") +
           ": percentile interval and standard " + "deviation of " +
           std::to_string(boot->ci->samples) +
           " bootstrap replicates over units (alpha: Hayes & Krippendorff 2007, D_e fixed)\n";
  }
  return out;
}

void PrintText(const Analysis& a, const agreement::ReliabilityData& data, bool csv,
               std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {CoefficientTableHeader()};
  for (const auto& c : a.coefficients) rows.push_back(CoefficientTableRow(c));
  if (csv) {
    out << FormatCsv(rows);
    if (!a.pairwise.empty()) out << "\n" << FormatCsv(PairwiseRows(a, data));
    return;
  }
  out << "units " << a.units << ", coders " << a.coders << ", pairable values " << a.pairable_values
      << ", level " << a.level;
  if (a.metric != a.level) out << ", metric " << a.metric;
  out << "\n\n" << FormatTable(rows);
  out << SeLegend(a);
  if (!a.pairwise.empty()) out << "\npairwise\n" << FormatTable(PairwiseRows(a, data));
}

}  // namespace

int RunStats(const StatsOptions& options, const GlobalOptions& globals, std::ostream& out,
             std::ostream& err) {
  if (options.input.empty()) return UsageError(err, "--input F.csv is required");
  AnalysisOptions analysis;
  std::optional<agreement::Level> level = agreement::ParseLevel(options.level);
  if (!level) return UsageError(err, "--level must be nominal, ordinal, interval or ratio");
  analysis.level = *level;
  if (!options.metric.empty()) {
    std::optional<agreement::Metric> metric = agreement::ParseMetric(options.metric);
    if (metric != agreement::Metric::kJaccard && metric != agreement::Metric::kMasi) {
      return UsageError(err, "--metric must be jaccard or masi");
    }
    analysis.set_metric = metric;
  }
  std::optional<agreement::Weights> weights = agreement::ParseWeights(options.weights);
  if (!weights) return UsageError(err, "--weights must be none, linear or quadratic");
  analysis.weights = *weights;
  CsvLayout layout;
  if (options.layout == "auto") {
    layout = CsvLayout::kAuto;
  } else if (options.layout == "long") {
    layout = CsvLayout::kLong;
  } else if (options.layout == "wide") {
    layout = CsvLayout::kWide;
  } else {
    return UsageError(err, "--layout must be long or wide");
  }
  if (options.bootstrap < 0) return UsageError(err, "--bootstrap must be 0 or more");
  if (!(options.confidence > 0 && options.confidence < 1)) {
    return UsageError(err, "--confidence must be between 0 and 1");
  }
  if (options.categories && *options.categories < 2) {
    return UsageError(err, "--categories must be 2 or more");
  }
  if (!options.order.empty() && analysis.set_metric) {
    return UsageError(err, "--order does not apply to set-valued data");
  }
  std::string se = options.se;
  if (se.empty()) se = options.bootstrap > 0 ? "both" : "analytic";
  if (se != "analytic" && se != "bootstrap" && se != "both" && se != "none") {
    return UsageError(err, "--se must be analytic, bootstrap, both or none");
  }
  const bool analytic = se == "analytic" || se == "both";
  const bool bootstrap = se == "bootstrap" || se == "both";
  if (!bootstrap && options.bootstrap > 0) {
    return UsageError(err,
                      "--bootstrap N goes with --se bootstrap or --se both (not --se " + se + ")");
  }
  if (options.population < 0) return UsageError(err, "--population must be 0 (infinite) or more");
  if (options.population > 0 && !analytic) {
    return UsageError(err,
                      "--population corrects the analytic standard errors: use --se analytic "
                      "or both");
  }
  analysis.coefficients = options.coefficients;
  analysis.categories = options.categories;
  if (analytic) {
    analysis.analytic = agreement::VarianceOptions{.confidence = options.confidence,
                                                   .population = options.population};
  }
  analysis.bootstrap.samples =
      bootstrap ? (options.bootstrap > 0 ? options.bootstrap : kDefaultBootstrapSamples) : 0;
  analysis.bootstrap.seed = options.seed;
  analysis.bootstrap.confidence = options.confidence;
  analysis.bootstrap.alpha_min = options.alpha_min;

  absl::StatusOr<LoadedData> loaded =
      LoadReliabilityCsv(options.input, layout, analysis.set_metric.has_value());
  if (!loaded.ok()) return UsageError(err, std::string(loaded.status().message()));
  if (absl::Status s = CheckValues(*loaded, options.input, analysis.level, options.order);
      !s.ok()) {
    return UsageError(err, std::string(s.message()));
  }
  agreement::ReliabilityData& data = loaded->data;
  if (analysis.level != agreement::Level::kNominal || !options.order.empty()) {
    if (absl::Status s = data.OrderCategories(options.order); !s.ok()) {
      return UsageError(err, std::string(s.message()));
    }
  }
  absl::StatusOr<Analysis> result = agreement::Analyze(data, analysis);
  if (!result.ok()) return UsageError(err, std::string(result.status().message()));
  switch (globals.output) {
    case OutputFormat::kJson:
      PrintJson(*result, data, out);
      break;
    case OutputFormat::kCsv:
      PrintText(*result, data, /*csv=*/true, out);
      break;
    case OutputFormat::kTable:
      PrintText(*result, data, /*csv=*/false, out);
      break;
  }
  return kExitOk;
}

void AddStatsCommand(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  auto options = std::make_shared<StatsOptions>();
  auto span_options = std::make_shared<SpanStatsOptions>();
  CLI::App* stats = app.add_subcommand(
      "stats", "Agreement coefficients on a CSV of reliability data, offline (no server)");
  CLI::Option* input = stats->add_option("--input", options->input,
                                         "CSV file: long (unit,coder,value) or wide "
                                         "(unit,CODER1,CODER2,...)");
  // Free-span agreement (unitizing alpha, overlap matching, character level).
  CLI::Option* spans = stats->add_option(
      "--spans", span_options->spans_path,
      "CSV of free spans: document,coder,code,start,end (code points, end exclusive)");
  CLI::Option* lengths = stats->add_option("--lengths", span_options->lengths_path,
                                           "CSV of document lengths for --spans: document,length");
  stats
      ->add_option("--overlap", span_options->overlap,
                   "with --spans: share of the longer span two spans must overlap to match")
      ->capture_default_str();
  stats->add_flag("--overlap_of_either", span_options->overlap_of_either,
                  "with --spans: the overlap may cover that share of either span");
  input->excludes(spans);
  spans->needs(lengths);
  lengths->needs(spans);
  stats->add_option("--layout", options->layout, "long|wide (default: by the header)")
      ->check(CLI::IsMember({"auto", "long", "wide"}));
  stats->add_option("--level", options->level, "nominal|ordinal|interval|ratio")
      ->check(CLI::IsMember({"nominal", "ordinal", "interval", "ratio"}))
      ->capture_default_str();
  stats
      ->add_option("--metric", options->metric,
                   "jaccard|masi: cells are sets of codes (long: several rows; wide: a;b)")
      ->check(CLI::IsMember({"jaccard", "masi"}));
  stats
      ->add_option("--coefficients", options->coefficients,
                   "comma-separated: percent_agreement,cohen_kappa,scott_pi,fleiss_kappa,"
                   "krippendorff_alpha,gwet_ac1,gwet_ac2,brennan_prediger,conger_kappa,"
                   "light_kappa or all (default)")
      ->delimiter(',');
  stats
      ->add_option("--weights", options->weights,
                   "none|linear|quadratic: Cohen's, Conger's and Light's kappa and Gwet's AC2 "
                   "(ordered levels)")
      ->check(CLI::IsMember({"none", "linear", "quadratic"}))
      ->capture_default_str();
  stats->add_option("--bootstrap", options->bootstrap, "bootstrap replicates (0: none)")
      ->capture_default_str();
  stats->add_option("--seed", options->seed, "bootstrap seed: same seed, same result")
      ->capture_default_str();
  stats
      ->add_option("--confidence", options->confidence,
                   "confidence of the intervals (analytic and bootstrap)")
      ->capture_default_str();
  stats
      ->add_option("--se", options->se,
                   "analytic|bootstrap|both|none: standard errors and intervals (default: "
                   "analytic; both with --bootstrap N; --se bootstrap alone draws " +
                       std::to_string(kDefaultBootstrapSamples) + " replicates)")
      ->check(CLI::IsMember({"analytic", "bootstrap", "both", "none"}));
  stats->add_option("--population", options->population,
                    "units in the population the coded units were drawn from: the analytic "
                    "variances' finite-population correction (1 - n/N); default infinite");
  stats
      ->add_option("--alpha_min", options->alpha_min,
                   "report the probability that alpha is below this")
      ->capture_default_str();
  stats->add_option("--categories", options->categories,
                    "number of categories for Brennan-Prediger (default: those observed)");
  stats->add_option("--order", options->order, "ordinal order of the values, low to high: a,b,c")
      ->delimiter(',');
  stats->callback([options, span_options, &globals, exit_code] {
    if (!span_options->spans_path.empty()) {
      *exit_code = RunSpanStats(*span_options, globals, std::cout, std::cerr);
    } else if (options->input.empty()) {
      std::cerr << "icr stats: give --input F.csv, or --spans F.csv --lengths L.csv\n";
      *exit_code = kExitUsageError;
    } else {
      *exit_code = RunStats(*options, globals, std::cout, std::cerr);
    }
  });
}

}  // namespace icr::client
