// Live agreement on a large round, server-side (no gRPC): a round of 1,000
// documents x 100 segments, 3 coders, 100 codes and 1,000,000 codings
// stored through the real Writer and Codings, then
//   BM_ComputeByCode         ComputeAgreement by code, no bootstrap (the
//                            per-code patterns kept incrementally; no scan)
//   BM_ComputeByCodeFiltered the same on half the documents (reads the units)
//   BM_ListDisagreements     one page of 100 disagreements
//   BM_ComputeBootstrap      by code with 2,000 bootstrap replicates (drawn
//                            from the pattern counts: O(patterns) each)
//   BM_RefusedBootstrap      20,000 replicates: beyond the budget, refused
//   BM_IncrementalUpdate     one 10-coding batch committed and applied (in
//                            documents reopened for the coder)
// Imported documents are DONE, so every coding counts.
// The first computation loads the round from a scan; its time is printed
// once. Run: build-live/bench/live/live_bench --benchmark_format=json

#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>

#include "server/catalog/catalog.h"
#include "server/coding/codings.h"
#include "server/common/caller.h"
#include "server/live/live_agreement.h"
#include "server/storage/store.h"
#include "server/storage/writer.h"

namespace icr {
namespace {

constexpr int kDocuments = 1000;
constexpr int kSegments = 100;
constexpr int kCodes = 100;
constexpr int kCodings = 1000000;
const char* const kCoders[] = {"alice", "bob", "carol"};

void Check(const absl::Status& s) {
  if (!s.ok()) {
    std::cerr << s << "\n";
    std::abort();
  }
}
template <typename T>
T Check(absl::StatusOr<T> s) {
  Check(s.status());
  return *std::move(s);
}

struct World {
  std::string dir;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<storage::Writer> writer;
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<coding::Codings> codings;
  std::unique_ptr<live::LiveAgreement> live;
  common::Caller lead{.user = "lead", .server_admin = true, .role = v1::OWNER};

  World() {
    dir = (std::filesystem::temp_directory_path() / "icr-live-bench").string();
    std::filesystem::remove_all(dir);
    store = Check(storage::Store::Open(dir, storage::StoreOptions{.sync = false}));
    writer = std::make_unique<storage::Writer>(*store, storage::WriterOptions{});
    catalog = std::make_unique<catalog::Catalog>(*store, *writer, catalog::CatalogOptions{});
    codings = std::make_unique<coding::Codings>(*store, *writer,
                                                coding::CodingsOptions{.max_batch = 20000});
    live = std::make_unique<live::LiveAgreement>(*store, *writer, *codings, live::LiveOptions{});
    const common::Caller admin{.user = "lead", .server_admin = true};
    for (const char* user : {"lead", "alice", "bob", "carol"}) {
      v1::CreateUserRequest u;
      u.set_id(user);
      u.set_role(v1::USER);
      Check(catalog->CreateUser(admin, u));
    }
    v1::CreateProjectRequest p;
    p.set_id("big");
    p.set_title("Big");
    Check(catalog->CreateProject(admin, p));
    for (const char* coder : kCoders) {
      v1::AddMemberRequest m;
      m.set_project("big");
      m.set_user(coder);
      m.set_role(v1::CODER);
      Check(catalog->AddMember(admin, m));
    }
    for (int c = 0; c < kCodes; ++c) {
      v1::CreateCodeRequest code;
      code.set_project("big");
      code.mutable_code()->set_id("c" + std::to_string(c));
      code.mutable_code()->set_name("code " + std::to_string(c));
      Check(catalog->CreateCode(admin, code));
    }
    std::string text;
    for (int s = 0; s < kSegments; ++s) text += "line " + std::to_string(s) + "\n";
    v1::CreateRoundRequest round;
    round.set_project("big");
    round.set_id("r1");
    for (int d = 0; d < kDocuments; ++d) {
      v1::CreateDocumentRequest doc;
      doc.set_project("big");
      doc.set_id("d" + std::to_string(d));
      doc.set_text(text);
      doc.set_segmentation(v1::SEGMENT_LINE);
      Check(catalog->CreateDocument(admin, doc));
      round.add_documents(doc.id());
    }
    for (const char* coder : kCoders) round.add_coders(coder);
    Check(catalog->CreateRound(admin, round));

    // Each unit has a few "true" codes; each coder follows each with
    // probability 0.85 and adds a stray code now and then.
    std::mt19937 rng(1);
    std::vector<v1::SubmitCodingsRequest> batches(3);
    int64_t stored = 0;
    for (int i = 0; i < 3; ++i) {
      batches[i].set_project("big");
      batches[i].set_round("r1");
      batches[i].set_on_behalf_of(kCoders[i]);
    }
    auto flush = [&](int i) {
      if (batches[i].codings_size() == 0) return;
      stored += Check(codings->ImportChunk(lead, batches[i])).coding_ids_size();
      batches[i].clear_codings();
    };
    for (int d = 0; d < kDocuments && stored < kCodings; ++d) {
      for (int s = 0; s < kSegments; ++s) {
        int truth[4];
        for (int& t : truth) t = static_cast<int>(rng() % kCodes);
        for (int i = 0; i < 3; ++i) {
          std::vector<int> chosen;
          for (int t : truth) {
            if (rng() % 100 < 85) chosen.push_back(t);
          }
          if (rng() % 100 < 20) chosen.push_back(static_cast<int>(rng() % kCodes));
          std::sort(chosen.begin(), chosen.end());
          chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
          for (int c : chosen) {
            v1::CodingInput* in = batches[i].add_codings();
            in->set_document("d" + std::to_string(d));
            in->set_code("c" + std::to_string(c));
            in->set_segment(s);
          }
          if (batches[i].codings_size() >= 10000) flush(i);
        }
      }
    }
    for (int i = 0; i < 3; ++i) flush(i);
    std::cerr << "stored " << stored << " codings\n";
    // As the ImportCodings stream does at its end: the imported documents
    // are finished work.
    std::vector<std::string> documents;
    for (int d = 0; d < kDocuments; ++d) documents.push_back("d" + std::to_string(d));
    for (const char* coder : kCoders) {
      Check(codings->MarkImportedDone(lead, "big", "r1", coder, documents));
    }
    const auto start = std::chrono::steady_clock::now();
    Check(live->Compute(lead, Request()));
    std::cerr << "first ComputeAgreement (loads the round from a scan): "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
              << " s\n";
  }

