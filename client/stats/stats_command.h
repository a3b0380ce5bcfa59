#ifndef ICR_CLIENT_STATS_STATS_COMMAND_H_
#define ICR_CLIENT_STATS_STATS_COMMAND_H_

// `icr stats`: the offline agreement calculator over a CSV file (DESIGN §10).
// No server, no token.

#include "CLI/CLI.hpp"
#include "client/global_options.h"

namespace icr::client {

// Registers `icr stats` on the root CLI11 app. When the subcommand runs it
// stores 0 (kExitOk), 1 or 2 (kExitUsageError: bad flags or bad input file) in
// *exit_code. The root app has fallthrough() on, and `globals` holds the parsed
// global flags (--output etc.) by the time the callback runs. `globals` and
// `exit_code` must outlive `app`.
void AddStatsCommand(CLI::App& app, const GlobalOptions& globals, int* exit_code);

}  // namespace icr::client

#endif  // ICR_CLIENT_STATS_STATS_COMMAND_H_
