#ifndef ICR_CLIENT_AUDIT_COMMANDS_H_
#define ICR_CLIENT_AUDIT_COMMANDS_H_

#include "CLI/CLI.hpp"
#include "client/global_options.h"

namespace icr::client {

// Registers `icr audit ...`: reading the audit trail (DESIGN §5, §10).
void AddAuditCommands(CLI::App& app, GlobalOptions& globals, int* exit_code);

}  // namespace icr::client

#endif  // ICR_CLIENT_AUDIT_COMMANDS_H_
