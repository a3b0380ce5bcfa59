#ifndef ICR_SERVER_AGREEMENT_VARIANCE_H_
#define ICR_SERVER_AGREEMENT_VARIANCE_H_

// Analytic variances of the agreement coefficients, as Gwet derives them by
// linearisation (Gwet 2008, "Computing inter-rater reliability and its
// variance in the presence of high agreement", Br. J. Math. Stat. Psychol.
// 61:29-48; Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 5-6)
// and as irrCAC (Gwet's R package) computes them:
//
// Multi-rater coefficients on the per-unit value counts (irrCAC's *.raw):
// over the n units with a value, n2 of them with two or more,
//   kappa_i   = (n / n2) (p_a|i - p_e [m_i >= 2]) / (1 - p_e)
//   kappa*_i  = kappa_i - 2 (1 - kappa) (p_e|i - p_e) / (1 - p_e)
//   var       = (1 - f) / (n (n - 1)) * sum_i (kappa*_i - kappa)^2,  f = n / N
// with p_a|i the unit's share of agreeing pairs and p_e|i its chance term:
//   percent agreement  p_e = p_e|i = 0
//   Fleiss' kappa      p_e|i = sum_k n_ik pibar_k / m_i,
//                      pibar_k = sum_l (w_kl + w_lk) pi_l / 2
//   Gwet's AC1/AC2     p_e|i = T_w / (q (q - 1)) sum_k n_ik (1 - pi_k) / m_i
//   Brennan-Prediger   p_e|i = p_e (no chance term to linearise)
// Krippendorff's alpha (irrCAC's krippen.alpha.raw, "Gwet's variance for
// alpha"): on the n units with m_i >= 2, mean m-bar, agreement weights
// w = 1 - delta / max(delta), alpha' = (p_a' - p_e) / (1 - p_e):
//   p_a|i     = sum_k n_ik (n*_ik - 1) / (m-bar (m_i - 1)) - p_a' (m_i - m-bar) / m-bar
//   p_e|i     = sum_k n_ik pibar_k / m-bar - p_e (m_i - m-bar) / m-bar
//   alpha*_i  = (p_a|i - p_e) / (1 - p_e) - 2 (1 - alpha') (p_e|i - p_e) / (1 - p_e)
//   var       = (1 - f) / (n (n - 1)) * sum_i (alpha*_i - alpha')^2,  f = n0 / N
// (n0: units with a value; the t distribution then has n0 - 1 degrees of
// freedom). On the nominal metric this is irrCAC's unweighted alpha exactly;
// on the others, delta is the metric's (Krippendorff's, not irrCAC's weights).
// Two-coder coefficients on their contingency table p_kl of n pairs
// (irrCAC's kappa2.table and scott2.table; Gwet 2014, ch. 5; Scott's
// pibar_k = sum_l (w_kl + w_lk) pi_l / 2 with weights):
//   var = (1 - f) / (n (1 - p_e)^2) *
//         (sum_kl p_kl (w_kl - (1 - kappa)(a_k + b_l))^2 - (p_a - 2 (1 - kappa) p_e)^2)
// with a_k = sum_l w_kl p_.l, b_l = sum_k w_kl p_k. (Cohen) or both the mean
// of the two (Scott).
//
// Each Add*Se() sets c->analytic from the data `c` was computed on (the same
// counts, weights and multiplicity; it reads c->value, observed, expected):
// the variance, se = sqrt(var), the interval value -/+ t_{(1+conf)/2, n-1} se
// (the upper bound capped at 1) and the one-sided p-value P(T > value / se)
// with n - 1 degrees of freedom, as irrCAC prints them. An undefined
// coefficient gets an undefined interval with its reason; so do fewer than
// two units.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "server/agreement/coefficient.h"
#include "server/agreement/kappa.h"
#include "server/agreement/unit_counts.h"

namespace icr::agreement {

struct VarianceOptions {
  double confidence = 0.95;
  // irrCAC's N: the units of the population the coded units were drawn
  // from; 0 means infinite (no correction).
  int64_t population = 0;
};

// The interval, p-value and the options' confidence and population from a
// variance already corrected by (1 - f), with `units` - 1 degrees of freedom.
AnalyticInterval IntervalFromVariance(double value, double variance, double units,
                                      const VarianceOptions& options);
AnalyticInterval UndefinedInterval(std::string reason, const VarianceOptions& options);

// `weights` must be those the coefficient was computed with (the weighted
// forms are Gwet's too, as irrCAC's *.raw with weights =).
void AddPercentAgreementSe(const UnitCounts& counts, const VarianceOptions& options, Coefficient* c,
                           Multiplicity multiplicity = {}, const WeightMatrix& weights = {});
void AddFleissKappaSe(const UnitCounts& counts, const VarianceOptions& options, Coefficient* c,
                      Multiplicity multiplicity = {}, const WeightMatrix& weights = {});
void AddGwetAcSe(const UnitCounts& counts, const WeightMatrix& weights,
                 const VarianceOptions& options, Coefficient* c, Multiplicity multiplicity = {});
void AddBrennanPredigerSe(const UnitCounts& counts, std::optional<int> num_categories,
                          const VarianceOptions& options, Coefficient* c,
                          Multiplicity multiplicity = {}, const WeightMatrix& weights = {});
// `delta` is alpha's k x k difference matrix (delta^2 of distance.h).
void AddAlphaSe(const UnitCounts& counts, std::span<const double> delta,
                const VarianceOptions& options, Coefficient* c, Multiplicity multiplicity = {});
// The unweighted multi-rater coefficients of the same counts at once, in two
// passes over them instead of one or two each (what Analyze uses; the same
// numbers as the functions above). Null members are skipped; alpha must be
// at the nominal metric (else AddAlphaSe).
struct MultiRaterSes {
  Coefficient* percent_agreement = nullptr;
  Coefficient* fleiss_kappa = nullptr;
  Coefficient* gwet_ac1 = nullptr;
  Coefficient* brennan_prediger = nullptr;
  Coefficient* nominal_alpha = nullptr;
};
void AddMultiRaterSes(const UnitCounts& counts, const VarianceOptions& options,
                      const MultiRaterSes& coefficients, Multiplicity multiplicity = {});

void AddCohenKappaSe(const PairedValues& pairs, const WeightMatrix& weights,
                     const VarianceOptions& options, Coefficient* c,
                     Multiplicity multiplicity = {});
void AddScottPiSe(const PairedValues& pairs, const VarianceOptions& options, Coefficient* c,
                  Multiplicity multiplicity = {}, const WeightMatrix& weights = {});

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_VARIANCE_H_
