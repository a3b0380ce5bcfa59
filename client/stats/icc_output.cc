#include "client/stats/icc_output.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "client/stats/coefficient_format.h"
#include "server/agreement/icc/icc_coefficient.h"

namespace icr::client {
namespace {

std::string ModelWords(const agreement::IccForm& form) {
  if (form.model == agreement::IccModel::kOneWay) return "one-way random";
  return form.type == agreement::IccType::kConsistency ? "two-way, consistency"
                                                       : "two-way, absolute agreement";
}

}  // namespace

absl::StatusOr<std::vector<agreement::IccResult>> ComputeIcc(const agreement::ReliabilityData& data,
                                                             double confidence) {
  absl::StatusOr<std::vector<std::vector<double>>> table = agreement::IccRatings(data);
  if (!table.ok())
    return absl::InvalidArgumentError(absl::StrCat("--icc: ", table.status().message()));
  std::vector<agreement::IccResult> results;
  for (const agreement::IccForm& form : agreement::AllIccForms()) {
    absl::StatusOr<agreement::IccResult> r =
        agreement::IntraclassCorrelation(*table, form, confidence);
    if (!r.ok()) return absl::InvalidArgumentError(absl::StrCat("--icc: ", r.status().message()));
    results.push_back(*std::move(r));
  }
  return results;
}

std::vector<std::vector<std::string>> IccRows(const std::vector<agreement::IccResult>& results) {
  std::vector<std::vector<std::string>> rows = {{"icc", "shrout_fleiss", "model", "unit", "value",
                                                 "ci_low", "ci_high", "f", "df1", "df2",
                                                 "p_value"}};
  for (const agreement::IccResult& r : results) {
    rows.push_back({r.name, r.shrout_fleiss_name, ModelWords(r.form),
                    r.form.unit == agreement::IccUnit::kSingle ? "single rater" : "mean of raters",
                    FormatNumber(r.value), FormatNumber(r.ci_low), FormatNumber(r.ci_high),
                    FormatNumber(r.f), FormatNumber(r.df1, 0), FormatNumber(r.df2, 2),
                    FormatNumber(r.p_value)});
  }
  return rows;
}

nlohmann::json IccJson(const std::vector<agreement::IccResult>& results) {
  nlohmann::json out = nlohmann::json::array();
  for (const agreement::IccResult& r : results) {
    out.push_back(
        {{"name", r.name},
         {"coefficient", agreement::IccCoefficientName(r.form)},
         {"shrout_fleiss", r.shrout_fleiss_name},
         {"model", r.form.model == agreement::IccModel::kOneWay ? "oneway" : "twoway"},
         {"type", r.form.type == agreement::IccType::kConsistency ? "consistency" : "agreement"},
         {"unit", r.form.unit == agreement::IccUnit::kSingle ? "single" : "average"},
         {"units", r.units},
         {"raters", r.raters},
         {"incomplete_units", r.incomplete_units},
         {"value", r.value},
         {"f", r.f},
         {"df1", r.df1},
         {"df2", r.df2},
         {"p_value", r.p_value},
         {"confidence", r.confidence},
         {"ci_low", r.ci_low},
         {"ci_high", r.ci_high}});
  }
  return out;
}

std::string IccLegend(const std::vector<agreement::IccResult>& results) {
  if (results.empty()) return "";
  const agreement::IccResult& r = results.front();
  std::string out =
      absl::StrCat("\nICC: Shrout & Fleiss (1979), McGraw & Wong (1996), as irr::icc; ", r.units,
                   " units rated "
                   "by all ",
                   r.raters, " raters");
  if (r.incomplete_units > 0)
    absl::StrAppend(&out, " (", r.incomplete_units, " incomplete left out)");
  absl::StrAppend(&out, "; ", FormatNumber(100 * r.confidence, 0),
                  "% interval; F test against 0 (one-sided); two-way random and mixed models give "
                  "the same values\n");
  return out;
}

}  // namespace icr::client
