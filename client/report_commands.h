#ifndef ICR_CLIENT_REPORT_COMMANDS_H_
#define ICR_CLIENT_REPORT_COMMANDS_H_

#include "CLI/CLI.hpp"
#include "client/global_options.h"

namespace icr::client {

// Registers `icr report PROJECT [--round R] --format md|html|json --out F`:
// the trustworthiness report (DESIGN §5, §10).
void AddReportCommands(CLI::App& app, GlobalOptions& globals, int* exit_code);

}  // namespace icr::client

#endif  // ICR_CLIENT_REPORT_COMMANDS_H_
