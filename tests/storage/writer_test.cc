#include "server/storage/writer.h"

#include <malloc.h>

#include <thread>

#include "gtest/gtest.h"
#include "server/audit/hash.h"
#include "server/storage/keys.h"
#include "tests/testing/temp_dir.h"

namespace icr::storage {
namespace {

// A mutation that writes `key` = `value` in the metadata family, or fails
// (writing first, to prove the write is rolled back) when `fail` is set.
Mutation PutMutation(const std::string& chain, const std::string& key, const std::string& value,
                     bool fail = false, const std::string& request_id = "") {
  Mutation mutation;
  mutation.chain = chain;
  mutation.event.set_actor("tester");
  mutation.event.set_method("/test/Put");
  mutation.event.set_request_id(request_id);
  mutation.event.set_request(key + "=" + value);
  mutation.apply = [key, value, fail](MutationContext& context) -> absl::StatusOr<MutationResult> {
    context.Put(Family::kMetadata, key, value);
    if (fail) return absl::InvalidArgumentError("value: rejected");
    return MutationResult{"ok:" + value, "put " + key, std::nullopt};
  };
  return mutation;
}

int64_t CountEvents(const Store& store, const std::string& chain) {
  int64_t n = 0;
  EXPECT_TRUE(store
                  .Scan(Family::kEvents, EventPrefix(chain), "",
                        [&](std::string_view, std::string_view) {
                          ++n;
                          return true;
                        })
                  .ok());
  return n;
}

TEST(WriterTest, CommitsStateAndEventTogether) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status();
  Writer writer(**store, WriterOptions{});
  auto answer = writer.Commit(PutMutation("p", "k1", "v1"));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(*answer, "ok:v1");
  auto value = (*store)->Get(Family::kMetadata, "k1");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or(""), "v1");
  EXPECT_EQ(CountEvents(**store, "p"), 1);
}

TEST(WriterTest, AFailedMutationWritesNothing) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok());
  Writer writer(**store, WriterOptions{});
  auto answer = writer.Commit(PutMutation("p", "k1", "v1", /*fail=*/true));
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  auto value = (*store)->Get(Family::kMetadata, "k1");
  ASSERT_TRUE(value.ok());
  EXPECT_FALSE(value->has_value());
  EXPECT_EQ(CountEvents(**store, "p"), 0);
}

TEST(WriterTest, ConcurrentMutationsShareGroupsAndKeepTheChainGapless) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok());
  {
    Writer writer(**store, WriterOptions{});
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          // Every third one fails: its savepoint is rolled back within the
          // group and must leave no event and no gap.
          bool fail = i % 3 == 0;
          auto answer = writer.Commit(
              PutMutation("p", "k" + std::to_string(t) + "-" + std::to_string(i), "v", fail));
          EXPECT_EQ(answer.ok(), !fail);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    auto length = writer.ChainLength("p");
    ASSERT_TRUE(length.ok());
    EXPECT_EQ(*length, 8 * 33);
  }
  // Walk the chain: seq 1..n with no gap, each prev_hash the previous hash.
  std::string prev = audit::GenesisHash();
  int64_t expected_seq = 1;
  ASSERT_TRUE((*store)
                  ->Scan(Family::kEvents, EventPrefix("p"), "",
                         [&](std::string_view, std::string_view value) {
                           icr::v1::StoredEvent stored;
                           EXPECT_TRUE(stored.ParseFromArray(value.data(), value.size()));
                           icr::v1::AuditEvent event;
                           EXPECT_TRUE(event.ParseFromString(stored.event()));
                           EXPECT_EQ(event.seq(), expected_seq++);
                           EXPECT_EQ(event.prev_hash(), prev);
                           EXPECT_EQ(stored.hash(), audit::ChainHash(prev, stored.event()));
                           prev = stored.hash();
                           return true;
                         })
                  .ok());
  EXPECT_EQ(expected_seq, 8 * 33 + 1);
}

