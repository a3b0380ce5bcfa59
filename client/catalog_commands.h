#ifndef ICR_CLIENT_CATALOG_COMMANDS_H_
#define ICR_CLIENT_CATALOG_COMMANDS_H_

#include "CLI/CLI.hpp"
#include "client/global_options.h"

namespace icr::client {

// Registers the commands for users, projects, members, codes, domains,
// documents, rounds and audit events (DESIGN §10).
void AddCatalogCommands(CLI::App& app, GlobalOptions& globals, int* exit_code);

}  // namespace icr::client

#endif  // ICR_CLIENT_CATALOG_COMMANDS_H_
