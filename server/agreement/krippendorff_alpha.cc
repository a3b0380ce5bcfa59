#include "server/agreement/krippendorff_alpha.h"

#include <cmath>
#include <utility>

#include "server/common/status_macros.h"

namespace icr::agreement {

Coefficient AlphaFromCoincidences(const Coincidences& co, std::span<const double> delta,
                                  std::string variant) {
  Coefficient result;
  result.name = kAlphaName;
  result.variant = std::move(variant);
  result.observed_is_disagreement = true;
  result.units = co.pairable_units;
  result.pairable_values = std::llround(co.n);
  const int k = co.num_categories;
  if (co.n < 2) {
    result.reason = "fewer than two pairable values";
    return result;
  }
  double observed = 0, expected = 0;
  int used = 0;
  for (int c = 0; c < k; ++c) {
    // Empty cells and categories add nothing: skipped, so that no 0 * delta
    // is ever formed (0 * inf would be NaN).
    if (co.marginals[c] <= 0) continue;
    ++used;
    const double* d = delta.data() + static_cast<size_t>(c) * k;
    const double* o = co.o.data() + static_cast<size_t>(c) * k;
    double row_expected = 0;
    for (int j = 0; j < k; ++j) {
      if (d[j] == 0 || co.marginals[j] <= 0) continue;
      if (o[j] != 0) observed += o[j] * d[j];
      row_expected += co.marginals[j] * d[j];
    }
    expected += co.marginals[c] * row_expected;
  }
  result.observed = observed / co.n;
  result.expected = expected / (co.n * (co.n - 1));
  if (used < 2) {
    result.reason = "one category only: every pairable value is the same";
    return result;
  }
  if (result.expected <= 0) {
    result.reason = "no variation: the expected disagreement is 0";
    return result;
  }
  result.value = 1.0 - result.observed / result.expected;
  return result;
}

absl::StatusOr<Coefficient> KrippendorffAlpha(const ReliabilityData& data, Metric metric) {
  Coincidences co = BuildCoincidences(data);
  int delta_scale = 0;
  ICR_ASSIGN_OR_RETURN(std::vector<double> delta,
                       DifferenceMatrix(data, metric, co.marginals, &delta_scale));
  return AlphaFromCoincidences(co, delta, AlphaVariant(metric, delta_scale));
}

AlphaContributions ComputeAlphaContributions(const UnitCounts& counts,
                                             std::span<const double> delta, double expected) {
  AlphaContributions out;
  out.expected = expected;
  const size_t k = counts.num_categories;
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const int32_t m = counts.total[r];
    if (m < 2) continue;
    double d = 0;
    // n_uc (n_uk - [c == k]) delta_ck: the diagonal has delta 0, so the
    // correction term vanishes and only c != k pairs contribute.
    for (int64_t a = counts.offset[r]; a < counts.offset[r + 1]; ++a) {
      const double* row = delta.data() + counts.category[a] * k;
      for (int64_t b = counts.offset[r]; b < counts.offset[r + 1]; ++b) {
        if (a != b)
          d += static_cast<double>(counts.count[a]) * counts.count[b] * row[counts.category[b]];
      }
    }
    out.disagreement.push_back(d / (m - 1));
    out.values.push_back(m);
  }
  return out;
}

}  // namespace icr::agreement