TEST(WriterTest, RetriedRequestIdAnswersTheFirstResultWithoutASecondEvent) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok());
  Writer writer(**store, WriterOptions{});
  auto first = writer.Commit(PutMutation("p", "k", "v", false, "req-1"));
  auto again = writer.Commit(PutMutation("p", "k", "v", false, "req-1"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(CountEvents(**store, "p"), 1);
  // The same id with a different request is refused.
  auto different = writer.Commit(PutMutation("p", "k", "other", false, "req-1"));
  EXPECT_EQ(different.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CountEvents(**store, "p"), 1);
}

TEST(WriterTest, ReopenKeepsDataAndContinuesTheChain) {
  testing::TempDir dir;
  std::string last_hash;
  {
    auto store = Store::Open(dir.path(), StoreOptions{});
    ASSERT_TRUE(store.ok());
    Writer writer(**store, WriterOptions{});
    ASSERT_TRUE(writer.Commit(PutMutation("p", "a", "1")).ok());
    ASSERT_TRUE(writer.Commit(PutMutation("p", "b", "2")).ok());
    auto last = (*store)->Last(Family::kEvents, EventPrefix("p"));
    ASSERT_TRUE(last.ok() && last->has_value());
    icr::v1::StoredEvent stored;
    ASSERT_TRUE(stored.ParseFromString((*last)->second));
    last_hash = stored.hash();
  }
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok());
  Writer writer(**store, WriterOptions{});
  auto value = (*store)->Get(Family::kMetadata, "b");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->value_or(""), "2");
  ASSERT_TRUE(writer.Commit(PutMutation("p", "c", "3")).ok());
  auto last = (*store)->Last(Family::kEvents, EventPrefix("p"));
  ASSERT_TRUE(last.ok() && last->has_value());
  icr::v1::StoredEvent stored;
  ASSERT_TRUE(stored.ParseFromString((*last)->second));
  icr::v1::AuditEvent event;
  ASSERT_TRUE(event.ParseFromString(stored.event()));
  EXPECT_EQ(event.seq(), 3);
  EXPECT_EQ(event.prev_hash(), last_hash);
}

TEST(WriterTest, LaterMutationsOfAGroupSeeEarlierOnes) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok());
  Writer writer(**store, WriterOptions{});
  // Many concurrent "create if absent" of one key: exactly one may win, even
  // when they land in one group.
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      Mutation mutation;
      mutation.chain = "p";
      mutation.event.set_method("/test/Create");
      mutation.apply = [](MutationContext& context) -> absl::StatusOr<MutationResult> {
        auto existing = context.Get(Family::kMetadata, "only");
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) return absl::AlreadyExistsError("only");
        context.Put(Family::kMetadata, "only", "x");
        return MutationResult{"", "created", std::nullopt};
      };
      if (writer.Commit(std::move(mutation)).ok()) ++created;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(CountEvents(**store, "p"), 1);
}

TEST(WriterTest, AFailedMutationIsInvisibleToTheRestOfItsGroup) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok());
  Writer writer(**store, WriterOptions{});
  std::atomic<int> saw_ghost{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        Mutation mutation;
        mutation.chain = "p";
        mutation.event.set_method("/test/Ghost");
        const bool fail = (t + i) % 2 == 0;
        mutation.apply = [&, fail](MutationContext& context) -> absl::StatusOr<MutationResult> {
          auto ghost = context.Get(Family::kMetadata, "ghost");
          if (!ghost.ok()) return ghost.status();
          if (ghost->has_value()) ++saw_ghost;
          // Overwrite a real key too: the failure must restore its value.
          context.Put(Family::kMetadata, "real", fail ? "bad" : "good");
          if (fail) {
            context.Put(Family::kMetadata, "ghost", "boo");
            return absl::AbortedError("fails after writing");
          }
          return MutationResult{"", "ok", std::nullopt};
        };
        (void)writer.Commit(std::move(mutation));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(saw_ghost.load(), 0);
  auto ghost = (*store)->Get(Family::kMetadata, "ghost");
  ASSERT_TRUE(ghost.ok());
  EXPECT_FALSE(ghost->has_value());
  auto real = (*store)->Get(Family::kMetadata, "real");
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real->value_or(""), "good");
  EXPECT_EQ(CountEvents(**store, "p"), 16 * 10);
}

std::string Read(const MutationContext& context, Family family, const std::string& key) {
  auto value = context.Get(family, key);
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? value->value_or("<absent>") : "<error>";
}

