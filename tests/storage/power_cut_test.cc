// What a power cut does to acknowledged writes, with and without syncing
// the WAL: the file system below RocksDB forgets everything not synced.
// With sync (the server's default) every acknowledged mutation survives;
// with --sync=false some are lost — which is why it is not the default.
// Under concurrent writers (group commit) a cut keeps every acknowledged
// mutation, loses or keeps each group whole, and leaves no gap in the chain.
// Also: a full disk fails the write with a clear error, nothing crashes, and
// writes go on once space is freed.

#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "gtest/gtest.h"
#include "server/audit/hash.h"
#include "server/storage/keys.h"
#include "server/storage/writer.h"
#include "tests/testing/power_cut_fs.h"
#include "tests/testing/temp_dir.h"

namespace icr::storage {
namespace {

Mutation PutMutation(const std::string& key) {
  Mutation mutation;
  mutation.chain = "p";
  mutation.event.set_method("/test/Put");
  mutation.apply = [key](MutationContext& context) -> absl::StatusOr<MutationResult> {
    context.Put(Family::kMetadata, key, "acknowledged");
    return MutationResult{"", "put " + key, std::nullopt};
  };
  return mutation;
}

// Acknowledges `count` mutations on a store over a power-cut file system,
// cuts the power, and returns how many of them a reopened store still has.
int SurvivorsOfAPowerCut(const std::string& dir, bool sync, int count) {
  auto fs = std::make_shared<testing::PowerCutFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  {
    StoreOptions options;
    options.sync = sync;
    options.env = env.get();
    auto store = Store::Open(dir, options);
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return -1;
    Writer writer(**store, WriterOptions{});
    for (int i = 0; i < count; ++i) {
      EXPECT_TRUE(writer.Commit(PutMutation("k" + std::to_string(i))).ok());
    }
    fs->CutPower();
  }  // the process goes down with the power: nothing more reaches the disk
  auto store = Store::Open(dir, StoreOptions{});
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return -1;
  int survivors = 0;
  for (int i = 0; i < count; ++i) {
    auto value = (*store)->Get(Family::kMetadata, "k" + std::to_string(i));
    if (value.ok() && value->has_value()) ++survivors;
  }
  // The audit chain is intact up to what survived: no gap, no stray event.
  int64_t events = 0;
  EXPECT_TRUE((*store)
                  ->Scan(Family::kEvents, EventPrefix("p"), "",
                         [&](std::string_view, std::string_view) {
                           ++events;
                           return true;
                         })
                  .ok());
  EXPECT_EQ(events, survivors);
  return survivors;
}

TEST(PowerCutTest, SyncedWritesSurvive) {
  testing::TempDir dir;
  EXPECT_EQ(SurvivorsOfAPowerCut(dir.path(), /*sync=*/true, 200), 200);
}

TEST(PowerCutTest, UnsyncedWritesAreLost) {
  // This is the failure --sync=false accepts; the test shows the simulation
  // can see a missing sync at all.
  testing::TempDir dir;
  EXPECT_LT(SurvivorsOfAPowerCut(dir.path(), /*sync=*/false, 200), 200);
}

// The groups the writer formed, as the mutations' apply and on_committed
// calls show them: all applies of a group run before its callbacks, and all
// its callbacks before the next group's applies.
class GroupLog {
 public:
  void Applied(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) groups_.emplace_back();
    open_ = true;
    groups_.back().push_back(key);
  }
  void Committed() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = false;
  }
  std::vector<std::vector<std::string>> groups() {
    std::lock_guard<std::mutex> lock(mutex_);
    return groups_;
  }

 private:
  std::mutex mutex_;
  bool open_ = false;
  std::vector<std::vector<std::string>> groups_;
};

