#include "server/live/pattern_analysis.h"

#include <algorithm>
#include <bit>
#include <limits>

#include "absl/strings/str_cat.h"
#include "server/agreement/bootstrap.h"
#include "server/agreement/coincidence.h"
#include "server/agreement/conger_light.h"
#include "server/agreement/kappa.h"
#include "server/agreement/krippendorff_alpha.h"
#include "server/agreement/unit_counts.h"
#include "server/agreement/variance.h"
#include "server/common/status_macros.h"
#include "server/live/pattern_bootstrap.h"

namespace icr::live {
namespace {

using agreement::Coefficient;

// The table as value counts: one row per pattern with a counted coder
// (split when a multiplicity exceeds uint32), category ids "0" then "1" as
// present, which is what the expanded data would intern.
struct Expanded {
  agreement::UnitCounts counts;
  std::vector<uint32_t> multiplicity;
  std::vector<PresenceKey> keys;  // per row
  int id0 = -1, id1 = -1;
};

std::vector<std::pair<PresenceKey, int64_t>> SortedRows(const PatternTable& table) {
  std::vector<std::pair<PresenceKey, int64_t>> out;
  out.reserve(table.rows.size());
  for (const auto& [key, n] : table.rows) {
    if (n > 0 && key.first != 0) out.emplace_back(key, n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Expanded Expand(const PatternTable& table) {
  Expanded e;
  const auto rows = SortedRows(table);
  bool has0 = false, has1 = false;
  for (const auto& [key, n] : rows) {
    const int m = std::popcount(key.first), k = std::popcount(key.second);
    if (k < m) has0 = true;
    if (k > 0) has1 = true;
  }
  if (has0) e.id0 = 0;
  if (has1) e.id1 = has0 ? 1 : 0;
  e.counts.num_categories = static_cast<int>(has0) + static_cast<int>(has1);
  e.counts.offset.push_back(0);
  for (const auto& [key, n] : rows) {
    const int m = std::popcount(key.first), k = std::popcount(key.second);
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
      e.keys.push_back(key);
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

bool Has(CoderMask mask, int coder) { return (mask >> coder) & 1; }

int32_t Value(const Expanded& e, CoderMask applied, int coder) {
  return Has(applied, coder) ? e.id1 : e.id0;
}

// Rows a two-coder coefficient reads (both coders count) as paired values.
struct Pairs {
  agreement::PairedValues values;
  std::vector<uint32_t> multiplicity;
};

Pairs PairsOf(const Expanded& e, int a, int b) {
  Pairs p;
  p.values.num_categories = e.counts.num_categories;
  for (size_t r = 0; r < e.keys.size(); ++r) {
    const auto& [present, applied] = e.keys[r];
    if (!Has(present, a) || !Has(present, b)) continue;
    p.values.a.push_back(Value(e, applied, a));
    p.values.b.push_back(Value(e, applied, b));
    p.multiplicity.push_back(e.multiplicity[r]);
  }
  return p;
}

int64_t Sum(const std::vector<uint32_t>& v) {
  int64_t s = 0;
  for (uint32_t x : v) s += x;
  return s;
}

// A coefficient to bootstrap: where its interval goes, and the coefficient
// on a replicate's multiplicities.
struct Resampled {
  Coefficient* c;
  std::function<Coefficient(agreement::Multiplicity)> replicate;
};

// Defined replicates, and the reasons of the others (counted, in order of
// first appearance): no defined replicate makes the interval undefined,
// with the commonest reason, as agreement::BootstrapRows says it.
struct Replicates {
  std::vector<double> values;
  std::vector<std::pair<std::string, int>> reasons;

  void Add(Coefficient r) {
    if (r.value) {
      values.push_back(*r.value);
      return;
    }
    auto it = std::find_if(reasons.begin(), reasons.end(),
                           [&](const auto& e) { return e.first == r.reason; });
    if (it == reasons.end()) {
      reasons.emplace_back(std::move(r.reason), 1);
    } else {
      ++it->second;
    }
  }
  agreement::BootstrapInterval Interval(const agreement::BootstrapOptions& options) {
    std::string why;
    if (values.empty()) {
      why = absl::StrCat("none of the ", options.samples,
                         " bootstrap replicates has a defined value");
      auto most =
          std::max_element(reasons.begin(), reasons.end(),
                           [](const auto& a, const auto& b) { return a.second < b.second; });
      if (most != reasons.end() && !most->first.empty()) {
        absl::StrAppend(&why, " (", most->first, ")");
      }
    }
    return agreement::PercentileInterval(std::move(values), options.confidence, std::move(why));
  }
};

// The percentile intervals of coefficients recomputed on replicates that
// draw Sum(weights) rows with replacement (agreement::BootstrapRows over
// patterns). Every coefficient there starts its own generator from the same
// seed on the same rows, so their draws are the same: drawn once here.
absl::Status BootstrapRowsOverPatterns(const std::vector<uint32_t>& weights,
                                       const agreement::BootstrapOptions& options,
                                       const Interrupt& interrupt,
                                       const std::vector<Resampled>& coefficients) {
  std::vector<const Resampled*> defined;
  for (const Resampled& r : coefficients) {
    if (r.c->defined()) defined.push_back(&r);
  }
  if (defined.empty() || options.samples <= 0 || weights.empty()) return absl::OkStatus();
  const std::vector<int64_t> w(weights.begin(), weights.end());
  const int64_t n = Sum(weights);
  agreement::Rng rng(options.seed);
  std::vector<uint32_t> times(weights.size());
  std::vector<Replicates> replicates(defined.size());
  for (auto& r : replicates) r.values.reserve(options.samples);
  for (int s = 0; s < options.samples; ++s) {
    ICR_RETURN_IF_ERROR(interrupt.Poll(64));
    Multinomial(rng, n, w, times);
    for (size_t i = 0; i < defined.size(); ++i) replicates[i].Add(defined[i]->replicate(times));
  }
  for (size_t i = 0; i < defined.size(); ++i) {
    defined[i]->c->ci = replicates[i].Interval(options);
  }
  return absl::OkStatus();
}

// Hayes & Krippendorff (2007) over patterns: each pairable row's share of
// the observed disagreement, d_r = 2 n_0 n_1 / (m - 1) at the nominal level
// for binary values, and its values m; D_e stays that of the data.
absl::Status BootstrapAlphaOverPatterns(const Expanded& e,
                                        const agreement::BootstrapOptions& options,
                                        const Interrupt& interrupt, Coefficient* alpha) {
  if (!alpha->defined() || options.samples <= 0 || alpha->expected <= 0) return absl::OkStatus();
  std::vector<double> d, m;
  std::vector<int64_t> w;
  for (int64_t r = 0; r < e.counts.rows(); ++r) {
    const int total = e.counts.total[r];
    if (total < 2) continue;
    const int ones = e.keys[r].second == 0 ? 0 : std::popcount(e.keys[r].second);
    d.push_back(2.0 * ones * (total - ones) / (total - 1));
    m.push_back(total);
    w.push_back(e.multiplicity[r]);
  }
  if (w.empty()) return absl::OkStatus();
  int64_t n = 0;
  for (int64_t x : w) n += x;
  agreement::Rng rng(options.seed);
  std::vector<uint32_t> times(w.size());
  std::vector<double> replicates;
  replicates.reserve(options.samples);
  int64_t below = 0;
  for (int s = 0; s < options.samples; ++s) {
    ICR_RETURN_IF_ERROR(interrupt.Poll(64));
    Multinomial(rng, n, w, times);
    double sum_d = 0, sum_m = 0;
    for (size_t r = 0; r < w.size(); ++r) {
      sum_d += times[r] * d[r];
      sum_m += times[r] * m[r];
    }
    const double value = 1.0 - (sum_d / sum_m) / alpha->expected;
    if (value < options.alpha_min) ++below;
    replicates.push_back(value);
  }
  alpha->ci = agreement::PercentileInterval(std::move(replicates), options.confidence);
  alpha->p_below_min = static_cast<double>(below) / options.samples;
  alpha->variant =
      alpha->variant.empty() ? "units_de_fixed" : alpha->variant + ",bootstrap=units_de_fixed";
  return absl::OkStatus();
}

}  // namespace

void PatternTable::Add(const PatternTable& other) {
  units += other.units;
  for (const auto& [key, n] : other.rows) rows[key] += n;
}

double PatternTable::Prevalence() const {
  double ones = 0, values = 0;
  for (const auto& [key, n] : rows) {
    ones += static_cast<double>(std::popcount(key.second)) * n;
    values += static_cast<double>(std::popcount(key.first)) * n;
  }
  return values == 0 ? 0 : ones / values;
}

int64_t PatternTable::pattern_rows() const {
  int64_t out = 0;
  for (const auto& [key, n] : rows) out += n > 0 && key.first != 0;
  return out;
}

CoderMask ProjectMask(CoderMask mask, const std::vector<int>& keep) {
  CoderMask out = 0;
  for (size_t j = 0; j < keep.size(); ++j) {
    if (Has(mask, keep[j])) out |= CoderMask{1} << j;
  }
  return out;
}

PatternTable TableFromPatterns(const RoundData::Patterns& patterns, const Presence& presence) {
  PatternTable table;
  table.coders = static_cast<int>(presence.keep.size());
  table.units = presence.total_units;
  // Units where nobody counted applied the code, per present mask: the
  // documents' units less those with a counted application.
  absl::flat_hash_map<CoderMask, int64_t> unapplied;
  for (size_t d = 0; d < presence.counted.size(); ++d) {
    if (presence.counted[d] != 0) unapplied[presence.counted[d]] += presence.units[d];
  }
  for (const auto& [key, n] : patterns) {
    const CoderMask present = presence.counted[key.first];
    if (present == 0) continue;
    const CoderMask applied =
        presence.all_coders ? key.second : ProjectMask(key.second, presence.keep);
    if ((applied & present) == 0) continue;
    table.rows[{present, applied & present}] += n;
    unapplied[present] -= n;
  }
  for (const auto& [present, n] : unapplied) {
    if (n > 0) table.rows[{present, 0}] += n;
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
      return absl::InvalidArgumentError(
          absl::StrCat("coefficients: unknown coefficient \"", name,
                       "\" (known: percent_agreement, cohen_kappa, scott_pi, fleiss_kappa, "
                       "krippendorff_alpha, gwet_ac1, gwet_ac2, brennan_prediger, conger_kappa, "
                       "light_kappa, all)"));
    }
  }
  std::vector<std::string> out;
  for (const char* known : agreement::kCoefficientNames) {
    const bool asked = all || std::find(names.begin(), names.end(), known) != names.end() ||
                       (std::string_view(known) == "gwet_ac1" &&
                        std::find(names.begin(), names.end(), "gwet_ac2") != names.end());
    if (asked) out.push_back(known);
  }
  return out;
}

absl::StatusOr<agreement::Analysis> AnalyzePatterns(
    const PatternTable& table, const std::vector<std::string>& names, bool pairwise,
    const agreement::BootstrapOptions& bootstrap, const Interrupt& interrupt,
    const std::optional<agreement::VarianceOptions>& analytic) {
  agreement::Analysis out;
  out.units = table.units;
  out.coders = table.coders;
  out.level = "nominal";
  out.metric = "nominal";
  const Expanded e = Expand(table);
  const agreement::Multiplicity mult(e.multiplicity);
  const int q = e.counts.num_categories;
  out.pairable_values = std::llround(agreement::BuildCoincidences(e.counts, mult).n);

  std::optional<Pairs> pairs;
  if (table.coders == 2) pairs = PairsOf(e, 0, 1);
  // Each pattern row's coder values, for Conger's and Light's kappas.
  std::vector<int32_t> cells(e.keys.size() * table.coders);
  for (size_t r = 0; r < e.keys.size(); ++r) {
    const auto& [present, applied] = e.keys[r];
    for (int g = 0; g < table.coders; ++g) {
      cells[r * table.coders + g] =
          Has(present, g) ? Value(e, applied, g) : agreement::ReliabilityData::kMissing;
    }
  }
  agreement::CoderTable coder_table;
  coder_table.coders = table.coders;
  coder_table.num_categories = q;
  coder_table.cells = cells.data();
  coder_table.unit = e.counts.unit;
  const std::optional<agreement::VarianceOptions>& se = analytic;
  auto needs_two = [&](const char* name, const char* instead) {
    return Coefficient::Undefined(
        name, absl::StrCat(name == std::string("cohen_kappa") ? "Cohen's kappa" : "Scott's pi",
                           " is for two coders (the data has ", table.coders, "); ", instead));
  };
  const bool boot = bootstrap.samples > 0;
  std::vector<Resampled> over_rows, over_pairs;
  out.coefficients.reserve(names.size());
  for (const std::string& name : names) {
    Coefficient& c = out.coefficients.emplace_back();
    if (name == "percent_agreement") {
      c = agreement::PercentAgreement(e.counts, mult);
      if (se) agreement::AddPercentAgreementSe(e.counts, *se, &c, mult);
      over_rows.push_back({&c, [&e](agreement::Multiplicity m) {
                             return agreement::PercentAgreement(e.counts, m);
                           }});
    } else if (name == "cohen_kappa" || name == "scott_pi") {
      const bool cohen = name == "cohen_kappa";
      if (!pairs) {
        c = cohen ? needs_two("cohen_kappa", "see the pairwise matrix")
                  : needs_two("scott_pi", "fleiss_kappa generalises it to more coders");
      } else {
        auto compute = [&pairs, cohen](agreement::Multiplicity m) {
          return cohen ? agreement::CohenKappa(pairs->values, agreement::Weights::kNone, m)
                       : agreement::ScottPi(pairs->values, m);
        };
        c = compute(pairs->multiplicity);
        if (se && cohen) {
          agreement::AddCohenKappaSe(pairs->values, agreement::Weights::kNone, *se, &c,
                                     pairs->multiplicity);
        } else if (se) {
          agreement::AddScottPiSe(pairs->values, *se, &c, pairs->multiplicity);
        }
        over_pairs.push_back({&c, compute});
      }
    } else if (name == "fleiss_kappa") {
      c = agreement::FleissKappa(e.counts, mult);
      if (se) agreement::AddFleissKappaSe(e.counts, *se, &c, mult);
      over_rows.push_back(
          {&c, [&e](agreement::Multiplicity m) { return agreement::FleissKappa(e.counts, m); }});
    } else if (name == "krippendorff_alpha") {
      c = Alpha(e);
      if (se) {
        agreement::AddAlphaSe(e.counts, NominalDelta(e.counts.num_categories), *se, &c, mult);
      }
      if (boot) ICR_RETURN_IF_ERROR(BootstrapAlphaOverPatterns(e, bootstrap, interrupt, &c));
    } else if (name == "gwet_ac1") {
      c = agreement::GwetAc(e.counts, agreement::Weights::kNone, mult);
      if (se) agreement::AddGwetAcSe(e.counts, agreement::Weights::kNone, *se, &c, mult);
      over_rows.push_back({&c, [&e](agreement::Multiplicity m) {
                             return agreement::GwetAc(e.counts, agreement::Weights::kNone, m);
                           }});
    } else if (name == "brennan_prediger") {
      c = agreement::BrennanPrediger(e.counts, std::nullopt, mult);
      if (se) agreement::AddBrennanPredigerSe(e.counts, std::nullopt, *se, &c, mult);
      over_rows.push_back({&c, [&e](agreement::Multiplicity m) {
                             return agreement::BrennanPrediger(e.counts, std::nullopt, m);
                           }});
    } else if (name == "conger_kappa") {
      c = agreement::CongerKappa(e.counts, coder_table, agreement::Weights::kNone, mult);
      if (se) {
        agreement::AddCongerKappaSe(e.counts, coder_table, agreement::Weights::kNone, *se, &c,
                                    mult);
      }
      over_rows.push_back({&c, [&e, &coder_table](agreement::Multiplicity m) {
                             return agreement::CongerKappa(e.counts, coder_table,
                                                           agreement::Weights::kNone, m);
                           }});
    } else if (name == "light_kappa") {
      c = agreement::LightKappa(coder_table, e.counts.rows(), agreement::Weights::kNone, mult);
      if (se) agreement::AddLightKappaSe(*se, &c);
      over_rows.push_back({&c, [&e, &coder_table](agreement::Multiplicity m) {
                             return agreement::LightKappa(coder_table, e.counts.rows(),
                                                          agreement::Weights::kNone, m);
                           }});
    }
    if (se && !c.analytic) {
      c.analytic = agreement::UndefinedInterval(
          absl::StrCat("the coefficient is undefined: ", c.reason), *se);
    }
  }
  if (boot) {
    ICR_RETURN_IF_ERROR(BootstrapRowsOverPatterns(e.multiplicity, bootstrap, interrupt, over_rows));
    if (pairs) {
      ICR_RETURN_IF_ERROR(
          BootstrapRowsOverPatterns(pairs->multiplicity, bootstrap, interrupt, over_pairs));
    }
  }
  if (pairwise) {
    for (int a = 0; a < table.coders; ++a) {
      for (int b = a + 1; b < table.coders; ++b) {
        std::vector<int64_t> cells(static_cast<size_t>(q) * q, 0);
        int64_t n = 0, agree = 0;
        for (size_t r = 0; r < e.keys.size(); ++r) {
          const auto& [present, applied] = e.keys[r];
          if (!Has(present, a) || !Has(present, b)) continue;
          const int32_t va = Value(e, applied, a), vb = Value(e, applied, b);
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

CoderMask DropBit(CoderMask mask, int drop) {
  const CoderMask low = mask & ((CoderMask{1} << drop) - 1);
  // drop = 63 leaves no higher bits (and a shift by 64 is undefined).
  const CoderMask high = drop + 1 >= kMaxCoders ? 0 : (mask >> (drop + 1)) << drop;
  return low | high;
}

std::vector<std::optional<double>> AlphaWithoutEachCoder(const PatternTable& table) {
  std::vector<std::optional<double>> out;
  if (table.coders < 3) return out;
  for (int drop = 0; drop < table.coders; ++drop) {
    PatternTable reduced;
    reduced.coders = table.coders - 1;
    reduced.units = table.units;
    for (const auto& [key, n] : table.rows) {
      const CoderMask present = DropBit(key.first, drop);
      if (present != 0) reduced.rows[{present, DropBit(key.second, drop)}] += n;
    }
    out.push_back(Alpha(Expand(reduced)).value);
  }
  return out;
}

}  // namespace icr::live
