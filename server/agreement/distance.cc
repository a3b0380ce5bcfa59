#include "server/agreement/distance.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace icr::agreement {
namespace {

size_t IntersectionSize(std::span<const int32_t> a, std::span<const int32_t> b) {
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return common;
}

// The interval metric squares differences of the values: beyond about 1e154
// the square overflows (and 0 * inf turns alpha into NaN), below about
// 1e-162 it underflows to 0 (alpha "undefined: no variation"). Outside
// [2^-400, 2^400] the values are multiplied by 2^e, which brings the largest
// magnitude to [1, 2). A power of two scales every difference and square
// exactly, so D_o and D_e both gain the factor 2^2e and alpha = 1 - D_o/D_e
// (invariant under any affine map of the values) comes out as at ordinary
// scale. Shifting the values would not help: a difference is already
// shift-invariant, and subtracting a centre only adds rounding. Within the
// range nothing is scaled, so D_o and D_e stay in the data's units.
int IntervalScaleExponent(double largest) {
  constexpr double kHigh = 0x1p400;
  constexpr double kLow = 0x1p-400;
  if (largest == 0 || !std::isfinite(largest) || (largest <= kHigh && largest >= kLow)) return 0;
  return -std::ilogb(largest);
}

// ((a - b) / (a + b))^2 for a, b >= 0, 0 when both are 0. The ratio metric
// is scale-invariant (not shift-invariant), so each pair is divided by the
// power of two of its larger value first: exact, and it keeps a + b from
// overflowing near the largest doubles (1e308 + 1e308) and the quotient from
// losing digits among subnormal values.
double RatioDistance(double a, double b) {
  const double larger = std::max(a, b);
  if (larger == 0) return 0.0;
  const int exponent = -std::ilogb(larger);
  a = std::ldexp(a, exponent);
  b = std::ldexp(b, exponent);
  const double d = (a - b) / (a + b);
  return d * d;
}

}  // namespace

const char* MetricName(Metric metric) {
  switch (metric) {
    case Metric::kNominal:
      return "nominal";
    case Metric::kOrdinal:
      return "ordinal";
    case Metric::kInterval:
      return "interval";
    case Metric::kRatio:
      return "ratio";
    case Metric::kJaccard:
      return "jaccard";
    case Metric::kMasi:
      return "masi";
  }
  return "nominal";
}

std::optional<Metric> ParseMetric(std::string_view name) {
  for (Metric m : {Metric::kNominal, Metric::kOrdinal, Metric::kInterval, Metric::kRatio,
                   Metric::kJaccard, Metric::kMasi}) {
    if (name == MetricName(m)) return m;
  }
  return std::nullopt;
}

Metric MetricForLevel(Level level) {
  switch (level) {
    case Level::kNominal:
      return Metric::kNominal;
    case Level::kOrdinal:
      return Metric::kOrdinal;
    case Level::kInterval:
      return Metric::kInterval;
    case Level::kRatio:
      return Metric::kRatio;
  }
  return Metric::kNominal;
}

double JaccardDistance(std::span<const int32_t> a, std::span<const int32_t> b) {
  const size_t common = IntersectionSize(a, b);
  const size_t uni = a.size() + b.size() - common;
  if (uni == 0) return 0.0;  // two empty sets are identical
  return 1.0 - static_cast<double>(common) / static_cast<double>(uni);
}

double MasiDistance(std::span<const int32_t> a, std::span<const int32_t> b) {
  // Passonneau (2006), "Measuring agreement on set-valued items (MASI) for
  // semantic and pragmatic annotation", LREC: MASI = J * M with the
  // monotonicity weight M; the distance is 1 - MASI.
  const size_t common = IntersectionSize(a, b);
  const size_t uni = a.size() + b.size() - common;
  if (uni == 0) return 0.0;
  double m;
  if (common == a.size() && common == b.size()) {
    m = 1.0;
  } else if (common == a.size() || common == b.size()) {
    m = 2.0 / 3.0;
  } else if (common > 0) {
    m = 1.0 / 3.0;
  } else {
    m = 0.0;
  }
  return 1.0 - static_cast<double>(common) / static_cast<double>(uni) * m;
}

