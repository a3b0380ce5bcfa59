#ifndef ICR_CLIENT_REFI_REFI_EXPORT_H_
#define ICR_CLIENT_REFI_REFI_EXPORT_H_

// `icr export qdpx` and `icr export qdc`: a round as a REFI-QDA project
// archive, a codebook as a REFI-QDA codebook, each written as the tool named
// by --for reads it.

#include <string>

#include "absl/status/status.h"
#include "client/connection.h"
#include "client/global_options.h"

namespace icr::client {

struct ExportFlags {
  std::string project, round, out, offsets, for_tool;
};

// The round's users, codebook, documents (with the files their text was
// extracted from), codings and, past OPEN, consensus.
absl::Status ExportQdpx(Connection& c, const GlobalOptions& globals, const ExportFlags& flags);

// The project's codebook (flags.round and flags.offsets unused).
absl::Status ExportQdc(Connection& c, const GlobalOptions& globals, const ExportFlags& flags);

}  // namespace icr::client

#endif  // ICR_CLIENT_REFI_REFI_EXPORT_H_
