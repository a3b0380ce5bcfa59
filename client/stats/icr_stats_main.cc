// `icr-stats`: `icr stats` on its own, for benchmarks and offline use.
// Usage: icr-stats [--output table|json|csv] stats --input F.csv ...
//    or: icr-stats --input F.csv ... (the "stats" word may be left out)

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "client/global_options.h"
#include "client/stats/stats_command.h"

int main(int argc, char** argv) {
  using icr::client::GlobalOptions;
  using icr::client::OutputFormat;
  std::vector<std::string> args;
  for (int i = argc - 1; i >= 1; --i) args.emplace_back(argv[i]);  // CLI11 wants them reversed
  bool has_word = false;
  for (const std::string& a : args) has_word = has_word || a == "stats";
  if (!has_word) args.insert(args.begin() + static_cast<long>(args.size()), "stats");

  CLI::App app{"icr-stats: inter-coder agreement on a CSV file"};
  app.fallthrough();
  app.require_subcommand(1);
  GlobalOptions globals;
  std::string output = "table";
  app.add_option("--output", output, "table|json|csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->each([&globals](const std::string& v) {
        globals.output = v == "json" ? OutputFormat::kJson
                         : v == "csv" ? OutputFormat::kCsv
                                      : OutputFormat::kTable;
      });
  int exit_code = icr::client::kExitOk;
  icr::client::AddStatsCommand(app, globals, &exit_code);
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : icr::client::kExitUsageError;
  }
  return exit_code;
}
