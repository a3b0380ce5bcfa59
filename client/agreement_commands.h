#ifndef ICR_CLIENT_AGREEMENT_COMMANDS_H_
#define ICR_CLIENT_AGREEMENT_COMMANDS_H_

// `icr agreement`, `icr disagreements`, `icr resolve`, `icr consensus`
// (DESIGN §10): live agreement on a round, its disagreements, their
// resolution, and the consensus coding. What they print is in
// agreement_output.h.

#include "CLI/CLI.hpp"
#include "client/global_options.h"

namespace icr::client {

void AddAgreementCommands(CLI::App& app, GlobalOptions& globals, int* exit_code);

}  // namespace icr::client

#endif  // ICR_CLIENT_AGREEMENT_COMMANDS_H_