  static v1::ComputeAgreementRequest Request() {
    v1::ComputeAgreementRequest r;
    r.set_project("big");
    r.set_round("r1");
    return r;
  }
};

World& TheWorld() {
  static World* world = new World();
  return *world;
}

void BM_ComputeByCode(benchmark::State& state) {
  World& w = TheWorld();
  const v1::ComputeAgreementRequest request = World::Request();
  int64_t rows = 0;
  for (auto _ : state) {
    v1::ComputeAgreementResponse r = Check(w.live->Compute(w.lead, request));
    rows = r.rows_size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_ComputeByCode)->Unit(benchmark::kMillisecond);

void BM_ComputeByCodeFiltered(benchmark::State& state) {
  World& w = TheWorld();
  v1::ComputeAgreementRequest request = World::Request();
  for (int d = 0; d < kDocuments / 2; ++d) request.add_documents("d" + std::to_string(d));
  for (auto _ : state) benchmark::DoNotOptimize(Check(w.live->Compute(w.lead, request)));
}
BENCHMARK(BM_ComputeByCodeFiltered)->Unit(benchmark::kMillisecond);

void BM_ListDisagreements(benchmark::State& state) {
  World& w = TheWorld();
  v1::ListDisagreementsRequest request;
  request.set_project("big");
  request.set_round("r1");
  request.set_page_size(100);
  std::string token;
  for (auto _ : state) {
    request.set_page_token(token);
    v1::ListDisagreementsResponse page = Check(w.live->ListDisagreements(w.lead, request));
    token = page.next_page_token();  // walk forward through the round
    benchmark::DoNotOptimize(page);
  }
}
BENCHMARK(BM_ListDisagreements)->Unit(benchmark::kMillisecond);

void BM_ComputeBootstrap(benchmark::State& state) {
  World& w = TheWorld();
  v1::ComputeAgreementRequest request = World::Request();
  request.set_bootstrap(2000);
  for (auto _ : state) benchmark::DoNotOptimize(Check(w.live->Compute(w.lead, request)));
}
BENCHMARK(BM_ComputeBootstrap)->Unit(benchmark::kMillisecond);

void BM_RefusedBootstrap(benchmark::State& state) {
  World& w = TheWorld();
  v1::ComputeAgreementRequest request = World::Request();
  request.set_bootstrap(20000);
  for (auto _ : state) {
    absl::StatusOr<v1::ComputeAgreementResponse> r = w.live->Compute(w.lead, request);
    if (r.status().code() != absl::StatusCode::kResourceExhausted) std::abort();
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_RefusedBootstrap)->Unit(benchmark::kMillisecond);

void BM_IncrementalUpdate(benchmark::State& state) {
  World& w = TheWorld();
  std::mt19937 rng(2);
  constexpr int kReopened = 10;
  for (int d = 0; d < kReopened; ++d) {
    v1::SetDocumentProgressRequest reopen;
    reopen.set_project("big");
    reopen.set_round("r1");
    reopen.set_document("d" + std::to_string(d));
    reopen.set_state(v1::IN_PROGRESS);
    reopen.set_on_behalf_of("bob");
    reopen.set_request_id("reopen-" + std::to_string(d));
    Check(w.codings->SetProgress(w.lead, reopen));
  }
  v1::ComputeAgreementRequest request = World::Request();
  request.set_include_unfinished(true);
  for (auto _ : state) {
    v1::SubmitCodingsRequest batch;
    batch.set_project("big");
    batch.set_round("r1");
    batch.set_on_behalf_of("bob");
    for (int i = 0; i < 10; ++i) {
      v1::CodingInput* in = batch.add_codings();
      in->set_document("d" + std::to_string(rng() % kReopened));
      in->set_code("c" + std::to_string(rng() % kCodes));
      in->set_segment(rng() % kSegments);
    }
    Check(w.codings->Submit(w.lead, batch));
    benchmark::DoNotOptimize(Check(w.live->Compute(w.lead, request)));
  }
}
BENCHMARK(BM_IncrementalUpdate)->Unit(benchmark::kMillisecond)->Iterations(50);

}  // namespace
}  // namespace icr

BENCHMARK_MAIN();
