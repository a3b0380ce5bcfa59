#ifndef ICR_SERVER_LIVE_ROUND_REGISTRY_H_
#define ICR_SERVER_LIVE_ROUND_REGISTRY_H_

// The rounds whose agreement state is in memory (DESIGN §6): one RoundData
// per round, loaded on first use from a scan of the round's codings and
// progress records, then kept current by the Codings listener, so agreement
// never rescans codings; the round's stored resolutions (keys.h:
// r/{p}/{r}/{id}) are loaded when first asked for.
//
// Nothing that runs on the writer thread (the Codings listener, a
// resolution's commit callback) ever waits for a reader: both only queue
// the change. A reader applies the queue and takes an immutable snapshot
// (RoundData copies share their units until changed) under a mutex that
// only readers take, releases it, and computes on the snapshot. At most
// LiveOptions::max_rounds rounds stay in memory.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "icr/v1/agreement.pb.h"
#include "server/coding/codings.h"
#include "server/live/disagreements.h"
#include "server/live/live_options.h"
#include "server/live/round_data.h"
#include "server/storage/store.h"

namespace icr::live {

// An immutable view of a round, computed on without any lock.
struct RoundSnapshot {
  std::shared_ptr<const RoundData> data;
  std::shared_ptr<const ResolutionMap> resolutions;  // null unless asked for
  int64_t version = 0;
};

class RoundRegistry {
 public:
  // Registers a listener on `codings`; `codings` must outlive this object's
  // use (the listener stays registered).
  RoundRegistry(storage::Store& store, coding::Codings& codings, const LiveOptions& options);
  RoundRegistry(const RoundRegistry&) = delete;
  RoundRegistry& operator=(const RoundRegistry&) = delete;

  // Loads the round on first use, applies queued changes and returns the
  // round's state as of now (with its resolutions if asked for).
  absl::StatusOr<RoundSnapshot> Acquire(const std::string& project, const v1::Round& round,
                                        bool with_resolutions) ABSL_LOCKS_EXCLUDED(mutex_);

  // A committed resolution. Runs on the writer thread: only queues.
  void OnResolution(const std::string& project, const std::string& round,
                    const v1::Resolution& resolution) ABSL_LOCKS_EXCLUDED(mutex_, changed_mutex_);

  // Changes (codings, progress and resolutions) the round has seen: what a
  // snapshot's version reaches once they are applied. 0 for a round not in
  // memory.
  int64_t ChangeCount(const std::string& project, const std::string& round)
      ABSL_LOCKS_EXCLUDED(mutex_);
  // Blocks until ChangeCount() differs from `seen`, or until `deadline`.
  void WaitForChange(const std::string& project, const std::string& round, int64_t seen,
                     absl::Time deadline) ABSL_LOCKS_EXCLUDED(mutex_, changed_mutex_);

  // Rounds whose state is in memory.
  size_t RoundsInMemory() ABSL_LOCKS_EXCLUDED(mutex_);

 private:
  struct RoundEntry;

  // Runs on the writer thread: queues the change, never waits for a reader.
  void OnCodings(const coding::CodingsChange& change) ABSL_LOCKS_EXCLUDED(mutex_, changed_mutex_);
  // The round's entry, made if new; evicts idle rounds beyond max_rounds.
  std::shared_ptr<RoundEntry> Entry(const std::string& project, const std::string& round)
      ABSL_LOCKS_EXCLUDED(mutex_);
  // Both with the entry's build_mutex held.
  absl::Status LoadRoundData(const std::string& project, const v1::Round& round, RoundEntry& entry);
  absl::Status LoadResolutions(const std::string& project, const std::string& round,
                               RoundEntry& entry);
  void Notify() ABSL_LOCKS_EXCLUDED(changed_mutex_);

  storage::Store& store_;
  coding::Codings& codings_;
  const LiveOptions options_;

  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<RoundEntry>> rounds_
      ABSL_GUARDED_BY(mutex_);
  uint64_t clock_ ABSL_GUARDED_BY(mutex_) = 0;  // for least-recently-used eviction
  // Lock order: changed_mutex_ before mutex_ (WaitForChange's predicate
  // reads ChangeCount; nobody takes them the other way round).
  std::mutex changed_mutex_ ABSL_ACQUIRED_BEFORE(mutex_);
  std::condition_variable changed_;
};

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_ROUND_REGISTRY_H_
