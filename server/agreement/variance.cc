#include "server/agreement/variance.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/agreement/student_t.h"

namespace icr::agreement {
namespace {

// (1 - f), f = n / N; 1 without a population.
double Correction(double units, const VarianceOptions& options) {
  return options.population > 0 ? 1.0 - units / static_cast<double>(options.population) : 1.0;
}

// Checks that `c` has a value to linearise around, else sets the undefined
// interval and returns false.
bool Definable(const VarianceOptions& options, Coefficient* c) {
  if (c->defined()) return true;
  c->analytic =
      UndefinedInterval(absl::StrCat("the coefficient is undefined: ", c->reason), options);
  return false;
}

bool EnoughUnits(double units, const VarianceOptions& options, Coefficient* c) {
  if (units >= 2) return true;
  c->analytic = UndefinedInterval("fewer than two units: no variance", options);
  return false;
}

// pi_k = mean over the units with a value of n_ik / m_i (Gwet 2014, ch. 2);
// *units receives their number.
std::vector<double> Shares(const UnitCounts& counts, Multiplicity multiplicity, double* units) {
  std::vector<double> pi(counts.num_categories, 0.0);
  double n = 0;
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double t = RowWeight(multiplicity, r);
    if (t == 0) continue;
    n += t;
    const double scale = t / counts.total[r];
    for (int64_t a = counts.offset[r]; a < counts.offset[r + 1]; ++a) {
      pi[counts.category[a]] += scale * counts.count[a];
    }
  }
  if (n > 0) {
    for (double& p : pi) p /= n;
  }
  *units = n;
  return pi;
}

// Gwet's linearised variance of a multi-rater coefficient (variance.h):
// `chance(r)` is p_e|i of row r (ignored when `has_chance` is false).
template <typename Chance>
void MultiRaterSe(const UnitCounts& counts, const double* w, bool has_chance, Chance chance,
                  const VarianceOptions& options, Coefficient* c, Multiplicity multiplicity) {
  if (!Definable(options, c)) return;
  double n = 0, n2 = 0;
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double t = RowWeight(multiplicity, r);
    n += t;
    if (counts.total[r] >= 2) n2 += t;
  }
  if (!EnoughUnits(n, options, c)) return;
  const double kappa = *c->value;
  const double pe = has_chance ? c->expected : 0.0;
  const double scale = (n / n2) / (1.0 - pe);
  const double drift = 2.0 * (1.0 - kappa) / (1.0 - pe);
  double sum = 0;
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double t = RowWeight(multiplicity, r);
    if (t == 0) continue;
    const int32_t m = counts.total[r];
    double x = 0;
    if (m >= 2) {
      const double pa = UnitAgreement(counts, r, w) / (static_cast<double>(m) * (m - 1));
      x = scale * (pa - pe);
    }
    if (has_chance) x -= drift * (chance(r) - pe);
    const double d = x - kappa;
    sum += t * d * d;
  }
  const double variance = Correction(n, options) / (n * (n - 1)) * sum;
  c->analytic = IntervalFromVariance(kappa, variance, n, options);
}

// sum_k n_ik v_k / m_i for row r.
double RowMean(const UnitCounts& counts, int64_t r, const std::vector<double>& v) {
  double s = 0;
  for (int64_t a = counts.offset[r]; a < counts.offset[r + 1]; ++a) {
    s += counts.count[a] * v[counts.category[a]];
  }
  return s / counts.total[r];
}

// The two-coder table of `pairs` as shares p_kl (row-major) and its n.
std::vector<double> PairShares(const PairedValues& pairs, Multiplicity multiplicity, double* n) {
  const int k = pairs.num_categories;
  std::vector<double> p(static_cast<size_t>(k) * k, 0.0);
  double total = 0;
  for (size_t i = 0; i < pairs.a.size(); ++i) {
    const double t = RowWeight(multiplicity, static_cast<int64_t>(i));
    if (t == 0) continue;
    p[static_cast<size_t>(pairs.a[i]) * k + pairs.b[i]] += t;
    total += t;
  }
  if (total > 0) {
    for (double& x : p) x /= total;
  }
  *n = total;
  return p;
}

