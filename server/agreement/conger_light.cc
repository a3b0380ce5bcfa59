#include "server/agreement/conger_light.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace icr::agreement {
namespace {

// Per-coder category shares p_gk over the coders with a value (g indexes
// `coders`), each coder's number of values n_g, and the units with a value.
struct CoderShares {
  std::vector<int> coders;     // coder indices with n_g > 0
  std::vector<double> values;  // n_g, by coder index (0 for the others)
  std::vector<double> share;   // p_gk, row-major coders x q, by coder index
  std::vector<double> mean;    // pbar_k
  double units = 0;            // units with a value
  double units_pairable = 0;   // units with two or more
  double agreement_sum = 0;    // sum of the per-unit p_a over pairable units
};

CoderShares Share(const UnitCounts& counts, const CoderTable& table, const double* w,
                  Multiplicity multiplicity) {
  CoderShares s;
  const int q = table.num_categories, coders = table.coders;
  s.values.assign(coders, 0.0);
  s.share.assign(static_cast<size_t>(coders) * q, 0.0);
  s.mean.assign(q, 0.0);
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double t = RowWeight(multiplicity, r);
    if (t == 0) continue;
    s.units += t;
    const int32_t* row = table.row(r);
    for (int g = 0; g < coders; ++g) {
      if (row[g] == ReliabilityData::kMissing) continue;
      s.values[g] += t;
      s.share[static_cast<size_t>(g) * q + row[g]] += t;
    }
    const int32_t m = counts.total[r];
    if (m < 2) continue;
    s.units_pairable += t;
    s.agreement_sum += t * UnitAgreement(counts, r, w) / (static_cast<double>(m) * (m - 1));
  }
  for (int g = 0; g < coders; ++g) {
    if (s.values[g] == 0) continue;
    s.coders.push_back(g);
    for (int k = 0; k < q; ++k) s.share[static_cast<size_t>(g) * q + k] /= s.values[g];
  }
  for (int g : s.coders) {
    for (int k = 0; k < q; ++k) s.mean[k] += s.share[static_cast<size_t>(g) * q + k];
  }
  if (!s.coders.empty()) {
    for (double& p : s.mean) p /= static_cast<double>(s.coders.size());
  }
  return s;
}

void CongerSe(const UnitCounts& counts, const CoderTable& table, const std::vector<double>& w,
              bool weighted, const CoderShares& s, const VarianceOptions& options, Coefficient* c,
              Multiplicity multiplicity);

}  // namespace

CoderTable CoderTableOf(const ReliabilityData& data, const UnitCounts& counts) {
  CoderTable table;
  table.coders = data.num_coders();
  table.num_categories = data.num_categories();
  table.cells = data.cells().data();
  table.unit = counts.unit;
  return table;
}

