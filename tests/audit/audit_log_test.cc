// AuditLog on a real store: a head signed with the store's sync off covers
// only events that survive a power cut, and the cache of chain trees stays
// within its bound while evicted chains answer as before.

#include "server/audit/audit_log.h"

#include <string>

#include "gtest/gtest.h"
#include "server/audit/signing.h"
#include "server/storage/keys.h"
#include "server/storage/writer.h"
#include "tests/testing/power_cut_fs.h"
#include "tests/testing/temp_dir.h"

namespace icr::audit {
namespace {

storage::Mutation PutMutation(const std::string& chain, const std::string& key) {
  storage::Mutation mutation;
  mutation.chain = chain;
  mutation.event.set_method("/test/Put");
  mutation.apply =
      [key](storage::MutationContext& context) -> absl::StatusOr<storage::MutationResult> {
    context.Put(storage::Family::kMetadata, key, "acknowledged");
    return storage::MutationResult{"", "put " + key, std::nullopt};
  };
  return mutation;
}

TEST(AuditLogTest, HeadSignedWithoutSyncSurvivesAPowerCut) {
  testing::TempDir dir;
  const SigningKey key = *SigningKey::Generate();
  constexpr int kEvents = 200;
  v1::SignedTreeHead head;
  {
    auto fs = std::make_shared<testing::PowerCutFileSystem>(rocksdb::FileSystem::Default());
    std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
    storage::StoreOptions options;
    options.sync = false;
    options.env = env.get();
    auto store = storage::Store::Open(dir.path(), options);
    ASSERT_TRUE(store.ok()) << store.status();
    {
      storage::Writer writer(**store, storage::WriterOptions{});
      for (int i = 0; i < kEvents; ++i) {
        ASSERT_TRUE(writer.Commit(PutMutation("p", "k" + std::to_string(i))).ok());
      }
      AuditLog log(**store, key);
      absl::StatusOr<v1::SignedTreeHead> signed_head = log.SignedHead("p");
      ASSERT_TRUE(signed_head.ok()) << signed_head.status();
      head = *signed_head;
      ASSERT_EQ(head.tree_size(), kEvents);
      fs->CutPower();
    }
  }  // the process goes down with the power
  auto store = storage::Store::Open(dir.path(), storage::StoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status();
  AuditLog log(**store, key);
  absl::StatusOr<v1::SignedTreeHead> after = log.SignedHead("p");
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_GE(after->tree_size(), head.tree_size()) << "the power cut undid events the head covers";
  absl::StatusOr<v1::GetConsistencyProofResponse> proof =
      log.ConsistencyProof("p", head.tree_size(), 0);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_EQ(proof->first_root_hash(), head.root_hash());
}

TEST(AuditLogTest, CacheOfChainTreesIsBoundedAndEvictedChainsReload) {
  testing::TempDir dir;
  auto store = storage::Store::Open(dir.path(), storage::StoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status();
  storage::Writer writer(**store, storage::WriterOptions{});
  constexpr int kChains = 20;
  for (int c = 0; c < kChains; ++c) {
    for (int i = 0; i <= c; ++i) {
      ASSERT_TRUE(
          writer.Commit(PutMutation("p" + std::to_string(c), "k" + std::to_string(i))).ok());
    }
  }
  const SigningKey key = *SigningKey::Generate();
  AuditLogOptions options;
  options.max_cached_chains = 4;
  AuditLog log(**store, key, options);
  std::vector<std::string> roots;
  for (int c = 0; c < kChains; ++c) {
    absl::StatusOr<v1::SignedTreeHead> head = log.SignedHead("p" + std::to_string(c));
    ASSERT_TRUE(head.ok()) << head.status();
    EXPECT_EQ(head->tree_size(), c + 1);
    roots.push_back(head->root_hash());
    EXPECT_LE(log.CachedChains(), 4u);
  }
  EXPECT_EQ(log.CachedChains(), 4u);

  // An evicted chain is rebuilt from its events, and extended with the new.
  absl::StatusOr<v1::SignedTreeHead> again = log.SignedHead("p0");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->tree_size(), 1);
  EXPECT_EQ(again->root_hash(), roots[0]);
  ASSERT_TRUE(writer.Commit(PutMutation("p0", "later")).ok());
  absl::StatusOr<v1::GetConsistencyProofResponse> proof = log.ConsistencyProof("p0", 1, 0);
  ASSERT_TRUE(proof.ok()) << proof.status();
  EXPECT_EQ(proof->second_tree_size(), 2);
  EXPECT_EQ(proof->first_root_hash(), roots[0]);

  // The most recently used chains stay: p0 was just used, p19 before it.
  absl::StatusOr<v1::GetInclusionProofResponse> inclusion = log.InclusionProof("p19", 20, 0);
  ASSERT_TRUE(inclusion.ok()) << inclusion.status();
  EXPECT_EQ(inclusion->root_hash(), roots[19]);
  EXPECT_EQ(log.CachedChains(), 4u);
}

// Reading after a seq seeks to the next event: the events before it are
// never read (an unreadable event 1 does not stop a read after 1, while a
// read from the start reports it), and the events come in order to the end.
TEST(AuditLogTest, ReadEventsAfterSeeksPastTheEventsBefore) {
  testing::TempDir dir;
  auto store = storage::Store::Open(dir.path(), storage::StoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status();
  {
    storage::Writer writer(**store, storage::WriterOptions{});
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(writer.Commit(PutMutation("p", "k" + std::to_string(i))).ok());
    }
  }
  rocksdb::WriteBatch damage;
  damage.Put((*store)->handle(storage::Family::kEvents), storage::EventKey("p", 1), "not an event");
  ASSERT_TRUE((*store)->Write(&damage).ok());
  const SigningKey key = *SigningKey::Generate();
  AuditLog log(**store, key);

  auto read_after = [&](int64_t after_seq, int64_t stop_after) {
    std::vector<int64_t> seqs;
    absl::Status status = log.ReadEventsAfter("p", after_seq, [&](v1::EventRecord& record) {
      EXPECT_EQ(record.event().seq(), record.seq());
      seqs.push_back(record.seq());
      return static_cast<int64_t>(seqs.size()) < stop_after;
    });
    EXPECT_TRUE(status.ok()) << status;
    return seqs;
  };
  EXPECT_EQ(read_after(1, 100), (std::vector<int64_t>{2, 3, 4, 5}));
  EXPECT_EQ(read_after(3, 100), (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(read_after(2, 2), (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(read_after(5, 100).empty());
  EXPECT_TRUE(read_after(9, 100).empty());

  absl::Status from_start = log.ReadEvents("p", 5, [](v1::EventRecord&) { return true; });
  EXPECT_EQ(from_start.code(), absl::StatusCode::kDataLoss) << from_start;
}

}  // namespace
}  // namespace icr::audit
