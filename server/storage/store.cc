#include "server/storage/store.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/listener.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"

namespace icr::storage {
namespace {

constexpr const char* kFamilyNames[] = {"default", "texts", "events", "idempotency", "codings"};
static_assert(std::size(kFamilyNames) == static_cast<size_t>(Family::kCount));

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

}  // namespace

struct Store::WriteStop {
  void Stop(const rocksdb::Status& cause) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!stopped) this->cause = cause;
    stopped = true;
  }
  rocksdb::Status Cause() {
    std::lock_guard<std::mutex> lock(mutex);
    return cause;
  }
  void Clear() {
    std::lock_guard<std::mutex> lock(mutex);
    stopped = false;
    cause = rocksdb::Status::OK();
  }

  std::atomic<bool> stopped{false};
  std::mutex mutex;
  rocksdb::Status cause;
};

namespace {

// Tells the Store when a background error (a failed flush, compaction or
// WAL write) stops RocksDB's writes, so that the next write resumes first.
// RocksDB's own recovery from a full disk polls the free space every 5 s;
// it is turned off, since the next write resumes at once instead.
class WriteStopListener : public rocksdb::EventListener {
 public:
  explicit WriteStopListener(std::shared_ptr<Store::WriteStop> stop) : stop_(std::move(stop)) {}

  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) override {
    if (error != nullptr && !error->ok()) stop_->Stop(*error);
  }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status error,
                            bool* auto_recovery) override {
    if (error.IsNoSpace()) *auto_recovery = false;
  }

 private:
  std::shared_ptr<Store::WriteStop> stop_;
};

}  // namespace

absl::Status FromRocks(const rocksdb::Status& status) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat("storage: ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsBusy() || status.IsTryAgain()) return absl::AbortedError(message);
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  if (status.IsNoSpace()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "storage: the disk is full; writes resume once space is freed (", status.ToString(), ")"));
  }
  return absl::InternalError(message);
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir,
                                                   const StoreOptions& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  if (options.env != nullptr) db_options.env = options.env;
  db_options.IncreaseParallelism(2);
  // Bound memory: all column families' memtables share 64 MiB (DESIGN §4
  // memory target: a server holding a million codings stays well under
  // 300 MB resident).
  db_options.db_write_buffer_size = 64 << 20;
  // The metadata family is the one the server's reads depend on; a block
  // cache and bloom filters keep point lookups off the disk.
  rocksdb::BlockBasedTableOptions table_options;
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table_options.block_cache = rocksdb::NewLRUCache(32 << 20);
  rocksdb::ColumnFamilyOptions cf_options(db_options);
  cf_options.write_buffer_size = 16 << 20;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));

  auto write_stop = std::make_shared<WriteStop>();
  db_options.listeners.push_back(std::make_shared<WriteStopListener>(write_stop));

  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const char* name : kFamilyNames) families.emplace_back(name, cf_options);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, families, &handles, &raw);
  if (!s.ok()) return FromRocks(s);
  return std::unique_ptr<Store>(
      new Store(std::unique_ptr<rocksdb::DB>(raw), handles, options, std::move(write_stop)));
}

Store::Store(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
             const StoreOptions& options, std::shared_ptr<WriteStop> write_stop)
    : db_(std::move(db)),
      handles_(std::move(handles)),
      options_(options),
      write_stop_(std::move(write_stop)) {}

Store::~Store() {
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle);
  }
  db_->Close();
}

absl::StatusOr<std::optional<std::string>> Store::Get(Family family, std::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handle(family), ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s);
  return value;
}

absl::Status Store::Scan(
    Family family, std::string_view prefix, std::string_view start_after,
    const std::function<bool(std::string_view, std::string_view)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handle(family)));
  if (start_after.empty()) {
    it->Seek(ToSlice(prefix));
  } else {
    it->Seek(ToSlice(start_after));
    if (it->Valid() && it->key() == ToSlice(start_after)) it->Next();
  }
  for (; it->Valid(); it->Next()) {
    rocksdb::Slice key = it->key();
    if (!key.starts_with(ToSlice(prefix))) break;
    rocksdb::Slice value = it->value();
    if (!visit(std::string_view(key.data(), key.size()),
               std::string_view(value.data(), value.size()))) {
      break;
    }
  }
  return FromRocks(it->status());
}

absl::StatusOr<std::optional<std::pair<std::string, std::string>>> Store::Last(
    Family family, std::string_view prefix) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handle(family)));
  // The smallest key after every key with `prefix`: the prefix with its last
  // byte incremented (ids never end in 0xFF, so no carry is needed).
  std::string upper(prefix);
  upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  it->SeekForPrev(ToSlice(upper));
  if (it->Valid() && it->key() == ToSlice(upper)) it->Prev();
  if (!it->Valid()) {
    if (!it->status().ok()) return FromRocks(it->status());
    return std::nullopt;
  }
  if (!it->key().starts_with(ToSlice(prefix))) return std::nullopt;
  return std::make_pair(it->key().ToString(), it->value().ToString());
}

absl::StatusOr<int64_t> Store::Checkpoint(const std::string& dir) const {
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_.get(), &raw);
  if (!s.ok()) return FromRocks(s);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // Flush first, so the copy is SST files only and needs no WAL replay.
  s = checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0);
  if (!s.ok()) return FromRocks(s);
  int64_t bytes = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir, error)) {
    if (entry.is_regular_file(error)) bytes += static_cast<int64_t>(entry.file_size(error));
  }
  return bytes;
}

absl::Status Store::SyncWal() const {
  if (options_.sync) return absl::OkStatus();
  return FromRocks(db_->FlushWAL(/*sync=*/true));
}

rocksdb::Status Store::ResumeWithBackoff() {
  // About a quarter of a second in all: a full disk holds up the writer
  // thread (which then can commit nothing anyway) no longer than that per
  // write, and a disk that was just freed is taken up again at once.
  constexpr int kAttempts = 4;
  std::chrono::milliseconds backoff(20);
  rocksdb::Status resumed;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    // OK at once when there is no background error (RocksDB recovered by
    // itself); Busy while its own recovery runs.
    resumed = db_->Resume();
    if (resumed.ok()) return resumed;
  }
  return resumed;
}

absl::Status Store::Write(rocksdb::WriteBatch* batch) {
  if (write_stop_->stopped) {
    rocksdb::Status resumed = ResumeWithBackoff();
    if (!resumed.ok()) {
      rocksdb::Status cause = write_stop_->Cause();
      return FromRocks(cause.ok() ? resumed : cause);
    }
    write_stop_->Clear();
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  rocksdb::Status written = db_->Write(write_options, batch);
  // A failed batch is refused, never written again here: its callers get
  // the error, and a later batch is a new request.
  if (written.IsIOError()) write_stop_->Stop(written);
  return FromRocks(written);
}

}  // namespace icr::storage
