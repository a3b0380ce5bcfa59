#ifndef ICR_SERVER_LIVE_LIVE_AGREEMENT_H_
#define ICR_SERVER_LIVE_LIVE_AGREEMENT_H_

// Live agreement on rounds (DESIGN §2, §3, §6 AgreementService): agreement
// tables by code, domain, set of codes and free spans with diagnostics,
// disagreements, their resolution into a consensus coding, and the
// consensus itself. No gRPC here: the service translates.
//
// State: one RoundData per round, loaded on first use from a scan of the
// round's codings, then kept current by the Codings listener (which only
// queues the change; the queue is applied by the next reader, or at once
// when nobody holds the state), so agreement never rescans codings.
// Resolutions are stored (keys.h: r/{p}/{r}/{id}) through the Writer, each
// with its audit event, and mirrored in memory after commit.
//
// Visibility (DESIGN §2 blind rules): while a blind round is OPEN a CODER
// gets no agreement and no disagreements (PERMISSION_DENIED), and a
// REVIEWER no disagreements or consensus (they show the codings).

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "icr/v1/agreement.pb.h"
#include "server/coding/codings.h"
#include "server/live/round_data.h"
#include "server/storage/store.h"
#include "server/storage/writer.h"

namespace icr::live {

struct LiveOptions {
  SpanRule span_rule = SpanRule::kHalf;
  // Most bootstrap replicates one request may ask for.
  int max_bootstrap = 20000;
  // Warnings: fewer units than this, a code rarer (or commoner) than this
  // share of the values, a coder whose removal raises alpha by this much.
  int64_t few_units = 30;
  double rare_prevalence = 0.1;
  double influence_change = 0.1;
};

class LiveAgreement {
 public:
  // Registers a listener on `codings`; `codings` must outlive this object's
  // use (the listener stays registered).
  LiveAgreement(storage::Store& store, storage::Writer& writer, coding::Codings& codings,
                const LiveOptions& options);
  LiveAgreement(const LiveAgreement&) = delete;
  LiveAgreement& operator=(const LiveAgreement&) = delete;

  absl::StatusOr<v1::ComputeAgreementResponse> Compute(const coding::Caller& caller,
                                                       const v1::ComputeAgreementRequest& request);
  absl::StatusOr<v1::ListDisagreementsResponse> ListDisagreements(
      const coding::Caller& caller, const v1::ListDisagreementsRequest& request);
  // Only a LEAD or OWNER, only while the round is RECONCILING.
  absl::StatusOr<v1::ResolveDisagreementResponse> Resolve(
      const coding::Caller& caller, const v1::ResolveDisagreementRequest& request);
  absl::StatusOr<v1::GetConsensusResponse> Consensus(const coding::Caller& caller,
                                                     const v1::GetConsensusRequest& request);

  // Changes (codings and resolutions) the round has seen: what
  // ComputeAgreementResponse.version reaches once they are applied. 0 for a
  // round not loaded yet.
  int64_t ChangeCount(const std::string& project, const std::string& round);
  // Blocks until ChangeCount() differs from `seen`, or until `deadline`.
  void WaitForChange(const std::string& project, const std::string& round, int64_t seen,
                     absl::Time deadline);

 private:
  struct RoundEntry;
  class Locked;

  void OnCodings(const coding::CodingsChange& change);
  absl::StatusOr<Locked> Acquire(const std::string& project, const v1::Round& round);
  absl::Status LoadResolutions(const std::string& project, const std::string& round,
                               RoundEntry& entry);

  storage::Store& store_;
  storage::Writer& writer_;
  coding::Codings& codings_;
  const LiveOptions options_;

  std::mutex registry_mutex_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<RoundEntry>> rounds_;
  std::mutex changed_mutex_;
  std::condition_variable changed_;
};

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_LIVE_AGREEMENT_H_
