#ifndef ICR_SERVER_AGREEMENT_DISTANCE_H_
#define ICR_SERVER_AGREEMENT_DISTANCE_H_

// Difference functions delta^2_ck of Krippendorff's alpha (Krippendorff 2011,
// section E) and the set distances used for set-valued cells.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/agreement/reliability_data.h"

namespace icr::agreement {

enum class Metric {
  kNominal,   // 0 if c == k, else 1
  kOrdinal,   // (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2, categories in scale order
  kInterval,  // (c - k)^2 on the numeric values
  kRatio,     // ((c - k) / (c + k))^2 on non-negative numbers; 0 when both are 0
  kJaccard,   // 1 - |A n B| / |A u B| on sets; 0 for two empty sets
  kMasi,      // Passonneau (2006): 1 - J * M, M = 1 (A = B), 2/3 (subset), 1/3 (overlap), 0
};

// "nominal", "ordinal", "interval", "ratio", "jaccard", "masi".
const char* MetricName(Metric metric);
std::optional<Metric> ParseMetric(std::string_view name);
// The metric of alpha at a measurement level.
Metric MetricForLevel(Level level);

// Distances between two sets given as sorted, distinct element ids.
double JaccardDistance(std::span<const int32_t> a, std::span<const int32_t> b);
double MasiDistance(std::span<const int32_t> a, std::span<const int32_t> b);

// delta^2 for every pair of categories of `data`, row-major k x k.
// `marginals` (n_c, pairable values per category) is read by the ordinal
// metric only. Interval and ratio need every category to be a number
// (INVALID_ARGUMENT naming the first that is not); ratio needs them
// non-negative. For the set metrics a category that is not a set counts as
// the set of its own label.
//
// Interval values beyond 2^400 or below 2^-400 in magnitude (where squares
// over- or underflow) are first multiplied by a power of two 2^e, which
// leaves alpha unchanged; the matrix is then delta^2 * 2^(2e), and
// *delta_scale_exponent (when given) receives 2e, else 0.
absl::StatusOr<std::vector<double>> DifferenceMatrix(const ReliabilityData& data, Metric metric,
                                                     std::span<const double> marginals,
                                                     int* delta_scale_exponent = nullptr);

// The variant of alpha for `metric`: its name, with ",delta_scale=2^N" when
// DifferenceMatrix scaled delta^2 by 2^N (D_o and D_e are then in those units).
std::string AlphaVariant(Metric metric, int delta_scale_exponent);

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_DISTANCE_H_