Coefficient CongerKappa(const UnitCounts& counts, const CoderTable& table,
                        const WeightMatrix& weights, Multiplicity multiplicity,
                        const VarianceOptions* analytic) {
  const int q = table.num_categories;
  const bool weighted = weights.weighted();
  // Unweighted: no q x q matrix (set-valued data can have thousands of
  // categories); the identity's terms are read off directly.
  const std::vector<double> w = weighted ? weights.For(q) : std::vector<double>();
  const CoderShares s = Share(counts, table, weighted ? w.data() : nullptr, multiplicity);
  Coefficient c;
  c.name = "conger_kappa";
  if (weighted) c.variant = weights.name();
  c.weights = weights.name();
  c.units = std::llround(s.units_pairable);
  for (int64_t r = 0; r < counts.rows(); ++r) {
    if (counts.total[r] >= 2)
      c.pairable_values += std::llround(RowWeight(multiplicity, r) * counts.total[r]);
  }
  if (s.units_pairable == 0) {
    c.reason = "fewer than two pairable values: no unit has values from two coders";
    return c;
  }
  int used = 0;
  for (double p : s.mean) used += p > 0;
  if (used < 2) {
    c.reason = "one category only: every value is the same";
    return c;
  }
  const double r = static_cast<double>(s.coders.size());
  c.observed = s.agreement_sum / s.units_pairable;
  // p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / r); s2_kl / r =
  // (sum_g p_gk p_gl - r pbar_k pbar_l) / (r (r - 1)).
  for (int k = 0; k < q; ++k) {
    for (int l = weighted ? 0 : k; l < (weighted ? q : k + 1); ++l) {
      const double wkl = weighted ? w[static_cast<size_t>(k) * q + l] : 1.0;
      if (wkl == 0) continue;
      double cross = 0;
      for (int g : s.coders) {
        cross += s.share[static_cast<size_t>(g) * q + k] * s.share[static_cast<size_t>(g) * q + l];
      }
      const double product = s.mean[k] * s.mean[l];
      c.expected += wkl * (product - (cross - r * product) / (r * (r - 1)));
    }
  }
  if (!(c.expected < 1.0 - 1e-12)) {
    c.reason = "one category only: chance agreement is 1";
    return c;
  }
  c.value = (c.observed - c.expected) / (1.0 - c.expected);
  if (analytic != nullptr) CongerSe(counts, table, w, weighted, s, *analytic, &c, multiplicity);
  return c;
}

namespace {

// Gwet's variance of Conger's kappa `c` from its shares (variance.h).
void CongerSe(const UnitCounts& counts, const CoderTable& table, const std::vector<double>& w,
              bool weighted, const CoderShares& s, const VarianceOptions& options, Coefficient* c,
              Multiplicity multiplicity) {
  const int q = table.num_categories;
  const double n = s.units, n2 = s.units_pairable;
  if (n < 2) {
    c->analytic = UndefinedInterval("fewer than two units: no variance", options);
    return;
  }
  const double r = static_cast<double>(s.coders.size());
  const double kappa = *c->value, pe = c->expected;
  // Gwet (2014, ch. 5)'s linearised chance term of unit i,
  //   p_e|i = sum_g lambda_ig / (r (r - 1)),
  //   lambda_ig = (n / n_g) sum_k [sum_l w_kl (d_igl - (e_ig - n_g / n) p_gl)]
  //               (r pbar_k - p_gk),
  // d_igl: coder g gave unit i the value l; e_ig: coder g gave it a value.
  // With A_gk = sum_l w_kl p_gl, B_gk = r pbar_k - p_gk,
  // C_gc = sum_k w_kc B_gk and D_g = sum_k A_gk B_gk this is
  //   lambda_ig = D_g + e_ig (n / n_g) (C_g,value - D_g).
  const int coders = table.coders;
  std::vector<double> cterm(static_cast<size_t>(coders) * q, 0.0), dterm(coders, 0.0);
  double base = 0;
  for (int g : s.coders) {
    const double* p = s.share.data() + static_cast<size_t>(g) * q;
    for (int k = 0; k < q; ++k) {
      const double b = r * s.mean[k] - p[k];
      if (!weighted) {  // A_gk = p_gk, C_gk = B_gk
        dterm[g] += p[k] * b;
        cterm[static_cast<size_t>(g) * q + k] += b;
        continue;
      }
      double a = 0;
      for (int l = 0; l < q; ++l) a += w[static_cast<size_t>(k) * q + l] * p[l];
      dterm[g] += a * b;
      for (int value = 0; value < q; ++value) {
        cterm[static_cast<size_t>(g) * q + value] += w[static_cast<size_t>(k) * q + value] * b;
      }
    }
    base += dterm[g];
  }
  // lambda-terms of a coder's value, (n / n_g)(C_g,value - D_g), in one
  // table (coders x q; zero for coders without values).
  std::vector<double> term(static_cast<size_t>(coders) * q, 0.0);
  for (int g : s.coders) {
    for (int value = 0; value < q; ++value) {
      term[static_cast<size_t>(g) * q + value] =
          n / s.values[g] * (cterm[static_cast<size_t>(g) * q + value] - dterm[g]);
    }
  }
  // 1 / (m (m - 1)) for every m a unit can have.
  std::vector<double> pair_share(coders + 1, 0.0);
  for (int m = 2; m <= coders; ++m) pair_share[m] = 1.0 / (static_cast<double>(m) * (m - 1));
  const double norm = 1.0 / (r * (r - 1));
  const double unit_scale = (n / n2) / (1.0 - pe);
  const double drift = 2.0 * (1.0 - kappa) / (1.0 - pe);
  const double* w_data = weighted ? w.data() : nullptr;
  double sum = 0;
  for (int64_t row_index = 0; row_index < counts.rows(); ++row_index) {
    const double t = RowWeight(multiplicity, row_index);
    if (t == 0) continue;
    const int32_t* row = table.row(row_index);
    double lambda = base;
    for (int g = 0; g < coders; ++g) {
      if (row[g] != ReliabilityData::kMissing) lambda += term[static_cast<size_t>(g) * q + row[g]];
    }
    const int32_t m = counts.total[row_index];
    double x = -drift * (lambda * norm - pe);
    if (m >= 2) {
      x += unit_scale * (UnitAgreement(counts, row_index, w_data) * pair_share[m] - pe);
    }
    const double d = x - kappa;
    sum += t * d * d;
  }
  const double correction =
      options.population > 0 ? 1.0 - n / static_cast<double>(options.population) : 1.0;
  c->analytic = IntervalFromVariance(kappa, correction / (n * (n - 1)) * sum, n, options);
}

}  // namespace

