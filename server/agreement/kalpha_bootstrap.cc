#include "server/agreement/kalpha_bootstrap.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "server/agreement/coincidence.h"
#include "server/agreement/krippendorff_alpha.h"

namespace icr::agreement {
namespace {

// U[0, 1) from the top 53 bits.
double Unit(Rng& rng) { return static_cast<double>(rng.Next() >> 11) * 0x1p-53; }

}  // namespace

double PairBootstrap::Mean() const {
  if (sorted.empty()) return 0;
  return std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(sorted.size());
}

double PairBootstrap::ShareBelow(double alpha_min) const {
  if (sorted.empty()) return 0;
  const auto below = std::lower_bound(sorted.begin(), sorted.end(), alpha_min) - sorted.begin();
  return static_cast<double>(below) / static_cast<double>(sorted.size());
}

absl::StatusOr<PairBootstrap> BootstrapAlphaPairs(const UnitCounts& counts,
                                                  std::span<const double> delta, int observers,
                                                  const BootstrapOptions& options,
                                                  std::optional<int64_t> resample_size) {
  const Coincidences co = BuildCoincidences(counts);
  const Coefficient alpha = AlphaFromCoincidences(co, delta);
  if (!alpha.defined()) return absl::FailedPreconditionError(alpha.reason);
  const int k = co.num_categories;
  const double n = co.n;

  // The cells c <= k with their probabilities and distances.
  std::vector<double> cumulative, distance;
  int nonzero_cells = 0, nonzero_diagonal = 0;
  double agreement_only = 0;  // sum_c (o_cc / n..)^P
  double pairable_pairs = 0;  // P = sum_u m_u (m_u - 1) / 2
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double m = counts.total[r];
    if (m >= 2) pairable_pairs += m * (m - 1) / 2;
  }
  double sum = 0;
  for (int c = 0; c < k; ++c) {
    for (int j = c; j < k; ++j) {
      const double o = co.at(c, j);
      if (o <= 0) continue;
      nonzero_cells += c == j ? 1 : 2;
      if (c == j) {
        ++nonzero_diagonal;
        agreement_only += std::pow(o / n, pairable_pairs);
      }
      sum += (c == j ? o : 2 * o) / n;
      cumulative.push_back(sum);
      distance.push_back(delta[static_cast<size_t>(c) * k + j]);
    }
  }
  cumulative.back() = 1.0;  // no draw may fall past the last cell by rounding

  PairBootstrap out;
  out.resample_size = resample_size.value_or(std::min<int64_t>(
      25 * static_cast<int64_t>(nonzero_cells), static_cast<int64_t>((observers - 1) * n / 2)));
  out.replicates = std::max(1000, options.samples / 1000 * 1000);
  const int64_t draws = std::max<int64_t>(out.resample_size, 1);
  const double scale = 1.0 / (static_cast<double>(draws) * alpha.expected);

  Rng rng(options.seed);
  out.sorted.reserve(out.replicates);
  int64_t at_one = 0;
  for (int s = 0; s < out.replicates; ++s) {
    double d = 0;
    for (int64_t i = 0; i < draws; ++i) {
      const double u = Unit(rng);
      d += distance[std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin()];
    }
    double value = std::max(-1.0, 1.0 - d * scale);
    if (value == 1.0) {
      if (nonzero_diagonal == 1) {
        value = 0;
      } else {
        ++at_one;
      }
    }
    out.sorted.push_back(value);
  }
  // KALPHA's correction: as many replicates at 1 as chance would give to
  // replicates drawing agreements only become 0.
  if (nonzero_diagonal > 1) {
    int64_t to_zero = std::min<int64_t>(std::llround(out.replicates * agreement_only), at_one);
    for (double& v : out.sorted) {
      if (to_zero == 0) break;
      if (v == 1.0) {
        v = 0;
        --to_zero;
      }
    }
  }
  std::sort(out.sorted.begin(), out.sorted.end());
  const int64_t x = out.replicates;
  // 1e-9: 0.975 * 200000 must truncate to 195000, not 194999.
  const int64_t low_rank = static_cast<int64_t>(x * (1 - options.confidence) / 2 + 1e-9);
  const int64_t high_rank = static_cast<int64_t>(x * (1 + options.confidence) / 2 + 1e-9) + 1;
  out.ci.confidence = options.confidence;
  out.ci.samples = out.replicates;
  out.ci.low = out.sorted[std::clamp<int64_t>(low_rank - 1, 0, x - 1)];
  out.ci.high = out.sorted[std::clamp<int64_t>(high_rank - 1, 0, x - 1)];
  return out;
}

}  // namespace icr::agreement
