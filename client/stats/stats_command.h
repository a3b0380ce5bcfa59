#ifndef ICR_CLIENT_STATS_STATS_COMMAND_H_
#define ICR_CLIENT_STATS_STATS_COMMAND_H_

// `icr stats`: the offline agreement calculator over a CSV file (DESIGN §10).
// No server, no token.
//
//   icr stats --input F.csv | --table T.csv | --counts C.csv
//             [--layout long|wide] [--level L] [--metric jaccard|masi]
//             [--coefficients LIST|all]
//             [--weights unweighted|linear|quadratic|ordinal|radical|ratio|circular|bipolar]
//             [--weights_file W.csv]
//             [--bootstrap N] [--seed S] [--confidence C] [--alpha_min X]
//             [--categories N] [--order A,B,C]
//             [--se analytic|bootstrap|both|none] [--population N]

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "client/global_options.h"

namespace icr::client {

// The flags of `icr stats`, with their defaults.
struct StatsOptions {
  std::string input;                      // --input: the CSV file of ratings
  std::string table;                      // --table: two coders' k x k table (count_input.h)
  std::string counts;                     // --counts: units x categories counts
  std::string layout = "auto";            // --layout long|wide (auto: by the header)
  std::string level = "nominal";          // --level nominal|ordinal|interval|ratio
  std::string metric;                     // --metric jaccard|masi: set-valued cells
  std::vector<std::string> coefficients;  // --coefficients a,b (empty or all: all)
  std::string weights = "unweighted";     // --weights: a family of weights.h
  std::string weights_file;               // --weights_file W.csv: a custom matrix
  int bootstrap = 0;                      // --bootstrap N replicates (0: none)
  uint64_t seed = 1;                      // --seed S
  double confidence = 0.95;               // --confidence of the bootstrap interval
  double alpha_min = 0.667;               // --alpha_min for P(alpha < alpha_min)
  std::optional<int> categories;          // --categories N (Brennan-Prediger)
  std::vector<std::string> order;         // --order a,b,c: ordinal order of the values
  // --se: "analytic", "bootstrap", "both" or "none"; empty: analytic, and
  // both when --bootstrap N is given.
  std::string se;
  int64_t population = 0;  // --population N: finite-population correction
  bool icc = false;        // --icc: also the intraclass correlations
};

// The --bootstrap replicates of `--se bootstrap|both` when --bootstrap is
// not given.
inline constexpr int kDefaultBootstrapSamples = 1000;

// Runs `icr stats` with parsed options: writes the report to `out` in
// globals.output's format and errors to `err`. Returns kExitOk, or
// kExitUsageError for bad flags or bad input (the message names the file
// and line: "F.csv:12: ragged row: ...").
int RunStats(const StatsOptions& options, const GlobalOptions& globals, std::ostream& out,
             std::ostream& err);

// Registers `icr stats` on the root CLI11 app. When the subcommand runs it
// stores 0 (kExitOk), 1 or 2 (kExitUsageError: bad flags or bad input file) in
// *exit_code. The root app has fallthrough() on, and `globals` holds the parsed
// global flags (--output etc.) by the time the callback runs. `globals` and
// `exit_code` must outlive `app`. The subcommand is app.get_subcommand("stats").
void AddStatsCommand(CLI::App& app, const GlobalOptions& globals, int* exit_code);

}  // namespace icr::client

#endif  // ICR_CLIENT_STATS_STATS_COMMAND_H_
