#ifndef ICR_SERVER_LIVE_LIVE_AGREEMENT_H_
#define ICR_SERVER_LIVE_LIVE_AGREEMENT_H_

// Live agreement on rounds (DESIGN §2, §3, §6 AgreementService): agreement
// tables by code, domain, set of codes and free spans with diagnostics,
// disagreements, their resolution into a consensus coding, and the
// consensus itself. No gRPC here: the service translates.
//
// Only finished work counts (issue 16): a coder's units of a document count
// when the coder has marked the document DONE, or, with include_unfinished,
// while it is IN_PROGRESS; a coder's unfinished document is missing data
// there, not "nothing applied". Every answer says which (coder, document)
// pairs it counted (WorkCounted).
//
// State: round_registry.h keeps each round in memory, current with the
// codings, and hands out snapshots computed on without a lock, checking the
// caller's deadline and cancellation inside the loops. Resolutions are
// stored (keys.h: r/{p}/{r}/{id}) through the Writer, each with its audit
// event.
//
// Visibility (DESIGN §2 blind rules): while a blind round is OPEN a CODER
// gets no agreement and no disagreements (PERMISSION_DENIED), and a
// REVIEWER no disagreements or consensus (they show the codings).

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "icr/v1/agreement.pb.h"
#include "server/coding/codings.h"
#include "server/common/caller.h"
#include "server/live/disagreements.h"
#include "server/live/interrupt.h"
#include "server/live/live_options.h"
#include "server/live/round_data.h"
#include "server/live/round_registry.h"
#include "server/storage/store.h"
#include "server/storage/writer.h"

namespace icr::live {

class LiveAgreement {
 public:
  // Registers a listener on `codings`; `codings` must outlive this object's
  // use (the listener stays registered).
  LiveAgreement(storage::Store& store, storage::Writer& writer, coding::Codings& codings,
                const LiveOptions& options);
  LiveAgreement(const LiveAgreement&) = delete;
  LiveAgreement& operator=(const LiveAgreement&) = delete;

  absl::StatusOr<v1::ComputeAgreementResponse> Compute(const common::Caller& caller,
                                                       const v1::ComputeAgreementRequest& request,
                                                       const Interrupt& interrupt = {});
  absl::StatusOr<v1::ListDisagreementsResponse> ListDisagreements(
      const common::Caller& caller, const v1::ListDisagreementsRequest& request,
      const Interrupt& interrupt = {});
  // Only a LEAD or OWNER, only while the round is RECONCILING.
  absl::StatusOr<v1::ResolveDisagreementResponse> Resolve(
      const common::Caller& caller, const v1::ResolveDisagreementRequest& request);
  absl::StatusOr<v1::GetConsensusResponse> Consensus(const common::Caller& caller,
                                                     const v1::GetConsensusRequest& request,
                                                     const Interrupt& interrupt = {});

  // Changes (codings, progress and resolutions) the round has seen: what
  // ComputeAgreementResponse.version reaches once they are applied. 0 for a
  // round not in memory.
  int64_t ChangeCount(const std::string& project, const std::string& round);
  // Blocks until ChangeCount() differs from `seen`, or until `deadline`.
  void WaitForChange(const std::string& project, const std::string& round, int64_t seen,
                     absl::Time deadline);

  // Rounds whose state is in memory.
  size_t RoundsInMemory();

 private:
  storage::Store& store_;
  storage::Writer& writer_;
  RoundRegistry rounds_;
  const LiveOptions options_;
};

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_LIVE_AGREEMENT_H_
