// The verifiable log at 1,000,000 events (DESIGN §5): what GetSignedHead and
// the proofs cost on a big chain, cold (first use after a start: one scan of
// the chain) and warm (the cached tree extended with new events only).
//
// The chain is written straight into a temporary RocksDB in the stored
// format (StoredEvent under {chain}/{seq}), 100 events per batch.

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "icr/v1/resources.pb.h"
#include "server/audit/audit_log.h"
#include "server/audit/hash.h"
#include "server/audit/merkle.h"
#include "server/audit/signing.h"
#include "server/storage/keys.h"
#include "server/storage/store.h"

namespace icr::audit {
namespace {

constexpr char kChain[] = "study";

int64_t Events() {
  const char* env = std::getenv("ICR_BENCH_EVENTS");
  return env != nullptr ? std::atoll(env) : 1000000;
}

struct Log {
  std::string dir;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<SigningKey> key;
  std::string prev = GenesisHash();
  int64_t size = 0;

  void Append(int64_t count) {
    rocksdb::WriteBatch batch;
    for (int64_t i = 0; i < count; ++i) {
      v1::AuditEvent event;
      event.set_format_version(1);
      event.set_project(kChain);
      event.set_seq(++size);
      event.mutable_time()->set_seconds(1700000000 + size);
      event.set_actor("coder" + std::to_string(size % 7));
      event.set_method("/icr.v1.CodingService/SubmitCodings");
      event.set_request(std::string(120, 'r'));
      event.set_result_summary("added 3 codings");
      event.set_prev_hash(prev);
      v1::StoredEvent stored;
      stored.set_event(event.SerializeAsString());
      stored.set_hash(ChainHash(prev, stored.event()));
      prev = stored.hash();
      const std::string key = storage::EventKey(kChain, size);
      const std::string value = stored.SerializeAsString();
      batch.Put(store->handle(storage::Family::kEvents), key, value);
      if (batch.Count() == 100) {
        (void)store->Write(&batch);
        batch.Clear();
      }
    }
    if (batch.Count() > 0) (void)store->Write(&batch);
  }
};

Log& TheLog() {
  static Log* log = [] {
    auto* log = new Log;
    log->dir = (std::filesystem::temp_directory_path() / "icr-audit-bench").string();
    std::filesystem::remove_all(log->dir);
    storage::StoreOptions options;
    options.sync = false;
    log->store = *storage::Store::Open(log->dir, options);
    log->key = std::make_unique<SigningKey>(*SigningKey::Generate());
    const absl::Time start = absl::Now();
    log->Append(Events());
    fprintf(stderr, "wrote %lld events in %.1f s\n", static_cast<long long>(log->size),
            absl::ToDoubleSeconds(absl::Now() - start));
    return log;
  }();
  return *log;
}

// First GetSignedHead after a start: the tree is built from one scan.
void BM_SignedHeadCold(benchmark::State& state) {
  Log& log = TheLog();
  for (auto _ : state) {
    AuditLog audit_log(*log.store, *log.key);
    benchmark::DoNotOptimize(audit_log.SignedHead(kChain));
  }
  state.counters["events"] = static_cast<double>(log.size);
}

// GetSignedHead on a warm log after `range(0)` new events.
void BM_SignedHeadWarm(benchmark::State& state) {
  Log& log = TheLog();
  AuditLog audit_log(*log.store, *log.key);
  (void)audit_log.SignedHead(kChain);
  for (auto _ : state) {
    state.PauseTiming();
    log.Append(state.range(0));
    state.ResumeTiming();
    benchmark::DoNotOptimize(audit_log.SignedHead(kChain));
  }
}

void BM_InclusionProof(benchmark::State& state) {
  Log& log = TheLog();
  AuditLog audit_log(*log.store, *log.key);
  (void)audit_log.SignedHead(kChain);
  int64_t seq = 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(audit_log.InclusionProof(kChain, seq, 0));
    seq = seq * 7919 % log.size + 1;
  }
}

void BM_ConsistencyProof(benchmark::State& state) {
  Log& log = TheLog();
  AuditLog audit_log(*log.store, *log.key);
  (void)audit_log.SignedHead(kChain);
  int64_t first = 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(audit_log.ConsistencyProof(kChain, first, 0));
    first = first * 7919 % log.size + 1;
  }
}

// The tree alone: appending leaf hashes (what the offline verifier does).
void BM_MerkleAppend(benchmark::State& state) {
  const std::string leaf = LeafHash("event");
  for (auto _ : state) {
    MerkleTree tree;
    for (int64_t i = 0; i < state.range(0); ++i) tree.AppendLeafHash(leaf);
    benchmark::DoNotOptimize(tree.RootHash(tree.size()));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_SignedHeadCold)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_SignedHeadWarm)->Arg(0)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InclusionProof)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConsistencyProof)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MerkleAppend)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace icr::audit

BENCHMARK_MAIN();
