#ifndef ICR_CLIENT_PROGRESS_COMMANDS_H_
#define ICR_CLIENT_PROGRESS_COMMANDS_H_

// `icr coding done|reopen|progress`: where each coder is with the round's
// documents. Live agreement counts a coder's document once it is done.

#include <ostream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "client/connection.h"
#include "client/global_options.h"
#include "client/output.h"
#include "icr/v1/coding.pb.h"

namespace icr::client {

// Registers done, reopen and progress under `icr coding`.
void AddProgressCommands(CLI::App& coding, GlobalOptions& globals, int* exit_code);

absl::StatusOr<v1::ListProgressResponse> FetchProgress(Connection& connection,
                                                       const std::string& project,
                                                       const std::string& round);

// "alice  2 of 3 done, 1 in progress" rows, one per coder.
Rows CoderProgressRows(const v1::ListProgressResponse& progress);

}  // namespace icr::client

#endif  // ICR_CLIENT_PROGRESS_COMMANDS_H_
