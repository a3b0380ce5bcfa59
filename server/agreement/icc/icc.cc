#include "server/agreement/icc/icc.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "server/agreement/icc/f_distribution.h"

namespace icr::agreement {
namespace {

// Mean squares of the analysis of variance of complete units × raters
// (McGraw & Wong 1996, Table 4): between units (rows), between raters
// (columns), residual, and within units (columns and residual pooled, the
// one-way model's error).
struct MeanSquares {
  double rows = 0;
  double columns = 0;
  double error = 0;
  double within = 0;
};

MeanSquares AnalysisOfVariance(const std::vector<std::vector<double>>& table) {
  const double n = static_cast<double>(table.size());
  const double k = static_cast<double>(table.front().size());
  std::vector<double> row_means(table.size(), 0), column_means(table.front().size(), 0);
  double grand = 0;
  for (size_t u = 0; u < table.size(); ++u) {
    for (size_t r = 0; r < table[u].size(); ++r) {
      row_means[u] += table[u][r];
      column_means[r] += table[u][r];
      grand += table[u][r];
    }
  }
  for (double& m : row_means) m /= k;
  for (double& m : column_means) m /= n;
  grand /= n * k;
  double ss_rows = 0, ss_columns = 0, ss_total = 0;
  for (double m : row_means) ss_rows += k * (m - grand) * (m - grand);
  for (double m : column_means) ss_columns += n * (m - grand) * (m - grand);
  for (const auto& row : table) {
    for (double x : row) ss_total += (x - grand) * (x - grand);
  }
  const double ss_error = ss_total - ss_rows - ss_columns;
  MeanSquares ms;
  ms.rows = ss_rows / (n - 1);
  ms.columns = ss_columns / (k - 1);
  ms.error = ss_error / ((n - 1) * (k - 1));
  ms.within = (ss_columns + ss_error) / (n * (k - 1));
  return ms;
}

std::string NameOf(IccForm form) {
  const std::string unit = form.unit == IccUnit::kSingle ? "1" : "k";
  if (form.model == IccModel::kOneWay) return absl::StrCat("ICC(", unit, ")");
  return absl::StrCat("ICC(", form.type == IccType::kConsistency ? "C" : "A", ",", unit, ")");
}

std::string ShroutFleissNameOf(IccForm form) {
  const int model = form.model == IccModel::kOneWay ? 1 : form.type == IccType::kAgreement ? 2 : 3;
  return absl::StrCat("ICC(", model, ",", form.unit == IccUnit::kSingle ? "1" : "k", ")");
}

// The Spearman-Brown step from one rater's reliability to k raters' mean.
double StepUp(double single, double k) { return k * single / (1 + (k - 1) * single); }

}  // namespace

std::vector<IccForm> AllIccForms() {
  return {{IccModel::kOneWay, IccType::kAgreement, IccUnit::kSingle},
          {IccModel::kOneWay, IccType::kAgreement, IccUnit::kAverage},
          {IccModel::kTwoWay, IccType::kConsistency, IccUnit::kSingle},
          {IccModel::kTwoWay, IccType::kConsistency, IccUnit::kAverage},
          {IccModel::kTwoWay, IccType::kAgreement, IccUnit::kSingle},
          {IccModel::kTwoWay, IccType::kAgreement, IccUnit::kAverage}};
}

absl::StatusOr<IccResult> IntraclassCorrelation(const std::vector<std::vector<double>>& ratings,
                                                IccForm form, double confidence, double r0) {
  if (!(confidence > 0 && confidence < 1)) {
    return absl::InvalidArgumentError("confidence: must lie between 0 and 1");
  }
  if (!(r0 >= 0 && r0 < 1)) return absl::InvalidArgumentError("r0: must lie in [0, 1)");
  if (form.model == IccModel::kOneWay) form.type = IccType::kAgreement;
  IccResult result;
  result.form = form;
  result.name = NameOf(form);
  result.shrout_fleiss_name = ShroutFleissNameOf(form);
  result.r0 = r0;
  result.confidence = confidence;

  std::vector<std::vector<double>> complete;
  size_t raters = 0;
  for (const auto& row : ratings) raters = std::max(raters, row.size());
  for (const auto& row : ratings) {
    bool whole = row.size() == raters;
    for (double x : row) whole = whole && std::isfinite(x);
    if (whole) {
      complete.push_back(row);
    } else {
      ++result.incomplete_units;
    }
  }
  result.raters = static_cast<int64_t>(raters);
  result.units = static_cast<int64_t>(complete.size());
  if (raters < 2) return absl::InvalidArgumentError("the ICC needs at least two raters");
  if (complete.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat("the ICC needs at least two units rated by all ",
                                                   raters, " raters (", complete.size(), " are)"));
  }

