#ifndef ICR_SERVER_CODING_PROGRESS_RECORDS_H_
#define ICR_SERVER_CODING_PROGRESS_RECORDS_H_

// The stored (coder, document) progress records of a round, as read and
// written inside a mutation (storage::ProgressKey). A pair without a record
// is NOT_STARTED.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "icr/v1/coding.pb.h"
#include "server/storage/writer.h"

namespace icr::coding {

absl::StatusOr<std::optional<v1::DocumentProgress>> ReadProgressRecord(
    const storage::MutationContext& context, const std::string& project, const std::string& round,
    const std::string& coder, const std::string& document);

void WriteProgressRecord(storage::MutationContext& context, const std::string& project,
                         const std::string& round, const v1::DocumentProgress& progress);

// For a batch of `coder`'s codings: FAILED_PRECONDITION naming the first
// coding whose document the coder has marked DONE; otherwise records
// IN_PROGRESS for each document the coder had not started, and returns
// those records.
absl::StatusOr<std::vector<v1::DocumentProgress>> StartDocuments(
    storage::MutationContext& context, const std::string& project, const std::string& round,
    const std::string& coder, const v1::SubmitCodingsRequest& request);

// FAILED_PRECONDITION (naming `field`) when `coder` has marked `document`
// DONE: a finished document changes only after it is reopened.
absl::Status RequireNotDone(const storage::MutationContext& context, const std::string& project,
                            const std::string& round, const std::string& coder,
                            const std::string& document, const std::string& field);

}  // namespace icr::coding

#endif  // ICR_SERVER_CODING_PROGRESS_RECORDS_H_
