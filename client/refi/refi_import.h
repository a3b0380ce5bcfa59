#ifndef ICR_CLIENT_REFI_REFI_IMPORT_H_
#define ICR_CLIENT_REFI_REFI_IMPORT_H_

// `icr import qdpx` and `icr import qdc`: a REFI-QDA file read and checked
// whole, what the server holds read, the import planned (import_plan.h),
// then sent (import_apply.h) and summarized. A bad file stores nothing.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "client/connection.h"
#include "client/global_options.h"

namespace icr::client {

struct ImportFlags {
  std::string project, round, file, coder, map_users;
  std::vector<std::string> coders;  // more round coders (--coders U1,U2)
  std::string offsets;              // "" = from the archive's origin
  std::string crlf;                 // "one", "two", "" = from the origin
  bool skip_missing_sources = false;
};

// The archive's codebook and text sources into flags.project, and, with a
// round, their codings into it (the round created when it does not exist).
absl::Status ImportQdpx(Connection& c, const GlobalOptions& globals, const ImportFlags& flags);

// A codebook (.qdc, or a .qdpx's codebook) into `project`'s codebook.
absl::Status ImportQdc(Connection& c, const GlobalOptions& globals, const std::string& project,
                       const std::string& file);

}  // namespace icr::client

#endif  // ICR_CLIENT_REFI_REFI_IMPORT_H_
