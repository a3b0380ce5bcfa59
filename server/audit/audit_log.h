#ifndef ICR_SERVER_AUDIT_AUDIT_LOG_H_
#define ICR_SERVER_AUDIT_AUDIT_LOG_H_

// The server side of the verifiable log (DESIGN §5): per chain, the Merkle
// tree over its stored events, signed heads, inclusion and consistency proofs
// (RFC 9162), and a consistent read of the events a head covers.
//
// Cost: a chain's tree is built from its events on first use (one scan), then
// kept in memory (MerkleTree: 64 bytes per event) and extended with only the
// events appended since, so GetSignedHead and the proofs cost O(log^2 n) hash
// operations plus a scan of the new events — never a rescan of the chain.
// At most `max_cached_chains` trees are kept, least recently used first out;
// an evicted chain is rebuilt from its events (one scan) on its next use.
//
// Durability: with the store's sync off, a head is signed only after the WAL
// is synced, so a head never covers events a power cut can undo.

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "icr/v1/audit.pb.h"
#include "server/audit/merkle.h"
#include "server/audit/signing.h"
#include "server/storage/store.h"

namespace icr::audit {

struct AuditLogOptions {
  // Most chain trees kept in memory (64 bytes per event each).
  size_t max_cached_chains = 256;
};

class AuditLog {
 public:
  // `store` and `key` must outlive the log.
  AuditLog(const storage::Store& store, const SigningKey& key,
           const AuditLogOptions& options = AuditLogOptions{});
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // A head over every event of `chain` committed so far, signed now.
  absl::StatusOr<v1::SignedTreeHead> SignedHead(const std::string& chain);

  // The audit path of event `seq` (1-based) in the tree of `tree_size` events
  // (0: the current size). INVALID_ARGUMENT naming the field when out of range.
  absl::StatusOr<v1::GetInclusionProofResponse> InclusionProof(const std::string& chain,
                                                               int64_t seq, int64_t tree_size);

  // The consistency proof from `first` to `second` events (0: current size).
  absl::StatusOr<v1::GetConsistencyProofResponse> ConsistencyProof(const std::string& chain,
                                                                   int64_t first, int64_t second);

  // Calls `visit` with events 1..`last_seq` of `chain` in order, until it
  // returns false.
  absl::Status ReadEvents(const std::string& chain, int64_t last_seq,
                          const std::function<bool(v1::EventRecord&)>& visit) const;

  // Calls `visit` with the events of `chain` after `after_seq`, in order,
  // until it returns false or the chain ends. Seeks to event after_seq + 1:
  // the cost is that of the events visited, not of the chain before them.
  absl::Status ReadEventsAfter(const std::string& chain, int64_t after_seq,
                               const std::function<bool(v1::EventRecord&)>& visit) const;

  const SigningKey& key() const { return key_; }

  // The number of chain trees held in memory now.
  size_t CachedChains() const;

 private:
  struct Chain {
    std::mutex mutex;
    MerkleTree tree ABSL_GUARDED_BY(mutex);
  };
  // Events after_seq + 1..last_seq of `chain`, from a seek to the first.
  absl::Status ReadRange(const std::string& chain, int64_t after_seq, int64_t last_seq,
                         const std::function<bool(v1::EventRecord&)>& visit) const;

  // The chain's entry, its tree extended to the events stored now; runs
  // `use` under the chain's lock.
  absl::Status WithTree(const std::string& chain,
                        const std::function<absl::Status(const MerkleTree&)>& use);

  // The chain's entry, created empty when not cached, now the most recently
  // used; evicts the least recently used beyond the bound. An evicted entry
  // stays alive for the calls still holding it.
  std::shared_ptr<Chain> Entry(const std::string& chain);

  const storage::Store& store_;
  const SigningKey& key_;
  const AuditLogOptions options_;
  mutable std::mutex chains_mutex_;
  // Most recently used first; `chains_` points into it.
  std::list<std::pair<std::string, std::shared_ptr<Chain>>> recency_ ABSL_GUARDED_BY(chains_mutex_);
  std::unordered_map<std::string, decltype(recency_)::iterator> chains_
      ABSL_GUARDED_BY(chains_mutex_);
};

}  // namespace icr::audit

#endif  // ICR_SERVER_AUDIT_AUDIT_LOG_H_
