// The group-committing writer alone (no gRPC, no validation), synced to the
// real disk under the system's temp dir, as the server runs it:
//   single   32 threads, each committing one small mutation after another
//            (the shape of single-coding RPCs)
//   batches  8 threads, each mutation 500 puts of ~120 bytes (a 500-coding
//            batch: the coding, its coder-index entry)
// For each: mutations/s, puts/s, latency p50/p99 of Commit, and the WAL
// syncs (counted through the test file system), i.e. mutations per group.
// Run: build/bench/storage/writer_bench [SECONDS]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>
#include <vector>

#include "server/storage/store.h"
#include "server/storage/writer.h"
#include "tests/testing/power_cut_fs.h"

namespace icr::storage {
namespace {

using Clock = std::chrono::steady_clock;

struct Scenario {
  const char* name;
  int threads;
  int puts_per_mutation;
};

void Run(const Scenario& scenario, double seconds) {
  const std::string dir = (std::filesystem::temp_directory_path() / "icr-writer-bench").string();
  std::filesystem::remove_all(dir);
  auto fs = std::make_shared<testing::PowerCutFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  StoreOptions options;
  options.env = env.get();
  auto store = Store::Open(dir, options);
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    std::abort();
  }
  std::vector<std::vector<double>> latencies_ms(scenario.threads);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> failures{0};
  int64_t syncs = 0;
  double elapsed = 0;
  {
    Writer writer(**store, WriterOptions{});
    const int64_t syncs_before = fs->wal_syncs();
    const std::string value(120, 'c');
    std::vector<std::thread> threads;
    const auto begin = Clock::now();
    for (int t = 0; t < scenario.threads; ++t) {
      threads.emplace_back([&, t] {
        for (int64_t i = 0; !stop; ++i) {
          Mutation mutation;
          mutation.chain = "project" + std::to_string(t % 4);
          mutation.event.set_actor("coder" + std::to_string(t));
          mutation.event.set_method("/bench/Put");
          mutation.event.set_request_id(std::to_string(t) + "-" + std::to_string(i));
          const std::string prefix = std::to_string(t) + "/" + std::to_string(i) + "/";
          const int puts = scenario.puts_per_mutation;
          mutation.apply = [&value, prefix,
                            puts](MutationContext& context) -> absl::StatusOr<MutationResult> {
            for (int p = 0; p < puts; ++p) {
              context.Put(Family::kCodings, prefix + std::to_string(p), value);
            }
            MutationResult result;
            result.response = "ok";
            result.summary = "put";
            return result;
          };
          const auto start = Clock::now();
          if (!writer.Commit(std::move(mutation)).ok()) ++failures;
          latencies_ms[t].push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& thread : threads) thread.join();
    elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
    syncs = fs->wal_syncs() - syncs_before;
  }
  store->reset();
  std::filesystem::remove_all(dir);

  std::vector<double> all;
  for (const auto& some : latencies_ms) all.insert(all.end(), some.begin(), some.end());
  std::sort(all.begin(), all.end());
  const auto at = [&](double q) { return all[static_cast<size_t>(q * (all.size() - 1))]; };
  const double mutations = static_cast<double>(all.size());
  std::cout << scenario.name << ": " << scenario.threads << " threads x "
            << scenario.puts_per_mutation << " puts: " << static_cast<int64_t>(mutations / elapsed)
            << " mutations/s, "
            << static_cast<int64_t>(mutations * scenario.puts_per_mutation / elapsed)
            << " puts/s, p50 " << at(0.5) << " ms, p99 " << at(0.99) << " ms, " << syncs
            << " WAL syncs (" << mutations / std::max<int64_t>(syncs, 1) << " mutations per sync), "
            << failures << " failed\n";
}

}  // namespace
}  // namespace icr::storage

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 5;
  icr::storage::Run({"single", 32, 1}, seconds);
  icr::storage::Run({"batches", 8, 500}, seconds);
}