absl::StatusOr<std::vector<double>> DifferenceMatrix(const ReliabilityData& data, Metric metric,
                                                     std::span<const double> marginals,
                                                     int* delta_scale_exponent) {
  if (delta_scale_exponent != nullptr) *delta_scale_exponent = 0;
  const int k = data.num_categories();
  std::vector<double> delta(static_cast<size_t>(k) * k, 0.0);
  auto at = [&](int c, int j) -> double& { return delta[static_cast<size_t>(c) * k + j]; };
  switch (metric) {
    case Metric::kNominal:
      for (int c = 0; c < k; ++c) {
        for (int j = 0; j < k; ++j) at(c, j) = c == j ? 0.0 : 1.0;
      }
      break;
    case Metric::kOrdinal: {
      // Krippendorff (2011), section E: ranks by the pairable-value
      // frequencies, categories in scale order (ids are in scale order).
      std::vector<double> prefix(k + 1, 0.0);
      for (int c = 0; c < k; ++c) prefix[c + 1] = prefix[c] + marginals[c];
      for (int c = 0; c < k; ++c) {
        for (int j = c + 1; j < k; ++j) {
          const double d = prefix[j + 1] - prefix[c] - (marginals[c] + marginals[j]) / 2.0;
          at(c, j) = at(j, c) = d * d;
        }
      }
      break;
    }
    case Metric::kInterval:
    case Metric::kRatio: {
      std::vector<double> v(k);
      double largest = 0;
      for (int c = 0; c < k; ++c) {
        const Category& cat = data.category(c);
        if (cat.is_set || !cat.number) {
          return absl::InvalidArgumentError(absl::StrCat(
              "value '", cat.label, "' is not a number (", MetricName(metric), " level)"));
        }
        v[c] = *cat.number;
        if (metric == Metric::kRatio && v[c] < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("value '", cat.label, "' is negative (ratio level)"));
        }
        largest = std::max(largest, std::abs(v[c]));
      }
      if (metric == Metric::kInterval) {
        const int exponent = IntervalScaleExponent(largest);
        if (exponent != 0) {
          for (double& x : v) x = std::ldexp(x, exponent);
        }
        if (delta_scale_exponent != nullptr) *delta_scale_exponent = 2 * exponent;
        for (int c = 0; c < k; ++c) {
          for (int j = 0; j < k; ++j) {
            const double d = v[c] - v[j];
            at(c, j) = d * d;
          }
        }
      } else {
        for (int c = 0; c < k; ++c) {
          for (int j = 0; j < k; ++j) at(c, j) = RatioDistance(v[c], v[j]);
        }
      }
      break;
    }
    case Metric::kJaccard:
    case Metric::kMasi: {
      // Elements by label, so that a plain value "a" and the set {a} meet.
      absl::flat_hash_map<std::string, int32_t> ids;
      std::vector<std::vector<int32_t>> sets(k);
      for (int c = 0; c < k; ++c) {
        const Category& cat = data.category(c);
        if (cat.is_set) {
          for (int32_t e : cat.members) {
            sets[c].push_back(
                ids.emplace(data.elements()[e], static_cast<int32_t>(ids.size())).first->second);
          }
        } else {
          sets[c].push_back(ids.emplace(cat.label, static_cast<int32_t>(ids.size())).first->second);
        }
        std::sort(sets[c].begin(), sets[c].end());
      }
      for (int c = 0; c < k; ++c) {
        for (int j = c + 1; j < k; ++j) {
          at(c, j) = at(j, c) = metric == Metric::kJaccard ? JaccardDistance(sets[c], sets[j])
                                                           : MasiDistance(sets[c], sets[j]);
        }
      }
      break;
    }
  }
  return delta;
}

std::string AlphaVariant(Metric metric, int delta_scale_exponent) {
  if (delta_scale_exponent == 0) return MetricName(metric);
  return absl::StrCat(MetricName(metric), ",delta_scale=2^", delta_scale_exponent);
}

}  // namespace icr::agreement
