#ifndef ICR_CLIENT_CODING_COMMANDS_H_
#define ICR_CLIENT_CODING_COMMANDS_H_

#include "CLI/CLI.hpp"
#include "client/global_options.h"

namespace icr::client {

// Registers `icr coding submit|list|retract|done|reopen|progress` (DESIGN §10).
void AddCodingCommands(CLI::App& app, GlobalOptions& globals, int* exit_code);

}  // namespace icr::client

#endif  // ICR_CLIENT_CODING_COMMANDS_H_
