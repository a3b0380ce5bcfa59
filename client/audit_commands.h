#ifndef ICR_CLIENT_AUDIT_COMMANDS_H_
#define ICR_CLIENT_AUDIT_COMMANDS_H_

#include "CLI/CLI.hpp"
#include "client/global_options.h"

namespace icr::client {

// Registers `icr audit ...` (DESIGN §5, §10):
//   events PROJECT                      list the events
//   head PROJECT                        print a signed tree head (keep it)
//   key [--out K.pem]                   the server's public key
//   export PROJECT --out F.jsonl        events and signed head as JSON Lines
//   verify F.jsonl --public_key K.pem [--head H.json]
//                                       offline: no server, no token; exit 0
//                                       verified, 1 not verified, 2 bad input
void AddAuditCommands(CLI::App& app, GlobalOptions& globals, int* exit_code);

}  // namespace icr::client

#endif  // ICR_CLIENT_AUDIT_COMMANDS_H_