TEST(MutationContextTest, ReadsThroughTheGroupAndRollsBackExactly) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok());
  rocksdb::WriteBatch stored;
  stored.Put((*store)->handle(Family::kMetadata), "stored", "old");
  ASSERT_TRUE((*store)->Write(&stored).ok());

  rocksdb::WriteBatch batch;
  MutationContext context(**store, batch);
  context.Begin();
  context.Put(Family::kMetadata, "a", "1");
  context.Put(Family::kMetadata, "stored", "new");
  context.Put(Family::kTexts, "a", "text");  // the same key in another family
  context.Keep();
  EXPECT_EQ(Read(context, Family::kMetadata, "a"), "1");
  EXPECT_EQ(Read(context, Family::kTexts, "a"), "text");
  EXPECT_EQ(Read(context, Family::kMetadata, "stored"), "new");

  // A mutation that overwrites twice, adds a value large enough to move the
  // batch's buffer, and fails: all of it is undone.
  const std::string big(4 << 20, 'b');
  context.Begin();
  context.Put(Family::kMetadata, "a", "2");
  context.Put(Family::kMetadata, "a", "3");
  context.Put(Family::kMetadata, "b", big);
  context.Put(Family::kMetadata, "stored", "newer");
  EXPECT_EQ(Read(context, Family::kMetadata, "a"), "3");
  EXPECT_EQ(Read(context, Family::kMetadata, "b"), big);
  context.Rollback();
  EXPECT_EQ(Read(context, Family::kMetadata, "a"), "1");
  EXPECT_EQ(Read(context, Family::kMetadata, "b"), "<absent>");
  EXPECT_EQ(Read(context, Family::kMetadata, "stored"), "new");
  EXPECT_EQ(Read(context, Family::kTexts, "a"), "text");

  // Writes after a rollback take the place of the rolled-back ones.
  context.Begin();
  context.Put(Family::kMetadata, "c", "after");
  context.Put(Family::kMetadata, "a", "4");
  context.Keep();
  EXPECT_EQ(Read(context, Family::kMetadata, "c"), "after");
  EXPECT_EQ(Read(context, Family::kMetadata, "a"), "4");
  EXPECT_EQ(Read(context, Family::kTexts, "a"), "text");

  ASSERT_TRUE((*store)->Write(&batch).ok());
  EXPECT_EQ((*store)->Get(Family::kMetadata, "a")->value_or(""), "4");
  EXPECT_EQ((*store)->Get(Family::kMetadata, "c")->value_or(""), "after");
  EXPECT_EQ((*store)->Get(Family::kMetadata, "stored")->value_or(""), "new");
  EXPECT_FALSE((*store)->Get(Family::kMetadata, "b")->has_value());
}

size_t AllocatedBytes() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

TEST(MutationContextTest, HoldsEachValueOnce) {
  testing::TempDir dir;
  auto store = Store::Open(dir.path(), StoreOptions{});
  ASSERT_TRUE(store.ok());
  constexpr size_t kValueBytes = 1 << 20;
  constexpr int kValues = 32;
  // The batch's buffer is reserved up front, so what the group allocates
  // beyond it is the overlay's own.
  rocksdb::WriteBatch batch(kValues * (kValueBytes + 64) + 4096);
  MutationContext context(**store, batch);
  const std::string value(kValueBytes, 'v');
  const size_t before = AllocatedBytes();
  context.Begin();
  for (int i = 0; i < kValues; ++i) {
    context.Put(Family::kCodings, "k" + std::to_string(i), value);
  }
  context.Keep();
  // Signed: RocksDB's own threads may free memory meanwhile, and the heap
  // then shrinks (an unsigned difference wrapped to 1.8e19 on a loaded CI
  // machine).
  const int64_t grown = static_cast<int64_t>(AllocatedBytes()) - static_cast<int64_t>(before);
  // Keys and spans only: far less than one value, against 32 for a copy.
  EXPECT_LT(grown, static_cast<int64_t>(kValueBytes)) << grown;
  EXPECT_EQ(Read(context, Family::kCodings, "k0"), value);
  EXPECT_EQ(Read(context, Family::kCodings, "k31"), value);
}

}  // namespace
}  // namespace icr::storage
