// What a power cut does to acknowledged writes, with and without syncing
// the WAL: the file system below RocksDB forgets everything not synced.
// With sync (the server's default) every acknowledged mutation survives;
// with --sync=false some are lost — which is why it is not the default.
// Also: a full disk fails the write with a clear error, and nothing crashes.

#include "gtest/gtest.h"
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
