#ifndef ICR_CLIENT_REFI_IMPORT_APPLY_H_
#define ICR_CLIENT_REFI_IMPORT_APPLY_H_

// The apply step of `icr import qdc|qdpx`: a plan (import_plan.h) sent over
// the connection, request by request, in its order. Every request carries
// its plan's request id, so a run cut short is completed by running it
// again.

#include <string>

#include "absl/status/statusor.h"
#include "client/connection.h"
#include "client/refi/import_plan.h"

namespace icr::client {

struct CodebookCounts {
  int created = 0, updated = 0, unchanged = 0;
};

// Creates and updates `project`'s codes as `plan` says.
absl::StatusOr<CodebookCounts> ApplyCodebook(Connection& c, const std::string& project,
                                             const CodebookPlan& plan);

struct QdpxImportCounts {
  CodebookCounts codes;
  int batches = 0;  // SubmitCodings calls
};

// The codebook, the new documents, the new round, every coder's codings,
// then the documents they coded marked done. A batch that fails says which
// it was and that the ones before it are stored.
absl::StatusOr<QdpxImportCounts> ApplyQdpxImport(Connection& c, const std::string& project,
                                                 const QdpxImportPlan& plan);

}  // namespace icr::client

#endif  // ICR_CLIENT_REFI_IMPORT_APPLY_H_
