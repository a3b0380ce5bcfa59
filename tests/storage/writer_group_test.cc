// Group commit as the disk sees it: the syncs of the WAL are counted through
// a test file system whose syncs take as long as a real disk's, so a test can
// tell one synced write per group from one per mutation; a group's byte
// bound; and readers of the chain heads never waiting for the disk or for a
// slow on_committed callback.

#include <chrono>
#include <future>
#include <thread>

#include "gtest/gtest.h"
#include "server/audit/hash.h"
#include "server/storage/keys.h"
#include "server/storage/writer.h"
#include "tests/testing/power_cut_fs.h"
#include "tests/testing/temp_dir.h"

namespace icr::storage {
namespace {

using std::chrono::milliseconds;

Mutation PutMutation(const std::string& chain, const std::string& key, const std::string& value) {
  Mutation mutation;
  mutation.chain = chain;
  mutation.event.set_method("/test/Put");
  mutation.event.set_request(key);
  mutation.apply = [key, value](MutationContext& context) -> absl::StatusOr<MutationResult> {
    context.Put(Family::kMetadata, key, value);
    return MutationResult{"ok", "put " + key, std::nullopt};
  };
  return mutation;
}

// A store over the counting file system, synced (the server's default).
class CountedStore {
 public:
  CountedStore()
      : fs_(std::make_shared<testing::PowerCutFileSystem>(rocksdb::FileSystem::Default())),
        env_(rocksdb::NewCompositeEnv(fs_)) {
    StoreOptions options;
    options.env = env_.get();
    auto store = Store::Open(dir_.path(), options);
    EXPECT_TRUE(store.ok()) << store.status();
    if (store.ok()) store_ = *std::move(store);
  }
  Store& store() { return *store_; }
  testing::PowerCutFileSystem& fs() { return *fs_; }

 private:
  testing::TempDir dir_;
  std::shared_ptr<testing::PowerCutFileSystem> fs_;
  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<Store> store_;
};

// Commits `threads` x `each` mutations concurrently; returns the WAL syncs
// they cost.
int64_t SyncsOfConcurrentCommits(const WriterOptions& options, int threads, int each) {
  CountedStore counted;
  // 2 ms per sync, about a real disk's flush: callers queue while it runs.
  counted.fs().SetWalSyncDelay(milliseconds(2));
  Writer writer(counted.store(), options);
  const int64_t before = counted.fs().wal_syncs();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < each; ++i) {
        auto key = "k" + std::to_string(t) + "-" + std::to_string(i);
        EXPECT_TRUE(writer.Commit(PutMutation("p", key, "v")).ok());
      }
    });
  }
  for (auto& worker : workers) worker.join();
  auto length = writer.ChainLength("p");
  EXPECT_TRUE(length.ok());
  EXPECT_EQ(length.value_or(-1), threads * each);
  return counted.fs().wal_syncs() - before;
}

TEST(WriterGroupTest, ConcurrentMutationsShareSyncedWrites) {
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  // The counter sees every synced write: one mutation per group costs one
  // sync per mutation.
  EXPECT_EQ(SyncsOfConcurrentCommits(WriterOptions{.max_group = 1}, kThreads, kEach),
            kThreads * kEach);
  // Grouped, concurrent writers share syncs.
  const int64_t grouped = SyncsOfConcurrentCommits(WriterOptions{}, kThreads, kEach);
  EXPECT_GT(grouped, 0);
  EXPECT_LE(grouped, kThreads * kEach / 2) << "groups held about one mutation each";
}