  const MeanSquares ms = AnalysisOfVariance(complete);
  const double n = static_cast<double>(complete.size());
  const double k = static_cast<double>(raters);
  const double alpha = 1 - confidence;
  const bool single = form.unit == IccUnit::kSingle;

  if (form.model == IccModel::kOneWay || form.type == IccType::kConsistency) {
    // One error term: MSW (one-way) or MSE (two-way, consistency).
    const bool one_way = form.model == IccModel::kOneWay;
    const double error = one_way ? ms.within : ms.error;
    result.df1 = n - 1;
    result.df2 = one_way ? n * (k - 1) : (n - 1) * (k - 1);
    const double ratio = ms.rows / error;
    result.value =
        single ? (ms.rows - error) / (ms.rows + (k - 1) * error) : (ms.rows - error) / ms.rows;
    result.f = single ? ratio * (1 - r0) / (1 + (k - 1) * r0) : ratio * (1 - r0);
    const double f_low = ratio / FQuantile(1 - alpha / 2, result.df1, result.df2);
    const double f_high = ratio * FQuantile(1 - alpha / 2, result.df2, result.df1);
    if (single) {
      result.ci_low = (f_low - 1) / (f_low + k - 1);
      result.ci_high = (f_high - 1) / (f_high + k - 1);
    } else {
      result.ci_low = 1 - 1 / f_low;
      result.ci_high = 1 - 1 / f_high;
    }
  } else {
    // Absolute agreement: the test and the interval of McGraw & Wong (1996,
    // Table 7, case 2A/3A), with Satterthwaite's degrees of freedom v.
    const double single_value =
        (ms.rows - ms.error) / (ms.rows + (k - 1) * ms.error + k / n * (ms.columns - ms.error));
    result.value =
        single ? single_value : (ms.rows - ms.error) / (ms.rows + (ms.columns - ms.error) / n);
    // The test against r0 (of the single or the average measure).
    const double scale = single ? k : 1.0;
    const double a0 = scale * r0 / (n * (1 - r0));
    const double b0 = 1 + scale * r0 * (n - 1) / (n * (1 - r0));
    result.f = ms.rows / (a0 * ms.columns + b0 * ms.error);
    const double a = k * single_value / (n * (1 - single_value));
    const double b = 1 + k * single_value * (n - 1) / (n * (1 - single_value));
    const double v =
        std::pow(a * ms.columns + b * ms.error, 2) /
        (std::pow(a * ms.columns, 2) / (k - 1) + std::pow(b * ms.error, 2) / ((n - 1) * (k - 1)));
    result.df1 = n - 1;
    result.df2 = v;
    const double f_low = FQuantile(1 - alpha / 2, n - 1, v);
    const double f_high = FQuantile(1 - alpha / 2, v, n - 1);
    const double c = k * ms.columns + (k * n - k - n) * ms.error;
    const double low = n * (ms.rows - f_low * ms.error) / (f_low * c + n * ms.rows);
    const double high = n * (f_high * ms.rows - ms.error) / (c + n * f_high * ms.rows);
    result.ci_low = single ? low : StepUp(low, k);
    result.ci_high = single ? high : StepUp(high, k);
  }
  result.p_value = FUpperTail(result.f, result.df1, result.df2);
  return result;
}

}  // namespace icr::agreement