// Gwet (2014, ch. 5)'s two-rater variance on the table `p` (irrCAC's
// kappa2.table / scott2.table), given the per-category terms a_k (rows) and
// b_l (columns).
void TableSe(const std::vector<double>& p, const std::vector<double>& w, int k, double n,
             const std::vector<double>& a, const std::vector<double>& b,
             const VarianceOptions& options, Coefficient* c) {
  const double kappa = *c->value, pa = c->observed, pe = c->expected;
  double sum = 0;
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < k; ++j) {
      const double share = p[static_cast<size_t>(i) * k + j];
      if (share == 0) continue;
      const double d = w[static_cast<size_t>(i) * k + j] - (1.0 - kappa) * (a[i] + b[j]);
      sum += share * d * d;
    }
  }
  const double centre = pa - 2.0 * (1.0 - kappa) * pe;
  const double variance = std::max(
      0.0, Correction(n, options) / (n * (1.0 - pe) * (1.0 - pe)) * (sum - centre * centre));
  c->analytic = IntervalFromVariance(kappa, variance, n, options);
}

}  // namespace

AnalyticInterval UndefinedInterval(std::string reason, const VarianceOptions& options) {
  AnalyticInterval out;
  out.confidence = options.confidence;
  out.population = options.population;
  out.undefined_reason = std::move(reason);
  return out;
}

AnalyticInterval IntervalFromVariance(double value, double variance, double units,
                                      const VarianceOptions& options) {
  AnalyticInterval out;
  out.confidence = options.confidence;
  out.population = options.population;
  out.degrees_of_freedom = std::llround(units) - 1;
  if (!(units >= 2) || !std::isfinite(variance)) {
    out.undefined_reason = "fewer than two units: no variance";
    return out;
  }
  if (options.population > 0 && units > static_cast<double>(options.population)) {
    out.undefined_reason = absl::StrCat("population ", options.population, " is below the ",
                                        std::llround(units), " units");
    return out;
  }
  const double df = units - 1;
  out.variance = std::max(0.0, variance);
  out.se = std::sqrt(out.variance);
  const double t = StudentTQuantile(1.0 - (1.0 - options.confidence) / 2.0, df);
  out.low = value - t * out.se;
  out.high = std::min(1.0, value + t * out.se);
  if (out.se > 0) {
    out.p_value = StudentTUpperTail(value / out.se, df);
  } else if (value != 0) {
    out.p_value = value > 0 ? 0.0 : 1.0;
  }
  return out;
}

void AddPercentAgreementSe(const UnitCounts& counts, const VarianceOptions& options, Coefficient* c,
                           Multiplicity multiplicity, const WeightMatrix& weights) {
  const std::vector<double> w =
      weights.weighted() ? weights.For(counts.num_categories) : std::vector<double>();
  MultiRaterSe(
      counts, w.empty() ? nullptr : w.data(), false, [](int64_t) { return 0.0; }, options, c,
      multiplicity);
}

void AddFleissKappaSe(const UnitCounts& counts, const VarianceOptions& options, Coefficient* c,
                      Multiplicity multiplicity, const WeightMatrix& weights) {
  if (!Definable(options, c)) return;
  const int q = counts.num_categories;
  double n = 0;
  std::vector<double> pi = Shares(counts, multiplicity, &n);
  std::vector<double> w;
  if (weights.weighted()) {
    // pibar_k = sum_l (w_kl + w_lk) pi_l / 2 (irrCAC's fleiss.kappa.raw).
    w = weights.For(q);
    std::vector<double> bar(q, 0.0);
    for (int k = 0; k < q; ++k) {
      for (int l = 0; l < q; ++l) {
        bar[k] +=
            (w[static_cast<size_t>(k) * q + l] + w[static_cast<size_t>(l) * q + k]) * pi[l] / 2.0;
      }
    }
    pi = std::move(bar);
  }
  MultiRaterSe(
      counts, w.empty() ? nullptr : w.data(), true,
      [&](int64_t r) { return RowMean(counts, r, pi); }, options, c, multiplicity);
}

