// Free-span agreement at study scale: 3 coders x 200 documents x 20,000 code
// points x 50 codes, about 50,000 spans in all (issue 4's target: unitizing
// alpha under 200 ms).
//
//   build-*/bench/spans/spans_bench --benchmark_min_time=1

#include <random>
#include <string>

#include "benchmark/benchmark.h"
#include "server/agreement/spans/span_agreement.h"
#include "server/agreement/spans/unitizing.h"

namespace icr::agreement::spans {
namespace {

// Coder 0 places spans at random; coders 1 and 2 mostly copy them with
// jittered boundaries, sometimes drop one or add their own.
SpanSet StudyScale(int coders, int documents, int64_t length, int codes, int spans_per_coder_doc) {
  std::mt19937_64 rng(42);
  SpanSet set;
  for (int d = 0; d < documents; ++d) {
    set.documents.push_back("doc" + std::to_string(d));
    set.lengths.push_back(length);
  }
  for (int i = 0; i < coders; ++i) set.coders.push_back("coder" + std::to_string(i));
  for (int c = 0; c < codes; ++c) set.codes.push_back("code" + std::to_string(c));
  std::uniform_int_distribution<int> code_of(0, codes - 1);
  std::uniform_int_distribution<int64_t> start_of(0, length - 400);
  std::uniform_int_distribution<int64_t> length_of(20, 300);
  std::uniform_int_distribution<int64_t> jitter(-8, 8);
  std::uniform_real_distribution<double> u(0, 1);
  for (int d = 0; d < documents; ++d) {
    for (int k = 0; k < spans_per_coder_doc; ++k) {
      const int code = code_of(rng);
      const int64_t s = start_of(rng), e = s + length_of(rng);
      set.spans.push_back({d, 0, code, s, e});
      for (int i = 1; i < coders; ++i) {
        if (u(rng) < 0.1) continue;  // missed it
        const int64_t a = std::max<int64_t>(0, s + jitter(rng));
        const int64_t b = std::min<int64_t>(length, std::max(a + 1, e + jitter(rng)));
        set.spans.push_back({d, i, u(rng) < 0.05 ? code_of(rng) : code, a, b});
      }
    }
  }
  return set;
}

const SpanSet& Study() {
  // 3 x 200 x 20,000 x 50; 3 * 200 * ~29 = ~50,000 spans after drops.
  static const SpanSet* set = new SpanSet(StudyScale(3, 200, 20000, 50, 87));
  return *set;
}

void BM_UnitizingAlpha(benchmark::State& state) {
  const SpanSet& set = Study();
  for (auto _ : state) {
    // Preparing (sort and merge) is part of the cost.
    const PreparedSpans p = PreparedSpans::Prepare(set);
    benchmark::DoNotOptimize(KrippendorffUnitizingAlpha(p));
  }
  state.counters["spans"] = static_cast<double>(set.spans.size());
}
BENCHMARK(BM_UnitizingAlpha)->Unit(benchmark::kMillisecond);

void BM_UnitizingFamily(benchmark::State& state) {
  const SpanSet& set = Study();
  for (auto _ : state) {
    const PreparedSpans p = PreparedSpans::Prepare(set);
    benchmark::DoNotOptimize(KrippendorffUnitizingAlpha(p));
    benchmark::DoNotOptimize(BinaryUnitizingAlpha(p));
    benchmark::DoNotOptimize(AcrossCodesAlpha(p));
    benchmark::DoNotOptimize(CodingAlpha(p));
  }
  state.counters["spans"] = static_cast<double>(set.spans.size());
}
BENCHMARK(BM_UnitizingFamily)->Unit(benchmark::kMillisecond);

void BM_ComputeSpanAgreement(benchmark::State& state) {
  const SpanSet& set = Study();
  for (auto _ : state) benchmark::DoNotOptimize(ComputeSpanAgreement(set));
  state.counters["spans"] = static_cast<double>(set.spans.size());
}
BENCHMARK(BM_ComputeSpanAgreement)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace icr::agreement::spans

BENCHMARK_MAIN();
