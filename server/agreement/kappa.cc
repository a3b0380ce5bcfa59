#include "server/agreement/kappa.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"

namespace icr::agreement {
namespace {

MultiRaterSums SumUnits(const UnitCounts& counts, const std::vector<double>* weights,
                        Multiplicity multiplicity) {
  MultiRaterSums s;
  const int k = counts.num_categories;
  s.pi.assign(k, 0.0);
  int32_t first_m = -1;
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double times = RowWeight(multiplicity, r);
    if (times == 0) continue;
    const int32_t m = counts.total[r];
    if (first_m < 0) first_m = m;
    if (m != first_m || m < 2) s.equal_raters = false;
    const int64_t begin = counts.offset[r], end = counts.offset[r + 1];
    s.units_rated += times;
    for (int64_t a = begin; a < end; ++a) s.pi[counts.category[a]] += times * counts.count[a] / m;
    if (m < 2) continue;
    double agree = 0;
    for (int64_t a = begin; a < end; ++a) {
      double star = counts.count[a];  // n*_uc = sum_k w_ck n_uk
      if (weights != nullptr) {
        star = 0;
        const double* w = weights->data() + static_cast<size_t>(counts.category[a]) * k;
        for (int64_t b = begin; b < end; ++b) star += w[counts.category[b]] * counts.count[b];
      }
      agree += counts.count[a] * (star - 1);
    }
    s.units_pairable += times;
    s.values_pairable += times * m;
    s.agreement_sum += times * agree / (static_cast<double>(m) * (m - 1));
  }
  if (s.units_rated > 0) {
    for (double& p : s.pi) p /= s.units_rated;
  }
  return s;
}

Coefficient Start(const char* name, const MultiRaterSums& s) {
  Coefficient c;
  c.name = name;
  c.units = std::llround(s.units_pairable);
  c.pairable_values = std::llround(s.values_pairable);
  return c;
}

// Fills value from observed/expected, or the reason when p_e = 1.
void Finish(Coefficient& c) {
  if (!(c.expected < 1.0 - 1e-12)) {
    c.reason = "one category only: chance agreement is 1";
    return;
  }
  c.value = (c.observed - c.expected) / (1.0 - c.expected);
}

int UsedCategories(const std::vector<double>& pi) {
  int used = 0;
  for (double p : pi) used += p > 0;
  return used;
}

// The weights' matrix for q categories, or none (the identity's fast path).
std::vector<double> MatrixOrNone(const WeightMatrix& weights, int q) {
  return weights.weighted() ? weights.For(q) : std::vector<double>();
}

// Marks `c` as computed with `weights`.
void NameWeights(const WeightMatrix& weights, Coefficient& c) { c.weights = weights.name(); }

// `sums` when given, else the sums of `counts` (into `own`).
const MultiRaterSums& SumsOf(const UnitCounts& counts, const std::vector<double>& w,
                             Multiplicity multiplicity, const MultiRaterSums* sums,
                             MultiRaterSums& own) {
  if (sums != nullptr) return *sums;
  own = SumUnits(counts, w.empty() ? nullptr : &w, multiplicity);
  return own;
}

}  // namespace

MultiRaterSums SumMultiRater(const UnitCounts& counts, const WeightMatrix& weights,
                             Multiplicity multiplicity) {
  const std::vector<double> w = MatrixOrNone(weights, counts.num_categories);
  return SumUnits(counts, w.empty() ? nullptr : &w, multiplicity);
}

Coefficient PercentAgreement(const UnitCounts& counts, const WeightMatrix& weights,
                             Multiplicity multiplicity, const MultiRaterSums* sums) {
  const std::vector<double> w = MatrixOrNone(weights, counts.num_categories);
  MultiRaterSums own;
  const MultiRaterSums& s = SumsOf(counts, w, multiplicity, sums, own);
  Coefficient c = Start("percent_agreement", s);
  c.variant = "gwet_unit_mean";
  NameWeights(weights, c);
  if (s.units_pairable == 0) {
    c.reason = "fewer than two pairable values: no unit has values from two coders";
    return c;
  }
  c.observed = s.agreement_sum / s.units_pairable;
  c.value = c.observed;
  return c;
}