TEST(WriterGroupTest, AGroupIsBoundedByBytes) {
  CountedStore counted;
  constexpr size_t kValueBytes = 10 << 10;
  constexpr size_t kBound = 50 << 10;
  constexpr int kMutations = 40;
  Writer writer(counted.store(), WriterOptions{.max_group_bytes = kBound});

  // Hold the writer in a first mutation while the others queue, so that
  // without a byte bound they would all go into one group.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> holding;
  Mutation gate = PutMutation("p", "gate", "x");
  auto put = gate.apply;
  gate.apply = [&, put](MutationContext& context) {
    holding.set_value();
    released.wait();
    return put(context);
  };
  std::thread gate_thread([&] { EXPECT_TRUE(writer.Commit(std::move(gate)).ok()); });
  holding.get_future().wait();

  const int64_t before = counted.fs().wal_syncs();
  std::vector<std::thread> workers;
  for (int i = 0; i < kMutations; ++i) {
    workers.emplace_back([&, i] {
      auto key = "big" + std::to_string(i);
      EXPECT_TRUE(writer
                      .Commit(PutMutation(
                          "p", key, std::string(kValueBytes, static_cast<char>('a' + i % 26))))
                      .ok());
    });
  }
  std::this_thread::sleep_for(milliseconds(500));  // let them queue
  release.set_value();
  gate_thread.join();
  for (auto& worker : workers) worker.join();

  // Each mutation writes more than kValueBytes, so a group stops after at
  // most kBound / kValueBytes of them: at least this many writes.
  const int64_t syncs = counted.fs().wal_syncs() - before;
  EXPECT_GE(syncs, 1 + kMutations / static_cast<int>(kBound / kValueBytes)) << syncs;
  // What was carried over to the next group kept its order and its data.
  for (int i = 0; i < kMutations; ++i) {
    auto value = counted.store().Get(Family::kMetadata, "big" + std::to_string(i));
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(value->value_or(""), std::string(kValueBytes, static_cast<char>('a' + i % 26)));
  }
  std::string prev = audit::GenesisHash();
  int64_t seq = 0;
  ASSERT_TRUE(counted.store()
                  .Scan(Family::kEvents, EventPrefix("p"), "",
                        [&](std::string_view, std::string_view value) {
                          icr::v1::StoredEvent stored;
                          EXPECT_TRUE(stored.ParseFromArray(value.data(), value.size()));
                          icr::v1::AuditEvent event;
                          EXPECT_TRUE(event.ParseFromString(stored.event()));
                          EXPECT_EQ(event.seq(), ++seq);
                          EXPECT_EQ(event.prev_hash(), prev);
                          prev = stored.hash();
                          return true;
                        })
                  .ok());
  EXPECT_EQ(seq, kMutations + 1);
}

TEST(WriterGroupTest, AnOversizedMutationStillCommitsAlone) {
  CountedStore counted;
  Writer writer(counted.store(), WriterOptions{.max_group_bytes = 1 << 10});
  ASSERT_TRUE(writer.Commit(PutMutation("p", "huge", std::string(64 << 10, 'h'))).ok());
  auto value = counted.store().Get(Family::kMetadata, "huge");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or("").size(), size_t{64 << 10});
}

TEST(WriterGroupTest, HeadsReadersDoNotWaitForASlowSyncedWrite) {
  CountedStore counted;
  Writer writer(counted.store(), WriterOptions{});
  ASSERT_TRUE(writer.Commit(PutMutation("p", "first", "v")).ok());
  ASSERT_TRUE(writer.ChainLength("p").ok());  // p's head is cached, q's is not

  counted.fs().SetWalSyncDelay(milliseconds(1500));
  const int64_t started = counted.fs().wal_syncs_started();
  std::thread slow([&] { EXPECT_TRUE(writer.Commit(PutMutation("p", "slow", "v")).ok()); });
  while (counted.fs().wal_syncs_started() == started) std::this_thread::sleep_for(milliseconds(1));

  // The synced write is under way for 1.5 s; the heads answer meanwhile.
  const auto begin = std::chrono::steady_clock::now();
  auto p = writer.ChainLength("p");
  auto q = writer.ChainLength("q");
  const auto waited = std::chrono::steady_clock::now() - begin;
  EXPECT_LT(waited, milliseconds(500));
  ASSERT_TRUE(p.ok() && q.ok());
  EXPECT_EQ(*p, 1);  // the write in flight is not committed yet
  EXPECT_EQ(*q, 0);
  slow.join();
  counted.fs().SetWalSyncDelay(milliseconds(0));
  EXPECT_EQ(writer.ChainLength("p").value_or(-1), 2);
}

TEST(WriterGroupTest, HeadsReadersDoNotWaitForASlowCallback) {
  CountedStore counted;
  Writer writer(counted.store(), WriterOptions{});
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> in_callback;
  Mutation mutation = PutMutation("p", "k", "v");
  auto put = mutation.apply;
  mutation.apply = [&, put](MutationContext& context) -> absl::StatusOr<MutationResult> {
    absl::StatusOr<MutationResult> result = put(context);
    if (result.ok()) {
      result->on_committed = [&] {
        in_callback.set_value();
        released.wait_for(std::chrono::seconds(10));
      };
    }
    return result;
  };
  std::thread committer([&] { EXPECT_TRUE(writer.Commit(std::move(mutation)).ok()); });
  in_callback.get_future().wait();

  auto reader = std::async(std::launch::async, [&] {
    auto p = writer.ChainLength("p");
    auto q = writer.ChainLength("q");
    return std::make_pair(p.value_or(-1), q.value_or(-1));
  });
  const bool answered = reader.wait_for(std::chrono::seconds(1)) == std::future_status::ready;
  release.set_value();
  committer.join();
  EXPECT_TRUE(answered) << "a heads reader waited for an on_committed callback";
  // The callback runs after the write: the head already counts it.
  EXPECT_EQ(reader.get(), std::make_pair(int64_t{1}, int64_t{0}));
}

}  // namespace
}  // namespace icr::storage