void AddGwetAcSe(const UnitCounts& counts, const WeightMatrix& weights,
                 const VarianceOptions& options, Coefficient* c, Multiplicity multiplicity) {
  if (!Definable(options, c)) return;
  const int q = counts.num_categories;
  // Unweighted: no q x q identity; its total weight is q.
  const std::vector<double> w = weights.weighted() ? weights.For(q) : std::vector<double>();
  double total_weight = weights.weighted() ? 0 : q;
  for (double x : w) total_weight += x;
  double n = 0;
  std::vector<double> spread = Shares(counts, multiplicity, &n);
  // p_e|i = T_w / (q (q - 1)) * sum_k n_ik (1 - pi_k) / m_i.
  const double factor = total_weight / (static_cast<double>(q) * (q - 1));
  for (double& p : spread) p = factor * (1.0 - p);
  MultiRaterSe(
      counts, weights.weighted() ? w.data() : nullptr, true,
      [&](int64_t r) { return RowMean(counts, r, spread); }, options, c, multiplicity);
}

void AddBrennanPredigerSe(const UnitCounts& counts, std::optional<int> num_categories,
                          const VarianceOptions& options, Coefficient* c, Multiplicity multiplicity,
                          const WeightMatrix& weights) {
  const double pe = c->expected;
  const std::vector<double> w =
      weights.weighted() ? weights.For(counts.num_categories) : std::vector<double>();
  MultiRaterSe(
      counts, w.empty() ? nullptr : w.data(), true, [pe](int64_t) { return pe; }, options, c,
      multiplicity);
}

void AddAlphaSe(const UnitCounts& counts, std::span<const double> delta,
                const VarianceOptions& options, Coefficient* c, Multiplicity multiplicity) {
  if (!Definable(options, c)) return;
  const int k = counts.num_categories;
  // Units with a value (n0: degrees of freedom and f) and with two or more
  // (n, m-bar: the variance), and pi_k = n_k / n.. over the latter.
  double n0 = 0, n = 0, values = 0;
  std::vector<double> pi(k, 0.0);
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double t = RowWeight(multiplicity, r);
    if (t == 0) continue;
    n0 += t;
    if (counts.total[r] < 2) continue;
    n += t;
    values += t * counts.total[r];
    for (int64_t a = counts.offset[r]; a < counts.offset[r + 1]; ++a) {
      pi[counts.category[a]] += t * counts.count[a];
    }
  }
  if (!EnoughUnits(n, options, c)) return;
  for (double& p : pi) p /= values;
  const double mean_m = values / n;
  // Agreement weights w = 1 - delta / max(delta) over the categories present.
  double max_delta = 0;
  for (int i = 0; i < k; ++i) {
    if (pi[i] == 0) continue;
    for (int j = 0; j < k; ++j) {
      if (pi[j] > 0) max_delta = std::max(max_delta, delta[static_cast<size_t>(i) * k + j]);
    }
  }
  if (!(max_delta > 0) || !std::isfinite(max_delta)) {
    c->analytic = UndefinedInterval("no finite difference between the values", options);
    return;
  }
  // e_k = sum_l delta_kl pi_l / max(delta): 1 - pibar_k for symmetric delta.
  std::vector<double> e(k, 0.0);
  double disagree = 0;
  for (int i = 0; i < k; ++i) {
    if (pi[i] == 0) continue;
    for (int j = 0; j < k; ++j) {
      if (pi[j] > 0) e[i] += delta[static_cast<size_t>(i) * k + j] * pi[j];
    }
    e[i] /= max_delta;
    disagree += pi[i] * e[i];
  }
  const double pe = 1.0 - disagree;
  const double pa_prime = 1.0 - c->observed / max_delta;
  const double alpha_prime = (pa_prime - pe) / (1.0 - pe);
  const double drift = 2.0 * (1.0 - alpha_prime) / (1.0 - pe);
  double sum = 0;
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double t = RowWeight(multiplicity, r);
    const int32_t m = counts.total[r];
    if (t == 0 || m < 2) continue;
    const int64_t begin = counts.offset[r], end = counts.offset[r + 1];
    double pair_delta = 0, chance_delta = 0;
    for (int64_t a = begin; a < end; ++a) {
      const int32_t ca = counts.category[a];
      const double* row = delta.data() + static_cast<size_t>(ca) * k;
      double within = 0;
      for (int64_t b = begin; b < end; ++b) {
        if (b != a) within += row[counts.category[b]] * counts.count[b];
      }
      pair_delta += counts.count[a] * within;
      chance_delta += counts.count[a] * e[ca];
    }
    // sum_k n_ik (n*_ik - 1) = m (m - 1) - sum of the pairs' delta / max.
    const double agree = static_cast<double>(m) * (m - 1) - pair_delta / max_delta;
    const double spread = (m - mean_m) / mean_m;
    const double pa_i = agree / (mean_m * (m - 1)) - pa_prime * spread;
    const double pe_i = (m - chance_delta) / mean_m - pe * spread;
    const double x = (pa_i - pe) / (1.0 - pe) - drift * (pe_i - pe);
    const double d = x - alpha_prime;
    sum += t * d * d;
  }
  const double variance = Correction(n0, options) / (n * (n - 1)) * sum;
  c->analytic = IntervalFromVariance(*c->value, variance, n0, options);
}

