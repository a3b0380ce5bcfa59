#include "server/agreement/weights.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "absl/strings/str_cat.h"
#include "server/agreement/reliability_data.h"

namespace icr::agreement {
namespace {

constexpr Weights kFamilies[] = {Weights::kNone,     Weights::kLinear,  Weights::kQuadratic,
                                 Weights::kOrdinal,  Weights::kRadical, Weights::kRatio,
                                 Weights::kCircular, Weights::kBipolar};

// 1 - d / max d over the whole matrix (irrCAC's circular, bipolar, ordinal).
void FromDistances(std::vector<double>& d) {
  double max = 0;
  for (double x : d) max = std::max(max, x);
  for (double& x : d) x = max > 0 ? 1.0 - x / max : (x == 0 ? 1.0 : 0.0);
}

}  // namespace

const char* WeightsName(Weights weights) {
  switch (weights) {
    case Weights::kNone:
      return "unweighted";
    case Weights::kLinear:
      return "linear";
    case Weights::kQuadratic:
      return "quadratic";
    case Weights::kOrdinal:
      return "ordinal";
    case Weights::kRadical:
      return "radical";
    case Weights::kRatio:
      return "ratio";
    case Weights::kCircular:
      return "circular";
    case Weights::kBipolar:
      return "bipolar";
    case Weights::kCustom:
      return "custom";
  }
  return "unweighted";
}

std::optional<Weights> ParseWeights(std::string_view name) {
  if (name == "none" || name == "identity") return Weights::kNone;
  for (Weights w : kFamilies) {
    if (name == WeightsName(w)) return w;
  }
  return std::nullopt;
}

std::string KnownWeights() {
  std::string out;
  for (Weights w : kFamilies) absl::StrAppend(&out, out.empty() ? "" : ", ", WeightsName(w));
  return out;
}

absl::StatusOr<std::vector<double>> FamilyWeights(Weights family, std::span<const double> x) {
  const int q = static_cast<int>(x.size());
  std::vector<double> w(static_cast<size_t>(q) * q, 0.0);
  for (int k = 0; k < q; ++k) w[static_cast<size_t>(k) * q + k] = 1.0;
  if (family == Weights::kNone || q < 2) return w;
  if (family == Weights::kCustom) {
    return absl::InvalidArgumentError("custom weights come with their matrix");
  }
  const double xmin = x.front(), xmax = x.back(), range = xmax - xmin;
  if (!(range > 0)) return absl::InvalidArgumentError("weights: the category scores are all equal");
  if (family == Weights::kRatio && xmin < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("ratio weights need non-negative values (", xmin, " is negative)"));
  }
  for (int k = 0; k < q; ++k) {
    for (int l = 0; l < q; ++l) {
      const double diff = x[k] - x[l], sum = x[k] + x[l];
      double v = 0;
      switch (family) {
        case Weights::kLinear:
          v = 1.0 - std::abs(diff) / range;
          break;
        case Weights::kQuadratic:
          v = 1.0 - diff * diff / (range * range);
          break;
        case Weights::kRadical:
          v = 1.0 - std::sqrt(std::abs(diff)) / std::sqrt(range);
          break;
        case Weights::kRatio: {
          const double r = sum > 0 ? diff / sum : 0.0, whole = range / (xmax + xmin);
          v = 1.0 - r * r / (whole * whole);
          break;
        }
        case Weights::kCircular: {
          const double s = std::sin(std::numbers::pi * diff / (range + 1.0));
          v = s * s;  // a distance, made a weight below
          break;
        }
        case Weights::kBipolar:
          v = k == l ? 0.0 : diff * diff / ((sum - 2 * xmin) * (2 * xmax - sum));
          break;
        case Weights::kOrdinal: {
          const double n = std::abs(k - l) + 1.0;
          v = n * (n - 1) / 2;
          break;
        }
        default:
          break;
      }
      w[static_cast<size_t>(k) * q + l] = v;
    }
  }
  if (family == Weights::kCircular || family == Weights::kBipolar || family == Weights::kOrdinal) {
    FromDistances(w);
  }
  return w;
}

std::vector<double> AgreementWeights(int q, Weights weights) {
  std::vector<double> positions(q);
  for (int k = 0; k < q; ++k) positions[k] = k + 1;
  absl::StatusOr<std::vector<double>> w =
      FamilyWeights(weights == Weights::kCustom ? Weights::kNone : weights, positions);
  return w.ok() ? *std::move(w) : std::vector<double>();
}

std::vector<double> CategoryScores(const ReliabilityData& data) {
  std::vector<double> scores(data.num_categories());
  const bool numbers = !data.set_valued() && data.all_numeric();
  for (int k = 0; k < data.num_categories(); ++k) {
    scores[k] = numbers ? *data.category(k).number : k + 1;
  }
  return scores;
}

absl::StatusOr<WeightMatrix> ResolveWeights(const ReliabilityData& data,
                                            const WeightMatrix& weights) {
  const int q = data.num_categories();
  if (!weights.weighted()) return weights;
  if (data.set_valued()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "weights (", weights.name(), ") do not apply to set-valued cells: use --weights none"));
  }
  if (weights.matrix.empty()) {
    const std::vector<double> scores = CategoryScores(data);
    if (!std::is_sorted(scores.begin(), scores.end())) {
      return absl::InvalidArgumentError(
          "weights: the categories must be in scale order (numbers ascending)");
    }
    absl::StatusOr<std::vector<double>> w = FamilyWeights(weights.family, scores);
    if (!w.ok()) return w.status();
    return WeightMatrix(weights.family, *std::move(w));
  }
  if (weights.matrix.size() != static_cast<size_t>(q) * q) {
    return absl::InvalidArgumentError(
        absl::StrCat("weights: a ", q, " x ", q, " matrix is needed for the ", q,
                     " categories, not ", weights.matrix.size(), " entries"));
  }
  for (int k = 0; k < q; ++k) {
    for (int l = 0; l < q; ++l) {
      const double v = weights.matrix[static_cast<size_t>(k) * q + l];
      if (!(v >= 0 && v <= 1)) {
        return absl::InvalidArgumentError(absl::StrCat("weights: entry (", data.category(k).label,
                                                       ", ", data.category(l).label, ") is ", v,
                                                       ", not between 0 and 1"));
      }
      if (k == l && v != 1) {
        return absl::InvalidArgumentError(absl::StrCat("weights: the diagonal must be 1 (",
                                                       data.category(k).label, " has ", v, ")"));
      }
    }
  }
  return weights;
}

}  // namespace icr::agreement
