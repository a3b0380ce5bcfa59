// Agreement engine benchmarks (issue 3 targets, single-threaded):
//   alpha nominal, 1,000,000 units x 10 coders x 20 categories, 10% missing: < 100 ms
//   alpha interval, same data: < 150 ms
//   1,000 bootstrap resamples of alpha on 10,000 units x 5 coders: < 1 s
// Values are in memory before timing starts.

#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "server/agreement/analysis.h"
#include "server/agreement/bootstrap.h"
#include "server/agreement/coincidence.h"
#include "server/agreement/conger_light.h"
#include "server/agreement/krippendorff_alpha.h"
#include "server/agreement/unit_counts.h"
#include "server/agreement/variance.h"

namespace icr::agreement {
namespace {

// Units with a "true" category; each coder reports it 70% of the time, a
// random category otherwise, and misses `missing` of the cells.
ReliabilityData Generate(int64_t units, int coders, int categories, double missing, uint64_t seed) {
  std::vector<std::string> names;
  for (int c = 0; c < coders; ++c) names.push_back("coder" + std::to_string(c));
  ReliabilityData data(units, names);
  std::vector<int32_t> ids;
  for (int k = 1; k <= categories; ++k) ids.push_back(data.InternValue(std::to_string(k)));
  (void)data.OrderCategories();
  Rng rng(seed);
  const uint64_t missing_per_mille = static_cast<uint64_t>(missing * 1000);
  for (int64_t u = 0; u < units; ++u) {
    const int32_t truth = static_cast<int32_t>(rng.Uniform(categories));
    for (int c = 0; c < coders; ++c) {
      if (rng.Uniform(1000) < missing_per_mille) continue;
      const int32_t v = rng.Uniform(10) < 7 ? truth : static_cast<int32_t>(rng.Uniform(categories));
      data.set_value(u, c, v);
    }
  }
  return data;
}

const ReliabilityData& Large() {
  static const ReliabilityData* data = new ReliabilityData(Generate(1000000, 10, 20, 0.10, 1));
  return *data;
}

void BM_AlphaNominal_1Mx10x20(benchmark::State& state) {
  const ReliabilityData& data = Large();
  for (auto _ : state) {
    auto alpha = KrippendorffAlpha(data, Metric::kNominal);
    benchmark::DoNotOptimize(alpha);
  }
  state.counters["alpha"] = *KrippendorffAlpha(data, Metric::kNominal)->value;
  state.SetItemsProcessed(state.iterations() * data.num_units() * data.num_coders());
}
BENCHMARK(BM_AlphaNominal_1Mx10x20)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_AlphaInterval_1Mx10x20(benchmark::State& state) {
  const ReliabilityData& data = Large();
  for (auto _ : state) {
    auto alpha = KrippendorffAlpha(data, Metric::kInterval);
    benchmark::DoNotOptimize(alpha);
  }
  state.counters["alpha"] = *KrippendorffAlpha(data, Metric::kInterval)->value;
  state.SetItemsProcessed(state.iterations() * data.num_units() * data.num_coders());
}
BENCHMARK(BM_AlphaInterval_1Mx10x20)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_AlphaOrdinal_1Mx10x20(benchmark::State& state) {
  const ReliabilityData& data = Large();
  for (auto _ : state) {
    auto alpha = KrippendorffAlpha(data, Metric::kOrdinal);
    benchmark::DoNotOptimize(alpha);
  }
  state.SetItemsProcessed(state.iterations() * data.num_units() * data.num_coders());
}
BENCHMARK(BM_AlphaOrdinal_1Mx10x20)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Everything `icr stats` computes after reading: all nine coefficients and
// the 45-pair matrix.
void BM_FullAnalysis_1Mx10x20(benchmark::State& state) {
  const ReliabilityData& data = Large();
  AnalysisOptions options;
  for (auto _ : state) {
    auto analysis = Analyze(data, options);
    benchmark::DoNotOptimize(analysis);
  }
}
BENCHMARK(BM_FullAnalysis_1Mx10x20)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The same with the analytic standard errors of every coefficient (the
// default of `icr stats`).
void BM_FullAnalysisWithSe_1Mx10x20(benchmark::State& state) {
  const ReliabilityData& data = Large();
  AnalysisOptions options;
  options.analytic = VarianceOptions{};
  for (auto _ : state) {
    auto analysis = Analyze(data, options);
    benchmark::DoNotOptimize(analysis);
  }
}
BENCHMARK(BM_FullAnalysisWithSe_1Mx10x20)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// What the analytic standard errors add (issue 21 target: < 50 ms): every
// coefficient's variance, on coefficients and counts computed beforehand.
void BM_AnalyticSeOnly_1Mx10x20(benchmark::State& state) {
  const ReliabilityData& data = Large();
  const UnitCounts counts = CountValues(data);
  const Coincidences co = BuildCoincidences(counts);
  const std::vector<double> delta = *DifferenceMatrix(data, Metric::kNominal, co.marginals);
  const CoderTable table = CoderTableOf(data, counts);
  const Coefficient pa = PercentAgreement(counts), fleiss = FleissKappa(counts),
                    ac1 = GwetAc(counts, Weights::kNone), bp = BrennanPrediger(counts),
                    alpha = AlphaFromCoincidences(co, delta), conger = CongerKappa(counts, table),
                    light = LightKappa(table, counts.rows());
  const VarianceOptions options;
  for (auto _ : state) {
    Coefficient c[] = {pa, fleiss, ac1, bp, alpha, conger, light};
    // As Analyze computes them: one shared pass for five, none for Light's;
    // Conger's is BM_CongerWithSe - BM_Conger (it shares its value's pass).
    AddMultiRaterSes(counts, options,
                     {.percent_agreement = &c[0],
                      .fleiss_kappa = &c[1],
                      .gwet_ac1 = &c[2],
                      .brennan_prediger = &c[3],
                      .nominal_alpha = &c[4]});
    AddLightKappaSe(options, &c[6]);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_AnalyticSeOnly_1Mx10x20)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_Conger_1Mx10x20(benchmark::State& state) {
  const ReliabilityData& data = Large();
  const UnitCounts counts = CountValues(data);
  const CoderTable table = CoderTableOf(data, counts);
  const VarianceOptions options;
  const bool with_se = state.range(0) == 1;
  for (auto _ : state) {
    Coefficient c = CongerKappa(counts, table, Weights::kNone, {}, with_se ? &options : nullptr);
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_Conger_1Mx10x20)->Unit(benchmark::kMillisecond)->MinTime(2.0)->Arg(0)->Arg(1);

// 1,000 resamples, including the per-unit contributions they start from.
void BM_BootstrapAlpha_1000x_10Kx5(benchmark::State& state) {
  static const ReliabilityData* data = new ReliabilityData(Generate(10000, 5, 20, 0.10, 2));
  BootstrapOptions options{.samples = 1000, .seed = 7};
  for (auto _ : state) {
    const UnitCounts counts = CountValues(*data);
    const Coincidences co = BuildCoincidences(counts);
    auto delta = DifferenceMatrix(*data, Metric::kNominal, co.marginals);
    Coefficient alpha = AlphaFromCoincidences(co, *delta);
    BootstrapAlpha(ComputeAlphaContributions(counts, *delta, alpha.expected), options, &alpha);
    benchmark::DoNotOptimize(alpha);
  }
}
BENCHMARK(BM_BootstrapAlpha_1000x_10Kx5)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
}  // namespace icr::agreement

BENCHMARK_MAIN();
