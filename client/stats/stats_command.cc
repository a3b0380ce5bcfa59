#include "client/stats/stats_command.h"

#include <algorithm>
#include <memory>
#include <ostream>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "client/csv_reader.h"
#include "client/span_stats/span_stats.h"
#include "client/stats/coefficient_format.h"
#include "client/stats/count_input.h"
#include "client/stats/icc_output.h"
#include "client/stats/stats_input.h"
#include "client/stats/weights_file.h"
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

void PrintJson(const Analysis& a, const agreement::ReliabilityData& data,
               const std::vector<agreement::IccResult>& icc, std::ostream& out) {
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
  if (!icc.empty()) j["icc"] = IccJson(icc);
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

void PrintText(const Analysis& a, const agreement::ReliabilityData& data,
               const std::vector<agreement::IccResult>& icc, bool csv, std::ostream& out) {
  std::vector<std::vector<std::string>> rows = {CoefficientTableHeader()};
  for (const auto& c : a.coefficients) rows.push_back(CoefficientTableRow(c));
  if (csv) {
    out << FormatCsv(rows);
    if (!a.pairwise.empty()) out << "\n" << FormatCsv(PairwiseRows(a, data));
    if (!icc.empty()) out << "\n" << FormatCsv(IccRows(icc));
    return;
  }
  out << "units " << a.units << ", coders " << a.coders << ", pairable values " << a.pairable_values
      << ", level " << a.level;
  if (a.metric != a.level) out << ", metric " << a.metric;
  for (const auto& c : a.coefficients) {
    if (!c.weights.empty() && c.weights != "unweighted") {
      out << ", " << c.weights << " weights (Gwet 2014, ch. 3; as irrCAC)";
      break;
    }
  }
  out << "\n\n" << FormatTable(rows);
  out << SeLegend(a);
  if (!a.pairwise.empty()) out << "\npairwise\n" << FormatTable(PairwiseRows(a, data));
  if (!icc.empty())
    out << "\nintraclass correlations\n" << FormatTable(IccRows(icc)) << IccLegend(icc);
}

}  // namespace