Mutation LoggedPutMutation(const std::string& key, GroupLog& log) {
  Mutation mutation;
  mutation.chain = "p";
  mutation.event.set_actor("tester");
  mutation.event.set_method("/test/Put");
  mutation.event.set_request_id(key);
  mutation.event.set_request(key);
  mutation.apply = [key, &log](MutationContext& context) -> absl::StatusOr<MutationResult> {
    context.Put(Family::kMetadata, key, "acknowledged");
    log.Applied(key);
    MutationResult result{"", "put " + key, std::nullopt};
    result.on_committed = [&log] { log.Committed(); };
    return result;
  };
  return mutation;
}

TEST(PowerCutTest, ACutUnderConcurrentWritersKeepsAcknowledgedMutationsAndWholeGroups) {
  testing::TempDir dir;
  auto fs = std::make_shared<testing::PowerCutFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  // A sync takes about as long as a real disk's, so callers queue and
  // groups form, and the cut can fall inside a group's synced write.
  fs->SetWalSyncDelay(std::chrono::microseconds(1500));
  GroupLog log;
  std::mutex acknowledged_mutex;
  std::set<std::string> acknowledged;
  {
    StoreOptions options;
    options.env = env.get();
    auto store = Store::Open(dir.path(), options);
    ASSERT_TRUE(store.ok()) << store.status();
    Writer writer(**store, WriterOptions{});
    std::atomic<bool> cutting{false};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; !stop; ++i) {
          const std::string key = "k" + std::to_string(t) + "-" + std::to_string(i);
          const bool ok = writer.Commit(LoggedPutMutation(key, log)).ok();
          // Acknowledged only if the answer came before the cut began: after
          // it, the dead disk drops writes and a real server would be gone.
          if (ok && !cutting) {
            std::lock_guard<std::mutex> lock(acknowledged_mutex);
            acknowledged.insert(key);
          }
        }
      });
    }
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      std::lock_guard<std::mutex> lock(acknowledged_mutex);
      if (acknowledged.size() >= 300) break;
    }
    cutting = true;
    fs->CutPower();
    stop = true;
    for (auto& thread : threads) thread.join();
  }  // the process goes down with the power

  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status();
  auto present = [&](const std::string& key) {
    auto value = (*store)->Get(Family::kMetadata, key);
    EXPECT_TRUE(value.ok());
    auto record = (*store)->Get(Family::kIdempotency, IdempotencyKey("tester", key));
    EXPECT_TRUE(record.ok());
    // A mutation's state and its idempotency record survive together.
    EXPECT_EQ(value->has_value(), record->has_value()) << key;
    return value->has_value();
  };
  for (const std::string& key : acknowledged) EXPECT_TRUE(present(key)) << key;

  size_t largest_group = 0;
  int64_t surviving = 0;
  int lost_groups = 0;
  for (const auto& group : log.groups()) {
    largest_group = std::max(largest_group, group.size());
    size_t kept = 0;
    for (const std::string& key : group) kept += present(key) ? 1 : 0;
    EXPECT_TRUE(kept == 0 || kept == group.size())
        << "a group of " << group.size() << " kept " << kept;
    surviving += static_cast<int64_t>(kept);
    if (kept == 0) ++lost_groups;
  }
  EXPECT_GT(largest_group, 1u) << "no group held more than one mutation";

  // The chain: seq 1..n, each linked to the last, one event per surviving
  // mutation, each naming it.
  std::string prev = audit::GenesisHash();
  int64_t seq = 0;
  ASSERT_TRUE((*store)
                  ->Scan(Family::kEvents, EventPrefix("p"), "",
                         [&](std::string_view, std::string_view value) {
                           icr::v1::StoredEvent stored;
                           EXPECT_TRUE(stored.ParseFromArray(value.data(), value.size()));
                           icr::v1::AuditEvent event;
                           EXPECT_TRUE(event.ParseFromString(stored.event()));
                           EXPECT_EQ(event.seq(), ++seq);
                           EXPECT_EQ(event.prev_hash(), prev);
                           EXPECT_EQ(stored.hash(), audit::ChainHash(prev, stored.event()));
                           EXPECT_TRUE(present(event.request())) << event.request();
                           prev = stored.hash();
                           return true;
                         })
                  .ok());
  EXPECT_EQ(seq, surviving);
  std::cout << "acknowledged " << acknowledged.size() << ", survived " << surviving << " in "
            << log.groups().size() - lost_groups << " groups (largest " << largest_group
            << "), groups lost " << lost_groups << "\n";
}

