#ifndef ICR_SERVER_CODING_CHANGES_H_
#define ICR_SERVER_CODING_CHANGES_H_

// The change feed (AuditService.ListChanges): what changed in a project
// after a given event, one Change per audit event, derived from the event's
// method and recorded request, without its content. The browser's event
// stream polls it, so a call with nothing new costs one seek in the chain.
//
// Blind rules, as for reading codings and progress: a CODER of a blind
// round that is OPEN now hears of no other coder's codings or progress in
// that round (such events are dropped, yet last_seq moves past them); the
// round's own changes, their own work and everything outside such rounds
// they hear of. Leads, owners and reviewers hear of everything (reviewers
// read the trail itself, which holds these events in full).

#include <string>

#include "absl/status/statusor.h"
#include "icr/v1/audit.pb.h"
#include "icr/v1/resources.pb.h"
#include "server/audit/audit_log.h"
#include "server/common/caller.h"
#include "server/storage/store.h"

namespace icr::coding {

// The change an event amounts to, from its method (the kind) and its request
// (round, document; coder for codings and progress: the coder acted for, or
// the actor). An unknown method is a PROJECT change; a request that does not
// parse leaves round, document and coder empty.
v1::Change ChangeOfEvent(const v1::AuditEvent& event);

class ChangeFeed {
 public:
  // Default and largest page, in events read.
  static constexpr int32_t kMaxPageSize = 1000;

  // `store` and `log` must outlive the feed.
  ChangeFeed(const storage::Store& store, const audit::AuditLog& log) : store_(store), log_(log) {}

  // The changes of the events of request.project() after request.after_seq(),
  // at most page_size events read, filtered for `caller`. INVALID_ARGUMENT
  // naming after_seq or page_size when negative. The caller's membership is
  // checked before (the authorization table).
  absl::StatusOr<v1::ListChangesResponse> List(const common::Caller& caller,
                                               const v1::ListChangesRequest& request) const;

 private:
  const storage::Store& store_;
  const audit::AuditLog& log_;
};

}  // namespace icr::coding

#endif  // ICR_SERVER_CODING_CHANGES_H_
