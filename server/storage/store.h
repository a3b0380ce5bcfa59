#ifndef ICR_SERVER_STORAGE_STORE_H_
#define ICR_SERVER_STORAGE_STORE_H_

// The embedded RocksDB database: one per server, column families by kind
// (see keys.h). Reads go straight to RocksDB; every write goes through the
// Writer (writer.h) so that a state change, its audit event and its
// idempotency record commit together.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace icr::storage {

enum class Family { kMetadata = 0, kTexts, kEvents, kIdempotency, kCodings, kCount };

struct StoreOptions {
  // Sync the WAL before a write is acknowledged. Default true: an
  // acknowledged mutation survives a crash of the machine. false trades that
  // for speed (a crash of the process alone still loses nothing).
  bool sync = true;
  // The environment RocksDB does its file I/O through; nullptr: the default.
  // Tests pass one that injects faults (a power cut, a full disk).
  rocksdb::Env* env = nullptr;
};

class Store {
 public:
  // Opens or creates the database in `dir`, with every column family.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir,
                                                     const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The value under `key`, or nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Get(Family family, std::string_view key) const;

  // Calls `visit(key, value)` for keys starting with `prefix`, in key order,
  // beginning after `start_after` when it is non-empty, until `visit`
  // returns false.
  absl::Status Scan(
      Family family, std::string_view prefix, std::string_view start_after,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const;

  // The last key with `prefix` and its value, or nullopt.
  absl::StatusOr<std::optional<std::pair<std::string, std::string>>> Last(
      Family family, std::string_view prefix) const;

  // A consistent copy of the whole database in `dir` (which must not exist),
  // hard-linking files where it can: a RocksDB checkpoint, taken while the
  // server keeps serving. Returns the bytes it holds.
  absl::StatusOr<int64_t> Checkpoint(const std::string& dir) const;

  // Applies `batch` atomically, synced per the options. A batch that fails
  // is refused whole (nothing of it is stored). After a failed write of the
  // WAL or of a flush (a full disk, an I/O error) RocksDB refuses every later
  // write until its background error is cleared; so the next Write first
  // resumes the database (DB::Resume, a bounded number of tries with
  // backoff), and writes go on as soon as the cause is gone, e.g. once space
  // is freed. While it cannot resume, writes fail with the original error.
  absl::Status Write(rocksdb::WriteBatch* batch);

  // Makes every write applied so far durable (the WAL synced); a no-op when
  // the options sync each write already.
  absl::Status SyncWal() const;

  rocksdb::ColumnFamilyHandle* handle(Family family) const {
    return handles_[static_cast<int>(family)];
  }
  rocksdb::DB* db() const { return db_.get(); }

  // Whether writes are stopped by a background error, and by which (set by
  // RocksDB's error listener and by failed writes); defined in store.cc.
  struct WriteStop;

 private:
  Store(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
        const StoreOptions& options, std::shared_ptr<WriteStop> write_stop);

  // DB::Resume, retried with backoff while recovery is busy or fails.
  rocksdb::Status ResumeWithBackoff();

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  StoreOptions options_;
  std::shared_ptr<WriteStop> write_stop_;
};

// RocksDB's status as an absl::Status with the same meaning.
absl::Status FromRocks(const rocksdb::Status& status);

}  // namespace icr::storage

#endif  // ICR_SERVER_STORAGE_STORE_H_