Coefficient FleissKappa(const UnitCounts& counts, const WeightMatrix& weights,
                        Multiplicity multiplicity, const MultiRaterSums* sums) {
  const int q = counts.num_categories;
  const std::vector<double> w = MatrixOrNone(weights, q);
  MultiRaterSums own;
  const MultiRaterSums& s = SumsOf(counts, w, multiplicity, sums, own);
  Coefficient c = Start("fleiss_kappa", s);
  c.variant = s.equal_raters ? "fleiss_1971" : "gwet_varying_raters";
  NameWeights(weights, c);
  if (s.units_pairable == 0) {
    c.reason = "fewer than two pairable values: no unit has values from two coders";
    return c;
  }
  c.observed = s.agreement_sum / s.units_pairable;
  if (w.empty()) {
    for (double p : s.pi) c.expected += p * p;
  } else {
    for (int k = 0; k < q; ++k) {
      if (s.pi[k] == 0) continue;
      for (int l = 0; l < q; ++l)
        c.expected += w[static_cast<size_t>(k) * q + l] * s.pi[k] * s.pi[l];
    }
  }
  if (UsedCategories(s.pi) < 2) {
    c.reason = "one category only: every value is the same";
    return c;
  }
  Finish(c);
  return c;
}

Coefficient GwetAc(const UnitCounts& counts, const WeightMatrix& weights, Multiplicity multiplicity,
                   const MultiRaterSums* sums) {
  const int q = counts.num_categories;
  const bool weighted = weights.weighted();
  // Unweighted: no q x q identity (set-valued data has thousands of
  // categories); its total weight is q.
  const std::vector<double> w = MatrixOrNone(weights, q);
  MultiRaterSums own;
  const MultiRaterSums& s = SumsOf(counts, w, multiplicity, sums, own);
  Coefficient c = Start(weighted ? "gwet_ac2" : "gwet_ac1", s);
  if (weighted) c.variant = weights.name();
  NameWeights(weights, c);
  if (s.units_pairable == 0) {
    c.reason = "fewer than two pairable values: no unit has values from two coders";
    return c;
  }
  if (q < 2) {
    c.reason = "one category only: AC1 needs at least two categories";
    return c;
  }
  c.observed = s.agreement_sum / s.units_pairable;
  double total_weight = weighted ? 0 : q;
  for (double x : w) total_weight += x;
  double spread = 0;
  for (double p : s.pi) spread += p * (1.0 - p);
  c.expected = total_weight * spread / (static_cast<double>(q) * (q - 1));
  Finish(c);
  return c;
}

Coefficient BrennanPrediger(const UnitCounts& counts, const WeightMatrix& weights,
                            std::optional<int> num_categories, Multiplicity multiplicity,
                            const MultiRaterSums* sums) {
  const int q = num_categories.value_or(counts.num_categories);
  const std::vector<double> w = MatrixOrNone(weights, counts.num_categories);
  MultiRaterSums own;
  const MultiRaterSums& s = SumsOf(counts, w, multiplicity, sums, own);
  Coefficient c = Start("brennan_prediger", s);
  c.variant = num_categories ? absl::StrCat("categories_", q) : "categories_observed";
  NameWeights(weights, c);
  if (s.units_pairable == 0) {
    c.reason = "fewer than two pairable values: no unit has values from two coders";
    return c;
  }
  if (q < 2) {
    c.reason = "one category only: Brennan-Prediger needs at least two categories";
    return c;
  }
  c.observed = s.agreement_sum / s.units_pairable;
  if (w.empty()) {
    c.expected = 1.0 / q;
  } else {
    double total_weight = 0;
    for (double x : w) total_weight += x;
    c.expected = total_weight / (static_cast<double>(q) * q);
  }
  Finish(c);
  return c;
}

PairedValues PairValues(const ReliabilityData& data, int coder_a, int coder_b) {
  PairedValues pairs;
  pairs.num_categories = data.num_categories();
  for (int64_t u = 0; u < data.num_units(); ++u) {
    const int32_t a = data.value(u, coder_a), b = data.value(u, coder_b);
    if (a == ReliabilityData::kMissing || b == ReliabilityData::kMissing) continue;
    pairs.a.push_back(a);
    pairs.b.push_back(b);
  }
  return pairs;
}

