#include "server/agreement/icc/icc_coefficient.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace icr::agreement {
namespace {

std::string_view NameOf(int form_index) { return kIccCoefficientNames[form_index]; }

std::string VariantOf(IccForm form) {
  return absl::StrCat(form.model == IccModel::kOneWay ? "oneway" : "twoway", "_",
                      form.type == IccType::kConsistency ? "consistency" : "agreement", "_",
                      form.unit == IccUnit::kSingle ? "single" : "average");
}

int IndexOf(IccForm form) {
  const std::vector<IccForm> all = AllIccForms();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].model == form.model && all[i].unit == form.unit &&
        (form.model == IccModel::kOneWay || all[i].type == form.type)) {
      return static_cast<int>(i);
    }
  }
  return 0;
}

}  // namespace

std::string IccCoefficientName(IccForm form) { return std::string(NameOf(IndexOf(form))); }

bool IsIccName(std::string_view name) {
  return name == kAllIccName ||
         std::find(std::begin(kIccCoefficientNames), std::end(kIccCoefficientNames), name) !=
             std::end(kIccCoefficientNames);
}

std::vector<IccForm> RequestedIccForms(const std::vector<std::string>& names) {
  const bool all = std::find(names.begin(), names.end(), kAllIccName) != names.end();
  const std::vector<IccForm> forms = AllIccForms();
  std::vector<IccForm> out;
  for (size_t i = 0; i < forms.size(); ++i) {
    if (all || std::find(names.begin(), names.end(), NameOf(static_cast<int>(i))) != names.end()) {
      out.push_back(forms[i]);
    }
  }
  return out;
}

std::vector<std::string> WithoutIccNames(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& name : names) {
    if (!IsIccName(name)) out.push_back(name);
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<double>>> IccRatings(const ReliabilityData& data) {
  std::vector<std::vector<double>> table(data.num_units(),
                                         std::vector<double>(data.num_coders(), NAN));
  for (int64_t u = 0; u < data.num_units(); ++u) {
    for (int c = 0; c < data.num_coders(); ++c) {
      const int32_t id = data.value(u, c);
      if (id == ReliabilityData::kMissing) continue;
      const std::optional<double>& number = data.category(id).number;
      if (!number) {
        return absl::InvalidArgumentError(
            absl::StrCat("value '", data.category(id).label, "' is not a number"));
      }
      table[u][c] = *number;
    }
  }
  return table;
}

Coefficient IccCoefficient(const std::vector<std::vector<double>>& ratings, IccForm form,
                           double confidence) {
  const std::string name = IccCoefficientName(form);
  absl::StatusOr<IccResult> r = IntraclassCorrelation(ratings, form, confidence);
  if (!r.ok()) return Coefficient::Undefined(name, std::string(r.status().message()));
  Coefficient c;
  c.name = name;
  c.variant = VariantOf(r->form);
  c.units = r->units;
  c.pairable_values = r->units * r->raters;
  if (!std::isfinite(r->value)) {
    c.reason = absl::StrCat("no variance to compare: the ", r->units,
                            " complete units all have the same rating");
    return c;
  }
  c.value = r->value;
  // Without error variance (every rater agrees on every unit) the value is 1
  // and the F ratio infinite: no interval.
  if (std::isfinite(r->ci_low) && std::isfinite(r->ci_high)) {
    c.f_test = FTestInterval{.low = r->ci_low,
                             .high = r->ci_high,
                             .confidence = r->confidence,
                             .f = r->f,
                             .df1 = r->df1,
                             .df2 = r->df2,
                             .r0 = r->r0,
                             .p_value = r->p_value};
  }
  return c;
}

}  // namespace icr::agreement