TEST(PowerCutTest, WritesResumeOnceAFullDiskIsFreed) {
  testing::TempDir dir;
  auto fs = std::make_shared<testing::PowerCutFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  {
    StoreOptions options;
    options.env = env.get();
    auto store = Store::Open(dir.path(), options);
    ASSERT_TRUE(store.ok()) << store.status();
    Writer writer(**store, WriterOptions{});
    ASSERT_TRUE(writer.Commit(PutMutation("before")).ok());
    fs->SetDiskFull(true);
    for (int i = 0; i < 3; ++i) {
      absl::StatusOr<std::string> refused =
          writer.Commit(PutMutation("during" + std::to_string(i)));
      ASSERT_FALSE(refused.ok());
      EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted) << refused.status();
      EXPECT_NE(refused.status().message().find("disk is full"), std::string::npos)
          << refused.status();
    }
    fs->SetDiskFull(false);
    absl::StatusOr<std::string> after = writer.Commit(PutMutation("after"));
    EXPECT_TRUE(after.ok()) << after.status();
    EXPECT_TRUE(writer.Commit(PutMutation("after2")).ok());
    EXPECT_EQ(writer.ChainLength("p").value_or(-1), 3);
  }
  // Reopened (the WAL replayed): the refused writes left nothing behind.
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status();
  for (const char* key : {"before", "after", "after2"}) {
    EXPECT_TRUE((*store)->Get(Family::kMetadata, key)->has_value()) << key;
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE((*store)->Get(Family::kMetadata, "during" + std::to_string(i))->has_value());
  }
  std::vector<std::string> summaries;
  int64_t seq = 0;
  ASSERT_TRUE((*store)
                  ->Scan(Family::kEvents, EventPrefix("p"), "",
                         [&](std::string_view, std::string_view value) {
                           icr::v1::StoredEvent stored;
                           EXPECT_TRUE(stored.ParseFromArray(value.data(), value.size()));
                           icr::v1::AuditEvent event;
                           EXPECT_TRUE(event.ParseFromString(stored.event()));
                           EXPECT_EQ(event.seq(), ++seq);
                           summaries.push_back(event.result_summary());
                           return true;
                         })
                  .ok());
  EXPECT_EQ(summaries, (std::vector<std::string>{"put before", "put after", "put after2"}));
}

TEST(PowerCutTest, AFullDiskFailsTheWriteClearlyAndReadsGoOn) {
  testing::TempDir dir;
  auto fs = std::make_shared<testing::PowerCutFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  StoreOptions options;
  options.env = env.get();
  auto store = Store::Open(dir.path(), options);
  ASSERT_TRUE(store.ok()) << store.status();
  Writer writer(**store, WriterOptions{});
  ASSERT_TRUE(writer.Commit(PutMutation("before")).ok());
  fs->SetDiskFull(true);
  absl::StatusOr<std::string> failed = writer.Commit(PutMutation("during"));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("space"), std::string::npos) << failed.status();
  auto before = (*store)->Get(Family::kMetadata, "before");
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(before->has_value());
  auto during = (*store)->Get(Family::kMetadata, "during");
  ASSERT_TRUE(during.ok());
  EXPECT_FALSE(during->has_value());
}

TEST(StoreOpenTest, AnUnusableDataDirectoryIsAClearError) {
  testing::TempDir dir;
  const std::string file = dir.path() + "/not-a-directory";
  FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  auto store = Store::Open(file + "/db", StoreOptions{});
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("not-a-directory"), std::string::npos) << store.status();
}

}  // namespace
}  // namespace icr::storage