void AddMultiRaterSes(const UnitCounts& counts, const VarianceOptions& options,
                      const MultiRaterSes& set, Multiplicity multiplicity) {
  // Which coefficients have a value to linearise around.
  Coefficient* const all[] = {set.percent_agreement, set.fleiss_kappa, set.gwet_ac1,
                              set.brennan_prediger, set.nominal_alpha};
  bool any = false;
  for (Coefficient* c : all) {
    if (c != nullptr && Definable(options, c)) any = true;
  }
  if (!any) return;
  auto live = [](Coefficient* c) { return c != nullptr && c->defined() && !c->analytic; };
  const bool pa_on = live(set.percent_agreement), fleiss_on = live(set.fleiss_kappa),
             ac_on = live(set.gwet_ac1), bp_on = live(set.brennan_prediger),
             alpha_on = live(set.nominal_alpha);
  // Pass 1: n, n2, pi_k (mean of n_ik / m_i over the units with a value) and,
  // over the pairable units, pi'_k = n_k / n.. and m-bar; the values are
  // first summed by (m, k), so that no unit divides.
  const int k = counts.num_categories;
  int max_m = 1;
  for (int64_t r = 0; r < counts.rows(); ++r) max_m = std::max(max_m, counts.total[r]);
  std::vector<double> by_m(static_cast<size_t>(max_m + 1) * k, 0.0), units_by_m(max_m + 1, 0.0);
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double t = RowWeight(multiplicity, r);
    const int32_t m = counts.total[r];
    units_by_m[m] += t;
    double* cell = by_m.data() + static_cast<size_t>(m) * k;
    for (int64_t a = counts.offset[r]; a < counts.offset[r + 1]; ++a) {
      cell[counts.category[a]] += t * counts.count[a];
    }
  }
  std::vector<double> pi(k, 0.0), pi2(k, 0.0);
  double n = 0, n2 = 0, values = 0;
  for (int m = 1; m <= max_m; ++m) {
    n += units_by_m[m];
    if (m >= 2) {
      n2 += units_by_m[m];
      values += units_by_m[m] * m;
    }
    for (int c = 0; c < k; ++c) {
      const double x = by_m[static_cast<size_t>(m) * k + c];
      pi[c] += x / m;
      if (m >= 2) pi2[c] += x;
    }
  }
  if (n < 2) {
    for (Coefficient* c : all) {
      if (live(c)) c->analytic = UndefinedInterval("fewer than two units: no variance", options);
    }
    return;
  }
  for (double& p : pi) p /= n;
  if (values > 0) {
    for (double& p : pi2) p /= values;
  }
  const double mean_m = n2 > 0 ? values / n2 : 0;
  // The constants of each linearisation (variance.h).
  const double unit_share = n / n2;
  auto value = [](Coefficient* c) { return c != nullptr && c->value ? *c->value : 0.0; };
  auto expected = [](Coefficient* c) { return c != nullptr ? c->expected : 0.0; };
  const double pa = value(set.percent_agreement);
  const double fk = value(set.fleiss_kappa), fpe = expected(set.fleiss_kappa);
  const double ak = value(set.gwet_ac1), ape = expected(set.gwet_ac1);
  const double bk = value(set.brennan_prediger), bpe = expected(set.brennan_prediger);
  const double ac_factor = k >= 2 ? 1.0 / (k - 1) : 0.0;  // T_w / (q (q - 1)), T_w = q
  double alpha_pe = 0;
  for (double p : pi2) alpha_pe += p * p;
  const double alpha_pa = set.nominal_alpha != nullptr ? 1.0 - set.nominal_alpha->observed : 0;
  const double alpha_prime = (alpha_pa - alpha_pe) / (1.0 - alpha_pe);
  double sum_pa = 0, sum_fleiss = 0, sum_ac = 0, sum_bp = 0, sum_alpha = 0;
  // 1 / m, 1 / (m (m - 1)) and alpha's 1 / (m-bar (m - 1)), (m - m-bar) / m-bar
  // for every m a unit has.
  std::vector<double> inv_m(max_m + 1, 0.0), pair_share(max_m + 1, 0.0),
      alpha_share(max_m + 1, 0.0), spread_of(max_m + 1, 0.0);
  for (int m = 1; m <= max_m; ++m) {
    inv_m[m] = 1.0 / m;
    if (m < 2) continue;
    pair_share[m] = 1.0 / (static_cast<double>(m) * (m - 1));
    if (mean_m > 0) {
      alpha_share[m] = 1.0 / (mean_m * (m - 1));
      spread_of[m] = (m - mean_m) / mean_m;
    }
  }
  const double fleiss_scale = unit_share / (1 - fpe), fleiss_drift = 2 * (1 - fk) / (1 - fpe);
  const double ac_scale = unit_share / (1 - ape), ac_drift = 2 * (1 - ak) / (1 - ape);
  const double bp_scale = unit_share / (1 - bpe);
  const double inv_mean_m = mean_m > 0 ? 1 / mean_m : 0;
  const double alpha_scale = 1 / (1 - alpha_pe),
               alpha_drift = 2 * (1 - alpha_prime) / (1 - alpha_pe);
  // Pass 2: per unit sum_k n_ik^2, sum_k n_ik pi_k and sum_k n_ik pi'_k give
  // every coefficient's terms.
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double t = RowWeight(multiplicity, r);
    if (t == 0) continue;
    const double m = counts.total[r];
    double squares = 0, on_pi = 0, on_pi2 = 0;
    for (int64_t a = counts.offset[r]; a < counts.offset[r + 1]; ++a) {
      const double x = counts.count[a];
      squares += x * x;
      on_pi += x * pi[counts.category[a]];
      on_pi2 += x * pi2[counts.category[a]];
    }
    const int32_t mi = counts.total[r];
    const bool pairable = mi >= 2;
    const double pa_i = (squares - m) * pair_share[mi];
    if (pa_on) {
      const double d = unit_share * pa_i - pa;
      sum_pa += t * d * d;
    }
    if (fleiss_on) {
      const double x =
          fleiss_scale * (pa_i - (pairable ? fpe : 0)) - fleiss_drift * (on_pi * inv_m[mi] - fpe);
      sum_fleiss += t * (x - fk) * (x - fk);
    }
    if (ac_on) {
      const double pe_i = ac_factor * (m - on_pi) * inv_m[mi];
      const double x = ac_scale * (pa_i - (pairable ? ape : 0)) - ac_drift * (pe_i - ape);
      sum_ac += t * (x - ak) * (x - ak);
    }
    if (bp_on) {
      const double x = bp_scale * (pa_i - (pairable ? bpe : 0));
      sum_bp += t * (x - bk) * (x - bk);
    }
    if (alpha_on && pairable) {
      const double spread = spread_of[mi];
      const double a_i = (squares - m) * alpha_share[mi] - alpha_pa * spread;
      const double e_i = on_pi2 * inv_mean_m - alpha_pe * spread;
      const double x = alpha_scale * (a_i - alpha_pe) - alpha_drift * (e_i - alpha_pe);
      sum_alpha += t * (x - alpha_prime) * (x - alpha_prime);
    }
  }
  const double scale = Correction(n, options) / (n * (n - 1));
  if (pa_on) set.percent_agreement->analytic = IntervalFromVariance(pa, scale * sum_pa, n, options);
  if (fleiss_on)
    set.fleiss_kappa->analytic = IntervalFromVariance(fk, scale * sum_fleiss, n, options);
  if (ac_on) set.gwet_ac1->analytic = IntervalFromVariance(ak, scale * sum_ac, n, options);
  if (bp_on) set.brennan_prediger->analytic = IntervalFromVariance(bk, scale * sum_bp, n, options);
  if (alpha_on) {
    if (n2 < 2) {
      set.nominal_alpha->analytic = UndefinedInterval("fewer than two units: no variance", options);
    } else {
      const double variance = Correction(n, options) / (n2 * (n2 - 1)) * sum_alpha;
      set.nominal_alpha->analytic =
          IntervalFromVariance(*set.nominal_alpha->value, variance, n, options);
    }
  }
}