int RunStats(const StatsOptions& options, const GlobalOptions& globals, std::ostream& out,
             std::ostream& err) {
  const int inputs = !options.input.empty() + !options.table.empty() + !options.counts.empty();
  if (inputs != 1) {
    return UsageError(err, "give one of --input F.csv, --table T.csv or --counts C.csv");
  }
  // The file the data come from, for messages.
  const std::string& path = !options.input.empty()   ? options.input
                            : !options.table.empty() ? options.table
                                                     : options.counts;
  const bool counts_only = !options.counts.empty();
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
  if (!weights) return UsageError(err, "--weights must be one of " + agreement::KnownWeights());
  analysis.weights = *weights;
  if (!options.weights_file.empty() && *weights != agreement::Weights::kNone) {
    return UsageError(err, "--weights " + options.weights +
                               " and --weights_file: give one (the file is the weights)");
  }
  if ((weights != agreement::Weights::kNone || !options.weights_file.empty()) &&
      analysis.set_metric) {
    return UsageError(err, "--weights: set-valued cells (--metric) have no weighted form");
  }
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
  if (counts_only) {
    // Counts per unit and category have no coders: what tells coders apart
    // cannot be computed from them (irrCAC's .dist functions are these).
    static constexpr const char* kFromCounts[] = {
        "percent_agreement", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "brennan_prediger"};
    const bool all = analysis.coefficients.empty() ||
                     std::find(analysis.coefficients.begin(), analysis.coefficients.end(), "all") !=
                         analysis.coefficients.end();
    if (all) {
      analysis.coefficients.assign(std::begin(kFromCounts), std::end(kFromCounts));
    } else {
      for (const std::string& name : analysis.coefficients) {
        if (name == "gwet_ac2" || std::find(std::begin(kFromCounts), std::end(kFromCounts), name) !=
                                      std::end(kFromCounts)) {
          continue;
        }
        return UsageError(err, name +
                                   " tells the coders apart, and --counts has none (only how "
                                   "many gave each category): use --input or --table");
      }
    }
    analysis.pairwise = false;
  }
  if (!options.order.empty() && options.input.empty()) {
    return UsageError(err, "--order: the header of --table / --counts is the categories' order");
  }
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

  if (options.icc && (options.input.empty() || (analysis.level != agreement::Level::kInterval &&
                                                analysis.level != agreement::Level::kRatio))) {
    return UsageError(err,
                      "--icc: intraclass correlations need ratings (--input) at --level "
                      "interval or ratio");
  }
  if (analysis.set_metric && options.input.empty()) {
    return UsageError(err, "--metric: --table and --counts hold single values, not sets");
  }
  absl::StatusOr<LoadedData> loaded =
      !options.input.empty()
          ? LoadReliabilityCsv(options.input, layout, analysis.set_metric.has_value())
      : !options.table.empty() ? LoadContingencyTableCsv(options.table)
                               : LoadUnitCountsCsv(options.counts);
  if (!loaded.ok()) return UsageError(err, std::string(loaded.status().message()));
  if (absl::Status s = CheckValues(*loaded, path, analysis.level, options.order); !s.ok()) {
    return UsageError(err, std::string(s.message()));
  }
  agreement::ReliabilityData& data = loaded->data;
  // An ordinal scale or a weight family reads the categories' order: labels
  // that are not numbers have none but --order's (their order in the file is
  // no scale).
  const bool needs_scale =
      analysis.level == agreement::Level::kOrdinal || analysis.weights.weighted();
  if (needs_scale && options.order.empty() && !options.input.empty() && !data.set_valued() &&
      !data.all_numeric()) {
    return UsageError(
        err, std::string(analysis.weights.weighted() ? "--weights " + options.weights
                                                     : std::string("--level ordinal")) +
                 " on values that are not all numbers needs --order LOW,...,HIGH (the order "
                 "of first appearance in the file is no scale)");
  }
  if (analysis.level != agreement::Level::kNominal || !options.order.empty()) {
    if (absl::Status s = data.OrderCategories(options.order); !s.ok()) {
      return UsageError(err, std::string(s.message()));
    }
  }
  if (!options.weights_file.empty()) {
    absl::StatusOr<WeightsTable> table = LoadWeightsCsv(options.weights_file);
    if (!table.ok()) return UsageError(err, std::string(table.status().message()));
    absl::StatusOr<agreement::WeightMatrix> matrix =
        WeightsOnData(*table, options.weights_file, data);
    if (!matrix.ok()) return UsageError(err, std::string(matrix.status().message()));
    analysis.weights = *std::move(matrix);
  }
  absl::StatusOr<Analysis> result = agreement::Analyze(data, analysis);
  if (!result.ok()) return UsageError(err, std::string(result.status().message()));
  std::vector<agreement::IccResult> icc;
  if (options.icc) {
    absl::StatusOr<std::vector<agreement::IccResult>> computed =
        ComputeIcc(data, options.confidence);
    if (!computed.ok()) return UsageError(err, std::string(computed.status().message()));
    icc = *std::move(computed);
  }
  switch (globals.output) {
    case OutputFormat::kJson:
      PrintJson(*result, data, icc, out);
      break;
    case OutputFormat::kCsv:
      PrintText(*result, data, icc, /*csv=*/true, out);
      break;
    case OutputFormat::kTable:
      PrintText(*result, data, icc, /*csv=*/false, out);
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
  CLI::Option* table =
      stats->add_option("--table", options->table,
                        "CSV of two coders' k x k contingency table: header ,A,B,C, one row per "
                        "category of the first coder (irrCAC's .table functions)");
  CLI::Option* counts = stats->add_option(
      "--counts", options->counts,
      "CSV of counts per unit: header unit,A,B,C, each cell how many coders gave the unit "
      "that category (Fleiss 1971; irrCAC's .dist functions)");
  table->excludes(input)->excludes(counts)->excludes(spans);
  stats
      ->add_option("--coders", span_options->coders,
                   "with --spans: every coder of the study, A,B,C (a coder who marked nothing "
                   "counts)")
      ->delimiter(',')
      ->needs(spans);
  counts->excludes(input)->excludes(spans);
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
                   "agreement weights of every coefficient, as irrCAC: unweighted|linear|"
                   "quadratic|ordinal|radical|ratio|circular|bipolar (ordered levels; on the "
                   "values when all are numbers, else on the positions in --order)")
      ->check(CLI::IsMember({"none", "unweighted", "identity", "linear", "quadratic", "ordinal",
                             "radical", "ratio", "circular", "bipolar"}))
      ->capture_default_str();
  stats->add_option("--weights_file", options->weights_file,
                    "CSV of custom agreement weights: header ,A,B,C and one row per category "
                    "(entries in [0, 1], diagonal 1)");
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
  stats->add_flag("--icc", options->icc,
                  "also the intraclass correlations (Shrout & Fleiss 1979; McGraw & Wong 1996) of "
                  "interval or ratio ratings");
  stats->add_option("--order", options->order, "ordinal order of the values, low to high: a,b,c")
      ->delimiter(',');
  stats->callback([options, span_options, &globals, exit_code] {
    if (!span_options->spans_path.empty()) {
      if (!options->weights_file.empty() ||
          agreement::ParseWeights(options->weights) != agreement::Weights::kNone) {
        // Nothing silently ignored: the span coefficients have no weights.
        std::cerr << "icr stats: --weights: the span coefficients (unitizing alpha, cu-alpha, "
                     "Cu-alpha, span matching) have no weighted form\n";
        *exit_code = kExitUsageError;
        return;
      }
      // The bootstrap flags are those of every `icr stats` bootstrap.
      span_options->bootstrap = options->bootstrap;
      span_options->seed = options->seed;
      span_options->confidence = options->confidence;
      *exit_code = RunSpanStats(*span_options, globals, std::cout, std::cerr);
    } else if (options->input.empty() && options->table.empty() && options->counts.empty()) {
      std::cerr << "icr stats: give --input F.csv, --table T.csv, --counts C.csv, or --spans "
                   "F.csv --lengths L.csv\n";
      *exit_code = kExitUsageError;
    } else {
      *exit_code = RunStats(*options, globals, std::cout, std::cerr);
    }
  });
}

}  // namespace icr::client