void AddCongerKappaSe(const UnitCounts& counts, const CoderTable& table,
                      const WeightMatrix& weights, const VarianceOptions& options, Coefficient* c,
                      Multiplicity multiplicity) {
  if (!c->defined()) {
    c->analytic =
        UndefinedInterval(absl::StrCat("the coefficient is undefined: ", c->reason), options);
    return;
  }
  const bool weighted = weights.weighted();
  const std::vector<double> w =
      weighted ? weights.For(table.num_categories) : std::vector<double>();
  const CoderShares s = Share(counts, table, weighted ? w.data() : nullptr, multiplicity);
  CongerSe(counts, table, w, weighted, s, options, c, multiplicity);
}

namespace {

// The mean of sorted values (the coders' order does not change the digits).
double SortedMean(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

// Light's kappa without weights: per pair only the two coders' marginals and
// their agreements, O(q) memory per pair whatever the categories.
Coefficient LightUnweighted(const CoderTable& table, int64_t rows, Multiplicity multiplicity,
                            Coefficient c) {
  const int coders = table.coders, q = table.num_categories;
  const int pairs = coders * (coders - 1) / 2;
  std::vector<double> margins(static_cast<size_t>(pairs) * 2 * q, 0.0), agree(pairs, 0.0);
  double complete = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const double t = RowWeight(multiplicity, r);
    if (t == 0) continue;
    const int32_t* row = table.row(r);
    bool all = true;
    for (int g = 0; g < coders && all; ++g) all = row[g] != ReliabilityData::kMissing;
    if (!all) continue;
    complete += t;
    int index = 0;
    for (int a = 0; a < coders; ++a) {
      for (int b = a + 1; b < coders; ++b, ++index) {
        double* m = margins.data() + static_cast<size_t>(index) * 2 * q;
        m[row[a]] += t;
        m[q + row[b]] += t;
        if (row[a] == row[b]) agree[index] += t;
      }
    }
  }
  c.units = std::llround(complete);
  c.pairable_values = c.units * coders;
  if (complete == 0) {
    c.reason = "no unit was coded by every coder (Light's kappa reads only those)";
    return c;
  }
  std::vector<double> kappas, observed, expected;
  int index = 0;
  for (int a = 0; a < coders; ++a) {
    for (int b = a + 1; b < coders; ++b, ++index) {
      const double* m = margins.data() + static_cast<size_t>(index) * 2 * q;
      const double pa = agree[index] / complete;
      double pe = 0;
      for (int k = 0; k < q; ++k) pe += (m[k] / complete) * (m[q + k] / complete);
      if (!(pe < 1.0 - 1e-12)) {
        c.reason = absl::StrCat("Cohen's kappa of coders ", a + 1, " and ", b + 1,
                                " is undefined: one category only: chance agreement is 1");
        return c;
      }
      kappas.push_back((pa - pe) / (1.0 - pe));
      observed.push_back(pa);
      expected.push_back(pe);
    }
  }
  c.observed = SortedMean(observed);
  c.expected = SortedMean(expected);
  c.value = SortedMean(kappas);
  return c;
}

}  // namespace