void AddCohenKappaSe(const PairedValues& pairs, const WeightMatrix& weights,
                     const VarianceOptions& options, Coefficient* c, Multiplicity multiplicity) {
  if (!Definable(options, c)) return;
  const int k = pairs.num_categories;
  double n = 0;
  const std::vector<double> p = PairShares(pairs, multiplicity, &n);
  if (!EnoughUnits(n, options, c)) return;
  const std::vector<double> w = weights.For(k);
  std::vector<double> row(k, 0.0), col(k, 0.0);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < k; ++j) {
      row[i] += p[static_cast<size_t>(i) * k + j];
      col[j] += p[static_cast<size_t>(i) * k + j];
    }
  }
  // a_k = sum_l w_kl p_.l, b_l = sum_k w_kl p_k.
  std::vector<double> a(k, 0.0), b(k, 0.0);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < k; ++j) {
      a[i] += w[static_cast<size_t>(i) * k + j] * col[j];
      b[j] += w[static_cast<size_t>(i) * k + j] * row[i];
    }
  }
  TableSe(p, w, k, n, a, b, options, c);
}

void AddScottPiSe(const PairedValues& pairs, const VarianceOptions& options, Coefficient* c,
                  Multiplicity multiplicity, const WeightMatrix& weights) {
  if (!Definable(options, c)) return;
  const int k = pairs.num_categories;
  double n = 0;
  const std::vector<double> p = PairShares(pairs, multiplicity, &n);
  if (!EnoughUnits(n, options, c)) return;
  const std::vector<double> w = weights.For(k);
  std::vector<double> row(k, 0.0), col(k, 0.0);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < k; ++j) {
      row[i] += p[static_cast<size_t>(i) * k + j];
      col[j] += p[static_cast<size_t>(i) * k + j];
    }
  }
  std::vector<double> mean(k, 0.0);
  for (int i = 0; i < k; ++i) {
    for (int j = 0; j < k; ++j) {
      const double wij = w[static_cast<size_t>(i) * k + j] + w[static_cast<size_t>(j) * k + i];
      mean[i] += wij / 2.0 * (col[j] + row[j]) / 2.0;
    }
  }
  TableSe(p, w, k, n, mean, mean, options, c);
}

}  // namespace icr::agreement
