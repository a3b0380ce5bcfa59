#ifndef ICR_SERVER_CODING_ROUND_ACCESS_H_
#define ICR_SERVER_CODING_ROUND_ACCESS_H_

// The round rules codings and progress share: reading the round, who the
// coder of a request is, and that changes happen only while it is OPEN.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "icr/v1/resources.pb.h"
#include "server/common/caller.h"
#include "server/storage/store.h"
#include "server/storage/writer.h"

namespace icr::coding {

// INVALID_ARGUMENT for a malformed id, NOT_FOUND for a round that is not
// there.
absl::StatusOr<v1::Round> LoadRound(const storage::Store& store, const std::string& project,
                                    const std::string& round);

bool IsCoderOf(const v1::Round& round, std::string_view user);

// FAILED_PRECONDITION unless the round is OPEN.
absl::Status RequireOpen(const v1::Round& round);

// The coder a request acts for: the caller, or `on_behalf_of` when a lead or
// owner names an assigned coder. PERMISSION_DENIED for a caller who is not a
// coder of the round (or not a lead, with on_behalf_of), INVALID_ARGUMENT
// for an on_behalf_of who is not one of its coders.
absl::StatusOr<std::string> CoderOfRequest(const common::Caller& caller, const v1::Round& round,
                                           const std::string& on_behalf_of,
                                           const std::string& action);

// A mutation of `project`'s chain whose audit event names the caller, the
// coder acted for, the method and its request as sent.
storage::Mutation NewCodingMutation(const std::string& project, const common::Caller& caller,
                                    const std::string& on_behalf_of, const char* method,
                                    const std::string& request_id,
                                    const google::protobuf::Message& request);

}  // namespace icr::coding

#endif  // ICR_SERVER_CODING_ROUND_ACCESS_H_