Coefficient LightKappa(const CoderTable& table, int64_t rows, const WeightMatrix& weights,
                       Multiplicity multiplicity) {
  Coefficient c;
  c.name = "light_kappa";
  c.variant =
      !weights.weighted() ? "complete_units" : absl::StrCat("complete_units,", weights.name());
  c.weights = weights.name();
  const int coders = table.coders, q = table.num_categories;
  if (coders < 2) {
    c.reason = "Light's kappa needs two coders";
    return c;
  }
  const int pairs = coders * (coders - 1) / 2;
  if (!weights.weighted()) return LightUnweighted(table, rows, multiplicity, std::move(c));
  const size_t cells = static_cast<size_t>(q) * q;
  const WeightMatrix matrix(weights.family, weights.For(q));
  std::vector<int64_t> tables(static_cast<size_t>(pairs) * cells, 0);
  int64_t complete = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t t = static_cast<int64_t>(RowWeight(multiplicity, r));
    if (t == 0) continue;
    const int32_t* row = table.row(r);
    bool all = true;
    for (int g = 0; g < coders && all; ++g) all = row[g] != ReliabilityData::kMissing;
    if (!all) continue;
    complete += t;
    int64_t* cell = tables.data();
    for (int a = 0; a < coders; ++a) {
      const size_t offset = static_cast<size_t>(row[a]) * q;
      for (int b = a + 1; b < coders; ++b, cell += cells) cell[offset + row[b]] += t;
    }
  }
  c.units = complete;
  c.pairable_values = complete * coders;
  if (complete == 0) {
    c.reason = "no unit was coded by every coder (Light's kappa reads only those)";
    return c;
  }
  // Summed in ascending order, so that the coders' order in the file does
  // not change the last digits.
  std::vector<double> kappas, observed, expected;
  int index = 0;
  for (int a = 0; a < coders; ++a) {
    for (int b = a + 1; b < coders; ++b, ++index) {
      const Coefficient pair = CohenKappaFromTable(
          std::span<const int64_t>(tables.data() + index * cells, cells), q, matrix);
      if (!pair.defined()) {
        c.reason = absl::StrCat("Cohen's kappa of coders ", a + 1, " and ", b + 1,
                                " is undefined: ", pair.reason);
        return c;
      }
      kappas.push_back(*pair.value);
      observed.push_back(pair.observed);
      expected.push_back(pair.expected);
    }
  }
  auto mean = [pairs](std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    return sum / pairs;
  };
  // observed and expected: the pairs' mean p_a and p_e (the value is the
  // mean of their kappas, not a ratio of these).
  c.observed = mean(observed);
  c.expected = mean(expected);
  c.value = mean(kappas);
  return c;
}

void AddLightKappaSe(const VarianceOptions& options, Coefficient* c) {
  if (!c->defined()) {
    c->analytic =
        UndefinedInterval(absl::StrCat("the coefficient is undefined: ", c->reason), options);
    return;
  }
  c->analytic = UndefinedInterval(
      "Light's kappa has no analytic variance (none in Gwet 2014, irrCAC or irr); "
      "use the bootstrap",
      options);
}

}  // namespace icr::agreement