namespace {

// p_a, the two marginal distributions, and N of a pair table.
struct PairTable {
  double n = 0;
  double agree = 0;  // unweighted; weighted agreement is computed from `cells`
  std::vector<double> row, col;
  std::vector<double> cells;  // only filled when weighted
};

PairTable Tabulate(const PairedValues& pairs, bool keep_cells, Multiplicity multiplicity) {
  PairTable t;
  const int k = pairs.num_categories;
  t.row.assign(k, 0.0);
  t.col.assign(k, 0.0);
  if (keep_cells) t.cells.assign(static_cast<size_t>(k) * k, 0.0);
  for (size_t i = 0; i < pairs.a.size(); ++i) {
    const double times = RowWeight(multiplicity, static_cast<int64_t>(i));
    if (times == 0) continue;
    const int32_t a = pairs.a[i], b = pairs.b[i];
    t.n += times;
    t.row[a] += times;
    t.col[b] += times;
    if (a == b) t.agree += times;
    if (keep_cells) t.cells[static_cast<size_t>(a) * k + b] += times;
  }
  return t;
}

Coefficient StartPair(const char* name, const PairTable& t) {
  Coefficient c;
  c.name = name;
  c.units = std::llround(t.n);
  c.pairable_values = 2 * c.units;
  return c;
}

Coefficient CohenFromPairTable(const PairTable& t, int k, const WeightMatrix& weights) {
  const bool weighted = weights.weighted();
  Coefficient c = StartPair("cohen_kappa", t);
  if (weighted) c.variant = weights.name();
  c.weights = weights.name();
  if (t.n == 0) {
    c.reason = "fewer than two pairable values: no unit coded by both coders";
    return c;
  }
  if (!weighted) {
    c.observed = t.agree / t.n;
    for (int j = 0; j < k; ++j) c.expected += (t.row[j] / t.n) * (t.col[j] / t.n);
  } else {
    std::vector<double> w = weights.For(k);
    for (int a = 0; a < k; ++a) {
      if (t.row[a] == 0 && t.col[a] == 0) continue;
      for (int b = 0; b < k; ++b) {
        const double wab = w[static_cast<size_t>(a) * k + b];
        c.observed += wab * t.cells[static_cast<size_t>(a) * k + b];
        c.expected += wab * (t.row[a] / t.n) * (t.col[b] / t.n);
      }
    }
    c.observed /= t.n;
  }
  Finish(c);
  return c;
}

}  // namespace

Coefficient CohenKappa(const PairedValues& pairs, const WeightMatrix& weights,
                       Multiplicity multiplicity) {
  return CohenFromPairTable(Tabulate(pairs, weights.weighted(), multiplicity), pairs.num_categories,
                            weights);
}

Coefficient CohenKappaFromTable(std::span<const int64_t> table, int k,
                                const WeightMatrix& weights) {
  // Expand to pairs' summary form without materialising the pairs.
  const bool weighted = weights.weighted();
  PairTable t;
  t.row.assign(k, 0.0);
  t.col.assign(k, 0.0);
  if (weighted) t.cells.assign(static_cast<size_t>(k) * k, 0.0);
  for (int a = 0; a < k; ++a) {
    for (int b = 0; b < k; ++b) {
      const double n = static_cast<double>(table[static_cast<size_t>(a) * k + b]);
      if (n == 0) continue;
      t.n += n;
      t.row[a] += n;
      t.col[b] += n;
      if (a == b) t.agree += n;
      if (weighted) t.cells[static_cast<size_t>(a) * k + b] = n;
    }
  }
  return CohenFromPairTable(t, k, weights);
}

Coefficient ScottPi(const PairedValues& pairs, const WeightMatrix& weights,
                    Multiplicity multiplicity) {
  const int k = pairs.num_categories;
  const bool weighted = weights.weighted();
  PairTable t = Tabulate(pairs, weighted, multiplicity);
  Coefficient c = StartPair("scott_pi", t);
  c.weights = weights.name();
  if (t.n == 0) {
    c.reason = "fewer than two pairable values: no unit coded by both coders";
    return c;
  }
  std::vector<double> pi(k);
  for (int j = 0; j < k; ++j) pi[j] = (t.row[j] + t.col[j]) / (2 * t.n);
  if (!weighted) {
    c.observed = t.agree / t.n;
    for (double p : pi) c.expected += p * p;
  } else {
    const std::vector<double> w = weights.For(k);
    for (int a = 0; a < k; ++a) {
      for (int b = 0; b < k; ++b) {
        const double wab = w[static_cast<size_t>(a) * k + b];
        c.observed += wab * t.cells[static_cast<size_t>(a) * k + b];
        c.expected += wab * pi[a] * pi[b];
      }
    }
    c.observed /= t.n;
  }
  Finish(c);
  return c;
}

}  // namespace icr::agreement
