// The verifiable log at 1,000,000 events (DESIGN §5): what GetSignedHead and
// the proofs cost on a big chain, cold (first use after a start: one scan of
// the chain) and warm (the cached tree extended with new events only).
//
// The chain is written straight into a temporary RocksDB in the stored
// format (StoredEvent under {chain}/{seq}), 100 events per batch.
//
// The change feed (AuditService.ListChanges, polled by every open browser
// event stream) on a project of 100,000 events: the domain call, and the RPC
// through a real server over loopback, with nothing new and with a page of
// new events.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "icr/v1/audit.grpc.pb.h"
#include "icr/v1/coding.pb.h"
#include "icr/v1/project.grpc.pb.h"
#include "icr/v1/resources.pb.h"
#include "server/audit/audit_log.h"
#include "server/audit/hash.h"
#include "server/audit/merkle.h"
#include "server/audit/signing.h"
#include "server/coding/changes.h"
#include "server/common/caller.h"
#include "server/service/server.h"
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
  // The recorded request of each event.
  std::string request = std::string(120, 'r');

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
      event.set_request(request);
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

constexpr int64_t kChangeEvents = 100000;

// A coder's submission of one coding, as the trail records it.
std::string SubmissionRequest(int64_t i) {
  v1::SubmitCodingsRequest request;
  request.set_project(kChain);
  request.set_round("r1");
  request.set_request_id("req-" + std::to_string(i));
  v1::CodingInput* coding = request.add_codings();
  coding->set_document("d" + std::to_string(i % 43));
  coding->set_code("c" + std::to_string(i % 267));
  coding->set_segment(i % 500);
  return request.SerializeAsString();
}

// Appends `count` submissions to the chain of `log`, continuing it.
void AppendSubmissions(Log& log, int64_t count) {
  for (int64_t i = 0; i < count; i += 1000) {
    log.request = SubmissionRequest(log.size);
    log.Append(std::min<int64_t>(1000, count - i));
  }
}

// A chain of kChangeEvents submissions of its own.
Log& ChangesLog() {
  static Log* log = [] {
    auto* log = new Log;
    log->dir = (std::filesystem::temp_directory_path() / "icr-changes-bench").string();
    std::filesystem::remove_all(log->dir);
    storage::StoreOptions options;
    options.sync = false;
    log->store = *storage::Store::Open(log->dir, options);
    log->key = std::make_unique<SigningKey>(*SigningKey::Generate());
    AppendSubmissions(*log, kChangeEvents);
    return log;
  }();
  return *log;
}

// ChangeFeed::List after `range(0)` new events (0: nothing new), as a lead.
void BM_ListChanges(benchmark::State& state) {
  Log& log = ChangesLog();
  AuditLog audit_log(*log.store, *log.key);
  coding::ChangeFeed feed(*log.store, audit_log);
  const common::Caller lead{.user = "lead", .role = v1::LEAD};
  v1::ListChangesRequest request;
  request.set_project(kChain);
  request.set_after_seq(log.size - state.range(0));
  for (auto _ : state) {
    absl::StatusOr<v1::ListChangesResponse> changes = feed.List(lead, request);
    if (!changes.ok() || changes->changes_size() != state.range(0)) {
      state.SkipWithError("unexpected answer");
      break;
    }
    benchmark::DoNotOptimize(changes);
  }
  state.counters["events"] = static_cast<double>(log.size);
}

// A real server whose project `study` has kChangeEvents + 1 events: created
// through the API, then filled with submissions written into its store while
// it is stopped.
struct ServedProject {
  std::string dir;
  std::unique_ptr<service::IcrServer> server;
  std::unique_ptr<v1::AuditService::Stub> audit;
  std::string token;
  int64_t events = 0;

  void Start() {
    service::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir;
    options.sync = false;
    server = *service::IcrServer::Start(options);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server->port()),
                                       grpc::InsecureChannelCredentials());
    audit = v1::AuditService::NewStub(channel);
    std::ifstream(dir + "/admin.token") >> token;
    if (events == 0) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + token);
      v1::CreateProjectRequest create;
      create.set_id(kChain);
      create.set_title("Study");
      v1::CreateProjectResponse created;
      grpc::Status status =
          v1::ProjectService::NewStub(channel)->CreateProject(&context, create, &created);
      if (!status.ok()) {
        fprintf(stderr, "CreateProject: %s\n", status.error_message().c_str());
        std::abort();
      }
    }
  }
};

ServedProject& TheServedProject() {
  static ServedProject* served = [] {
    auto* served = new ServedProject;
    served->dir = (std::filesystem::temp_directory_path() / "icr-changes-rpc-bench").string();
    std::filesystem::remove_all(served->dir);
    served->Start();
    served->server.reset();
    Log log;
    // The server keeps its database in {data_dir}/db.
    log.store = *storage::Store::Open(served->dir + "/db", storage::StoreOptions{});
    auto last = log.store->Last(storage::Family::kEvents, storage::EventPrefix(kChain));
    v1::StoredEvent stored;
    if (!last.ok() || !last->has_value() || !stored.ParseFromString((*last)->second)) {
      fprintf(stderr, "the project's first event is missing: %s\n",
              last.ok() ? (last->has_value() ? "unreadable" : "absent")
                        : std::string(last.status().message()).c_str());
      std::abort();
    }
    log.prev = stored.hash();
    log.size = 1;
    AppendSubmissions(log, kChangeEvents);
    served->events = log.size;
    log.store.reset();
    served->Start();
    return served;
  }();
  return *served;
}

// One ListChanges RPC over loopback with nothing new: authentication, the
// table, the project read and the feed's seek.
void BM_ListChangesRpcNothingNew(benchmark::State& state) {
  ServedProject& served = TheServedProject();
  v1::ListChangesRequest request;
  request.set_project(kChain);
  request.set_after_seq(served.events);
  for (auto _ : state) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + served.token);
    v1::ListChangesResponse response;
    grpc::Status status = served.audit->ListChanges(&context, request, &response);
    if (!status.ok() || response.last_seq() != served.events) {
      state.SkipWithError(status.ok() ? "unexpected last_seq" : status.error_message().c_str());
      break;
    }
  }
  state.counters["events"] = static_cast<double>(served.events);
}

BENCHMARK(BM_ListChanges)->Arg(0)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ListChangesRpcNothingNew)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SignedHeadCold)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_SignedHeadWarm)->Arg(0)->Arg(100)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InclusionProof)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConsistencyProof)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MerkleAppend)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace icr::audit

BENCHMARK_MAIN();
