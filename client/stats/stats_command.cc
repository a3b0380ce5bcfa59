#include "client/stats/stats_command.h"

#include <iostream>

namespace icr::client {

void AddStatsCommand(CLI::App& app, const GlobalOptions& globals, int* exit_code) {
  CLI::App* stats = app.add_subcommand("stats", "Agreement coefficients on a CSV file, offline");
  stats->callback([exit_code] {
    std::cerr << "icr stats: not implemented yet\n";
    *exit_code = kExitUsageError;
  });
}

}  // namespace icr::client
