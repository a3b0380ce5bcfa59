#include "server/live/pattern_analysis.h"

#include <algorithm>
#include <bit>
#include <limits>

#include "absl/strings/str_cat.h"
#include "server/agreement/coincidence.h"
#include "server/agreement/kappa.h"
#include "server/agreement/krippendorff_alpha.h"
#include "server/agreement/unit_counts.h"

namespace icr::live {
namespace {

using agreement::Coefficient;

// The table as value counts: one row per pattern (split when a multiplicity
// exceeds uint32), category ids in first-appearance order of "0" then "1"
// as present, which is what the expanded data would intern.
struct Expanded {
  agreement::UnitCounts counts;
  std::vector<uint32_t> multiplicity;
  std::vector<CoderMask> masks;  // per row
  int id0 = -1, id1 = -1;
};

std::vector<std::pair<CoderMask, int64_t>> SortedPatterns(const PatternTable& table) {
  std::vector<std::pair<CoderMask, int64_t>> out;
  out.reserve(table.applied.size() + 1);
  const int64_t zeros = table.zero_units();
  if (zeros > 0) out.emplace_back(0, zeros);
  for (const auto& [mask, n] : table.applied) {
    if (n > 0) out.emplace_back(mask, n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Expanded Expand(const PatternTable& table) {
  Expanded e;
  const int m = table.coders;
  const auto patterns = SortedPatterns(table);
  bool has0 = false, has1 = false;
  for (const auto& [mask, n] : patterns) {
    const int k = std::popcount(mask);
    if (m > 0 && k < m) has0 = true;
    if (k > 0) has1 = true;
  }
  if (has0) e.id0 = 0;
  if (has1) e.id1 = has0 ? 1 : 0;
  e.counts.num_categories = static_cast<int>(has0) + static_cast<int>(has1);
  e.counts.offset.push_back(0);
  if (m == 0) return e;
  for (const auto& [mask, n] : patterns) {
    const int k = std::popcount(mask);
    int64_t left = n;
    while (left > 0) {
      const int64_t take = std::min<int64_t>(left, std::numeric_limits<uint32_t>::max());
      left -= take;
      e.counts.unit.push_back(static_cast<int64_t>(e.counts.total.size()));
      e.counts.total.push_back(m);
      if (m - k > 0) {
        e.counts.category.push_back(e.id0);
        e.counts.count.push_back(m - k);
      }
      if (k > 0) {
        e.counts.category.push_back(e.id1);
        e.counts.count.push_back(k);
      }
      e.counts.offset.push_back(static_cast<int64_t>(e.counts.category.size()));
      e.multiplicity.push_back(static_cast<uint32_t>(take));
      e.masks.push_back(mask);
    }
  }
  return e;
}

std::vector<double> NominalDelta(int q) {
  std::vector<double> delta(static_cast<size_t>(q) * q, 1.0);
  for (int c = 0; c < q; ++c) delta[static_cast<size_t>(c) * q + c] = 0.0;
  return delta;
}

Coefficient Alpha(const Expanded& e) {
  const agreement::Coincidences co = agreement::BuildCoincidences(e.counts, e.multiplicity);
  return agreement::AlphaFromCoincidences(co, NominalDelta(e.counts.num_categories), "nominal");
}

int32_t Value(const Expanded& e, CoderMask mask, int coder) {
  return (mask >> coder) & 1 ? e.id1 : e.id0;
}

}  // namespace

int64_t PatternTable::zero_units() const {
  int64_t applied_units = 0;
  for (const auto& [mask, n] : applied) applied_units += n;
  return units - applied_units;
}

void PatternTable::Add(const PatternTable& other) {
  units += other.units;
  for (const auto& [mask, n] : other.applied) applied[mask] += n;
}

double PatternTable::Prevalence() const {
  if (units == 0 || coders == 0) return 0;
  double ones = 0;
  for (const auto& [mask, n] : applied) ones += static_cast<double>(std::popcount(mask)) * n;
  return ones / (static_cast<double>(units) * coders);
}

PatternTable ProjectPatterns(const RoundData::Patterns& patterns, int64_t units,
                             const std::vector<int>& keep) {
  PatternTable table;
  table.coders = static_cast<int>(keep.size());
  table.units = units;
  for (const auto& [mask, n] : patterns) {
    CoderMask projected = 0;
    for (size_t j = 0; j < keep.size(); ++j) {
      if ((mask >> keep[j]) & 1) projected |= CoderMask{1} << j;
    }
    if (projected != 0) table.applied[projected] += n;
  }
  return table;
}

absl::StatusOr<std::vector<std::string>> RequestedCoefficients(
    const std::vector<std::string>& names) {
  const bool all = names.empty() || std::find(names.begin(), names.end(), "all") != names.end();
  for (const std::string& name : names) {
    if (name == "all" || name == "gwet_ac2") continue;
    if (std::find(std::begin(agreement::kCoefficientNames), std::end(agreement::kCoefficientNames),
                  name) == std::end(agreement::kCoefficientNames)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "coefficients: unknown coefficient \"", name,
          "\" (known: percent_agreement, cohen_kappa, scott_pi, fleiss_kappa, "
          "krippendorff_alpha, gwet_ac1, gwet_ac2, brennan_prediger, all)"));
    }
  }
  std::vector<std::string> out;
  for (const char* known : agreement::kCoefficientNames) {
    const bool asked =
        all || std::find(names.begin(), names.end(), known) != names.end() ||
        (std::string_view(known) == "gwet_ac1" &&
         std::find(names.begin(), names.end(), "gwet_ac2") != names.end());
    if (asked) out.push_back(known);
  }
  return out;
}

agreement::Analysis AnalyzePatterns(const PatternTable& table,
                                    const std::vector<std::string>& names, bool pairwise) {
  agreement::Analysis out;
  out.units = table.units;
  out.coders = table.coders;
  out.level = "nominal";
  out.metric = "nominal";
  const Expanded e = Expand(table);
  const agreement::Multiplicity mult(e.multiplicity);
  const int q = e.counts.num_categories;
  out.pairable_values = std::llround(agreement::BuildCoincidences(e.counts, mult).n);

  std::optional<agreement::PairedValues> pairs;
  if (table.coders == 2) {
    pairs.emplace();
    pairs->num_categories = q;
    for (CoderMask mask : e.masks) {
      pairs->a.push_back(Value(e, mask, 0));
      pairs->b.push_back(Value(e, mask, 1));
    }
  }
  auto needs_two = [&](const char* name, const char* instead) {
    return Coefficient::Undefined(
        name, absl::StrCat(name == std::string("cohen_kappa") ? "Cohen's kappa" : "Scott's pi",
                           " is for two coders (the data has ", table.coders, "); ", instead));
  };
  for (const std::string& name : names) {
    if (name == "percent_agreement") {
      out.coefficients.push_back(agreement::PercentAgreement(e.counts, mult));
    } else if (name == "cohen_kappa") {
      out.coefficients.push_back(pairs ? agreement::CohenKappa(*pairs, agreement::Weights::kNone,
                                                               mult)
                                       : needs_two("cohen_kappa", "see the pairwise matrix"));
    } else if (name == "scott_pi") {
      out.coefficients.push_back(
          pairs ? agreement::ScottPi(*pairs, mult)
                : needs_two("scott_pi", "fleiss_kappa generalises it to more coders"));
    } else if (name == "fleiss_kappa") {
      out.coefficients.push_back(agreement::FleissKappa(e.counts, mult));
    } else if (name == "krippendorff_alpha") {
      out.coefficients.push_back(Alpha(e));
    } else if (name == "gwet_ac1") {
      out.coefficients.push_back(agreement::GwetAc(e.counts, agreement::Weights::kNone, mult));
    } else if (name == "brennan_prediger") {
      out.coefficients.push_back(agreement::BrennanPrediger(e.counts, std::nullopt, mult));
    }
  }
  if (pairwise) {
    for (int a = 0; a < table.coders; ++a) {
      for (int b = a + 1; b < table.coders; ++b) {
        std::vector<int64_t> cells(static_cast<size_t>(q) * q, 0);
        int64_t n = 0, agree = 0;
        for (size_t r = 0; r < e.masks.size(); ++r) {
          const int32_t va = Value(e, e.masks[r], a), vb = Value(e, e.masks[r], b);
          cells[static_cast<size_t>(va) * q + vb] += e.multiplicity[r];
          n += e.multiplicity[r];
          if (va == vb) agree += e.multiplicity[r];
        }
        agreement::PairwiseAgreement p;
        p.coder_a = a;
        p.coder_b = b;
        p.units = n;
        p.cohen_kappa = agreement::CohenKappaFromTable(cells, q);
        if (n > 0) p.percent_agreement = static_cast<double>(agree) / n;
        out.pairwise.push_back(std::move(p));
      }
    }
  }
  return out;
}

std::vector<std::optional<double>> AlphaWithoutEachCoder(const PatternTable& table) {
  std::vector<std::optional<double>> out;
  if (table.coders < 3) return out;
  for (int drop = 0; drop < table.coders; ++drop) {
    PatternTable reduced;
    reduced.coders = table.coders - 1;
    reduced.units = table.units;
    for (const auto& [mask, n] : table.applied) {
      const CoderMask low = mask & ((CoderMask{1} << drop) - 1);
      const CoderMask high = (mask >> (drop + 1)) << drop;
      if ((low | high) != 0) reduced.applied[low | high] += n;
    }
    out.push_back(Alpha(Expand(reduced)).value);
  }
  return out;
}

}  // namespace icr::live
