#ifndef ICR_TESTS_TESTING_POWER_CUT_FS_H_
#define ICR_TESTS_TESTING_POWER_CUT_FS_H_

// A RocksDB FileSystem that can simulate a power cut: it remembers how much
// of every file it wrote was synced, and CutPower() truncates each file to
// that length and then drops every later write, as if the machine had lost
// power. (kill -9 cannot show a missing sync: the page cache survives it.)
// It can also fail writes as a full disk does, make each sync of the WAL
// take as long as a real disk's flush, and count those syncs (one per
// synced write RocksDB commits).

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace icr::testing {

class PowerCutFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit PowerCutFileSystem(std::shared_ptr<rocksdb::FileSystem> target)
      : FileSystemWrapper(std::move(target)) {}

  const char* Name() const override { return "PowerCutFileSystem"; }

  // Truncates every file written through this file system to its synced
  // length; from now on writes, renames and deletes are dropped.
  void CutPower() {
    std::lock_guard<std::mutex> lock(mutex_);
    dead_ = true;
    for (const auto& [name, file] : files_) {
      // The file system's own Truncate may be unsupported; the file is local.
      (void)::truncate(name.c_str(), static_cast<off_t>(file.synced));
    }
  }

  // Appends fail with "no space left" while set.
  void SetDiskFull(bool full) {
    std::lock_guard<std::mutex> lock(mutex_);
    disk_full_ = full;
  }

  // Every sync of a WAL file first waits `delay`.
  void SetWalSyncDelay(std::chrono::microseconds delay) { wal_sync_delay_us_ = delay.count(); }

  // Syncs of WAL files begun and finished so far.
  int64_t wal_syncs_started() const { return wal_syncs_started_; }
  int64_t wal_syncs() const { return wal_syncs_; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* debug) override {
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus status = target()->NewWritableFile(name, options, &file, debug);
    if (!status.ok()) return status;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      files_[name] = Sizes{};
    }
    *result = std::make_unique<TrackedFile>(std::move(file), this, name);
    return status;
  }

  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* debug) override {
    uint64_t size = 0;
    target()->GetFileSize(name, rocksdb::IOOptions(), &size, debug);
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus status = target()->ReopenWritableFile(name, options, &file, debug);
    if (!status.ok()) return status;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      files_[name] = Sizes{size, size};
    }
    *result = std::make_unique<TrackedFile>(std::move(file), this, name);
    return status;
  }

  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* debug) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (dead_) return rocksdb::IOStatus::OK();
    rocksdb::IOStatus status = target()->RenameFile(from, to, options, debug);
    if (status.ok()) {
      if (auto it = files_.find(from); it != files_.end()) {
        files_[to] = it->second;
        files_.erase(it);
      }
    }
    return status;
  }

  rocksdb::IOStatus DeleteFile(const std::string& name, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* debug) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (dead_) return rocksdb::IOStatus::OK();
    files_.erase(name);
    return target()->DeleteFile(name, options, debug);
  }

 private:
  struct Sizes {
    uint64_t written = 0;
    uint64_t synced = 0;
  };

  class TrackedFile : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    TrackedFile(std::unique_ptr<rocksdb::FSWritableFile> file, PowerCutFileSystem* fs,
                std::string name)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), name_(std::move(name)) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* debug) override {
      {
        std::lock_guard<std::mutex> lock(fs_->mutex_);
        if (fs_->dead_) return rocksdb::IOStatus::OK();
        if (fs_->disk_full_) return rocksdb::IOStatus::NoSpace("simulated full disk");
        fs_->files_[name_].written += data.size();
      }
      return target()->Append(data, options, debug);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo&,
                             rocksdb::IODebugContext* debug) override {
      return Append(data, options, debug);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* debug) override {
      {
        std::lock_guard<std::mutex> lock(fs_->mutex_);
        if (fs_->dead_) return rocksdb::IOStatus::OK();
        if (fs_->disk_full_) return rocksdb::IOStatus::NoSpace("simulated full disk");
        Sizes& sizes = fs_->files_[name_];
        sizes.written = std::max<uint64_t>(sizes.written, offset + data.size());
      }
      return target()->PositionedAppend(data, offset, options, debug);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& options,
                                       const rocksdb::DataVerificationInfo&,
                                       rocksdb::IODebugContext* debug) override {
      return PositionedAppend(data, offset, options, debug);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* debug) override {
      BeginSync();
      return Synced(target()->Sync(options, debug));
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* debug) override {
      BeginSync();
      return Synced(target()->Fsync(options, debug));
    }
    rocksdb::IOStatus Close(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* debug) override {
      {
        std::lock_guard<std::mutex> lock(fs_->mutex_);
        if (fs_->dead_) return rocksdb::IOStatus::OK();
      }
      return target()->Close(options, debug);
    }

   private:
    void BeginSync() {
      if (!is_wal_) return;
      ++fs_->wal_syncs_started_;
      const int64_t delay_us = fs_->wal_sync_delay_us_;
      if (delay_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    }

    rocksdb::IOStatus Synced(rocksdb::IOStatus status) {
      if (is_wal_) ++fs_->wal_syncs_;
      std::lock_guard<std::mutex> lock(fs_->mutex_);
      if (status.ok() && !fs_->dead_) {
        Sizes& sizes = fs_->files_[name_];
        sizes.synced = sizes.written;
      }
      return status;
    }

    PowerCutFileSystem* fs_;
    std::string name_;
    // RocksDB names its write-ahead logs NNNNNN.log.
    const bool is_wal_ = name_.size() > 4 && name_.compare(name_.size() - 4, 4, ".log") == 0;
  };

  std::mutex mutex_;
  bool dead_ = false;
  bool disk_full_ = false;
  std::map<std::string, Sizes> files_;
  std::atomic<int64_t> wal_sync_delay_us_{0};
  std::atomic<int64_t> wal_syncs_started_{0};
  std::atomic<int64_t> wal_syncs_{0};
};

}  // namespace icr::testing

#endif  // ICR_TESTS_TESTING_POWER_CUT_FS_H_
