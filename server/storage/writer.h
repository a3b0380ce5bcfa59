#ifndef ICR_SERVER_STORAGE_WRITER_H_
#define ICR_SERVER_STORAGE_WRITER_H_

// The single writer of DESIGN §4/§5. Every mutation is queued here; one
// thread takes whatever is waiting, applies each mutation to one WriteBatch
// (with an in-memory overlay, so later mutations of the group read what
// earlier ones wrote),
// appends each one's audit event to its chain, records its idempotency
// answer, and commits the group with one synced write (application-level
// group commit). A mutation's state change, its event and its idempotency
// record are therefore in the same atomic write, and the chain never has a
// gap. Validation and authorization happen before a mutation is queued;
// checks that depend on the current state (existence, round state) run in
// `apply`, which is serialized.

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "icr/v1/resources.pb.h"
#include "server/storage/store.h"

namespace icr::storage {

// What `apply` sees: reads through the pending group, and writes into it.
// The group's writes are indexed by a hash map beside the batch (rather than
// a WriteBatchWithIndex, whose sorted index dominated the cost of large
// coding batches), with an undo log so a failed mutation leaves no trace.
// The map holds where each value lies inside the batch, not a copy of it, so
// a group's values are held in memory once.
class MutationContext {
 public:
  MutationContext(Store& store, rocksdb::WriteBatch& batch) : store_(store), batch_(batch) {}

  // The value under `key`: as written earlier in this group, else stored.
  absl::StatusOr<std::optional<std::string>> Get(Family family, std::string_view key) const;
  void Put(Family family, std::string_view key, std::string_view value);

  const Store& store() const { return store_; }

  // Savepoints around one mutation (the writer's business).
  void Begin();
  void Rollback();
  void Keep();

 private:
  // A value's place in the batch's serialized form (WriteBatch::Data()):
  // an offset, not a pointer, since the buffer moves as the batch grows.
  struct ValueSpan {
    size_t offset = 0;
    size_t size = 0;
  };

  static std::string OverlayKey(Family family, std::string_view key);

  Store& store_;
  rocksdb::WriteBatch& batch_;
  absl::flat_hash_map<std::string, ValueSpan> overlay_;
  // Overlay entries the current mutation replaced (nullopt: were absent).
  // A replaced span lies before the savepoint, so it survives a rollback.
  std::vector<std::pair<std::string, std::optional<ValueSpan>>> undo_;
};

struct MutationResult {
  std::string response;  // serialized response message
  std::string summary;   // the audit event's result_summary
  // What a retry with the same request_id answers, when it must differ from
  // `response` (a secret shown once is never stored).
  std::optional<std::string> replay_response;
  // Run on the writer thread once the group is durable, in commit order
  // (for derived in-memory state that must follow the log exactly). It must
  // be quick and must never block on readers (a mutex a reader holds while
  // it walks a round, a full queue a reader drains): every mutation of the
  // server waits behind it. Publish an immutable snapshot, or queue.
  std::function<void()> on_committed;
};

struct Mutation {
  // The chain the event joins: the project id, or kServerChain.
  std::string chain;
  // The event to append; seq, time, prev_hash and result_summary are filled
  // in by the writer. Its `request` is the sanitized request (DESIGN §5).
  icr::v1::AuditEvent event;
  // Checks the current state and writes the change. Not OK: nothing of this
  // mutation is written, and the status is the answer.
  std::function<absl::StatusOr<MutationResult>(MutationContext&)> apply;
};

struct WriterOptions {
  // Most mutations committed in one write.
  size_t max_group = 1024;
  // A group takes no further mutation once its batch holds this many bytes,
  // so a run of large mutations (coding batches, imports) does not build one
  // huge write that holds every waiting caller and the memory of all of it.
  // A single mutation larger than this still commits, alone.
  size_t max_group_bytes = 32 << 20;
};

class Writer {
 public:
  Writer(Store& store, const WriterOptions& options);
  // Commits what is queued, then stops the thread.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues `mutation` and waits until it is durable (or failed). Returns the
  // serialized response. With a non-empty event.request_id, a mutation the
  // same actor already made with that id is not applied again: the first
  // response is returned, and no event is added. The same request_id with a
  // different request is INVALID_ARGUMENT.
  absl::StatusOr<std::string> Commit(Mutation mutation);

  // The number of events in `chain` (its last seq).
  absl::StatusOr<int64_t> ChainLength(const std::string& chain);

 private:
  struct Pending {
    Mutation mutation;
    std::promise<absl::StatusOr<std::string>> done;
  };
  struct ChainHead {
    int64_t seq = 0;
    std::string hash;
  };

  void Run();
  // Commits mutations from the front of `group` up to the byte bound and
  // removes them; the rest stay, in order, for the next group.
  void CommitGroup(std::deque<std::unique_ptr<Pending>>& group);
  // The head of `chain`: cached, else read from the store (outside the lock).
  absl::StatusOr<ChainHead> LoadHead(const std::string& chain) ABSL_LOCKS_EXCLUDED(heads_mutex_);

  Store& store_;
  const WriterOptions options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Pending>> queue_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;

  // Heads of the chains, loaded on first use, updated after each commit.
  // The mutex guards the map only: it is never held across a store read,
  // the synced write or the on_committed callbacks, so a reader of the heads
  // (ChainLength) never waits for the disk or for a callback.
  std::mutex heads_mutex_;
  std::map<std::string, ChainHead> heads_ ABSL_GUARDED_BY(heads_mutex_);

  std::thread thread_;
};

}  // namespace icr::storage

#endif  // ICR_SERVER_STORAGE_WRITER_H_
