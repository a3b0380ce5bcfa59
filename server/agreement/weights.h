#ifndef ICR_SERVER_AGREEMENT_WEIGHTS_H_
#define ICR_SERVER_AGREEMENT_WEIGHTS_H_

// Agreement weights w_kl in [0, 1] (w_kk = 1) of the weighted coefficients
// (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 3), in the
// families irrCAC's weights.gen.r generates. On category scores x_1 < ... <
// x_q (the numeric values when every category is a number, else positions
// 1..q in scale order), xmin = x_1, xmax = x_q:
//   unweighted  w_kl = [k = l]
//   linear      1 - |x_k - x_l| / (xmax - xmin)
//   quadratic   1 - (x_k - x_l)^2 / (xmax - xmin)^2
//   radical     1 - sqrt|x_k - x_l| / sqrt(xmax - xmin)
//   ratio       1 - ((x_k - x_l) / (x_k + x_l))^2 / ((xmax - xmin) / (xmax + xmin))^2
//   circular    1 - d_kl / max d,  d_kl = sin^2(pi (x_k - x_l) / (xmax - xmin + 1))
//   bipolar     1 - d_kl / max d,  d_kl = (x_k - x_l)^2 /
//                 ((x_k + x_l - 2 xmin)(2 xmax - x_k - x_l)), d_kk = 0
//   ordinal     1 - d_kl / max d,  d_kl = n_kl (n_kl - 1) / 2,
//                 n_kl = |k - l| + 1 on the positions (never the values)
// and a custom matrix (irrCAC's weights = a matrix).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace icr::agreement {

class ReliabilityData;

enum class Weights {
  kNone,  // unweighted (identity)
  kLinear,
  kQuadratic,
  kOrdinal,
  kRadical,
  kRatio,
  kCircular,
  kBipolar,
  kCustom,
};

// "unweighted", "linear", "quadratic", "ordinal", "radical", "ratio",
// "circular", "bipolar", "custom".
const char* WeightsName(Weights weights);
// The names above ("none" and "identity" too, for unweighted) except
// "custom", which comes with its matrix.
std::optional<Weights> ParseWeights(std::string_view name);
// "unweighted, linear, ..., bipolar": for error messages.
std::string KnownWeights();

// The family's q x q matrix, row-major, on `scores` (ascending). Ratio
// weights need non-negative scores (INVALID_ARGUMENT otherwise).
absl::StatusOr<std::vector<double>> FamilyWeights(Weights family, std::span<const double> scores);

// The family's matrix on the positions 1..q (identity for kNone).
std::vector<double> AgreementWeights(int q, Weights weights);

// The weights a coefficient is computed with: a family, and its matrix on
// the data's categories. Without a matrix (the implicit conversion from a
// family), the family on the positions 1..q of the categories.
struct WeightMatrix {
  Weights family = Weights::kNone;
  std::vector<double> matrix;  // q x q row-major, or empty

  WeightMatrix() = default;
  WeightMatrix(Weights f) : family(f) {}  // NOLINT: a family is a matrix
  WeightMatrix(Weights f, std::vector<double> m) : family(f), matrix(std::move(m)) {}

  bool weighted() const { return family != Weights::kNone; }
  const char* name() const { return WeightsName(family); }
  // The matrix for q categories.
  std::vector<double> For(int q) const {
    return matrix.empty() ? AgreementWeights(q, family) : matrix;
  }
};

// The scores of `data`'s categories in id (scale) order: their numbers when
// every category is a plain number, else positions 1..q.
std::vector<double> CategoryScores(const ReliabilityData& data);

// `weights` resolved on `data`: a family without a matrix gets it on the
// category scores; a matrix must be q x q with entries in [0, 1]
// (INVALID_ARGUMENT naming what is wrong). Set-valued data has no weights.
absl::StatusOr<WeightMatrix> ResolveWeights(const ReliabilityData& data,
                                            const WeightMatrix& weights);

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_WEIGHTS_H_
