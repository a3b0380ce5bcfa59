#ifndef ICR_SERVER_AGREEMENT_KAPPA_H_
#define ICR_SERVER_AGREEMENT_KAPPA_H_

// The chance-corrected agreement coefficients of the kappa family,
//   kappa = (p_a - p_e) / (1 - p_e),
// which differ in their chance model p_e, and percent agreement p_a itself.
// Each result's `observed` is p_a and `expected` is p_e (agreements).
//
// Multi-coder coefficients read the per-unit value counts n_uc (unit_counts.h)
// and take missing values as Gwet (2014, Handbook of Inter-Rater Reliability,
// 4th ed., ch. 2-5) does:
//   p_a   = mean over units with m_u >= 2 of
//           sum_c n_uc (n*_uc - 1) / (m_u (m_u - 1)),  n*_uc = sum_k w_ck n_uk
//   pi_c  = mean over units with m_u >= 1 of n_uc / m_u
// On complete data these are exactly Fleiss (1971)'s P-bar and p_j.
//
// Weights are agreement weights w_kl (weights.h) on the categories in scale
// order (category ids, reliability_data.h), as Gwet (2014, ch. 3) weights
// every coefficient and irrCAC computes them; a family without a matrix is
// taken on the positions 1..q. Unweighted (Weights::kNone) is the identity.
//
// Every function returns an undefined Coefficient with the reason rather than
// NaN: no pairable units, fewer than two categories, p_e = 1.

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "server/agreement/coefficient.h"
#include "server/agreement/reliability_data.h"
#include "server/agreement/unit_counts.h"
#include "server/agreement/weights.h"

namespace icr::agreement {

// The sums over the units that percent agreement, Fleiss' kappa, Gwet's AC
// and Brennan-Prediger all read (Gwet 2014, ch. 2-5): one pass over the
// counts, which a caller computing several of them can make once and pass to
// each (`sums` below; null: the function makes its own).
struct MultiRaterSums {
  double units_rated = 0;     // units with m_u >= 1 (weighted by multiplicity)
  double units_pairable = 0;  // units with m_u >= 2
  double values_pairable = 0;
  double agreement_sum = 0;  // sum of the per-unit agreement over pairable units
  bool equal_raters = true;  // every unit has the same m_u >= 2
  std::vector<double> pi;    // sum of n_uc / m_u, then divided by units_rated
};
MultiRaterSums SumMultiRater(const UnitCounts& counts, const WeightMatrix& weights,
                             Multiplicity multiplicity = {});

// Percent agreement, Gwet's convention for missing data: the mean, over
// units with at least two values, of the share of agreeing pairs of values
// in the unit (vectors README, convention 1). Equals the plain share of
// agreeing units for two coders without missing data.
// Weighted: agreeing pairs count w_kl (Gwet 2014, ch. 3; irrCAC's pa.coeff.raw).
Coefficient PercentAgreement(const UnitCounts& counts, const WeightMatrix& weights,
                             Multiplicity multiplicity = {}, const MultiRaterSums* sums = nullptr);
inline Coefficient PercentAgreement(const UnitCounts& counts, Multiplicity multiplicity = {}) {
  return PercentAgreement(counts, Weights::kNone, multiplicity);
}

// Fleiss' kappa: Fleiss (1971), "Measuring nominal scale agreement among many
// raters", Psychological Bulletin 76(5), eqs. 2-9, when every unit has the same
// number (>= 2) of values (variant "fleiss_1971"); otherwise Gwet's (2014,
// ch. 5) generalisation to a varying number of raters per unit (variant
// "gwet_varying_raters"): p_e = sum_c pi_c^2; weighted (Gwet 2014, ch. 3;
// irrCAC's fleiss.kappa.raw): p_e = sum_kl w_kl pi_k pi_l.
Coefficient FleissKappa(const UnitCounts& counts, const WeightMatrix& weights,
                        Multiplicity multiplicity = {}, const MultiRaterSums* sums = nullptr);
inline Coefficient FleissKappa(const UnitCounts& counts, Multiplicity multiplicity = {}) {
  return FleissKappa(counts, Weights::kNone, multiplicity);
}

// Gwet's AC1 (Gwet 2008, "Computing inter-rater reliability and its variance
// in the presence of high agreement", Br. J. Math. Stat. Psychol. 61) and,
// with weights, AC2 (Gwet 2014, ch. 4):
//   p_e = T_w / (q (q - 1)) * sum_c pi_c (1 - pi_c),  T_w = sum of the weights.
// Named "gwet_ac1" unweighted, "gwet_ac2" weighted. q = counts.num_categories.
Coefficient GwetAc(const UnitCounts& counts, const WeightMatrix& weights,
                   Multiplicity multiplicity = {}, const MultiRaterSums* sums = nullptr);

// Brennan & Prediger (1981), "Coefficient kappa: some uses, misuses, and
// alternatives", Educ. Psychol. Meas. 41: p_e = 1 / q, q the number of
// categories (those of the data unless `num_categories` is given), with
// Gwet's multi-rater p_a; weighted (irrCAC's bp.coeff.raw): p_e = T_w / q^2.
Coefficient BrennanPrediger(const UnitCounts& counts, const WeightMatrix& weights,
                            std::optional<int> num_categories = {}, Multiplicity multiplicity = {},
                            const MultiRaterSums* sums = nullptr);
inline Coefficient BrennanPrediger(const UnitCounts& counts, std::optional<int> num_categories = {},
                                   Multiplicity multiplicity = {}) {
  return BrennanPrediger(counts, Weights::kNone, num_categories, multiplicity);
}

// Two coders' values on the units both coded.
struct PairedValues {
  int num_categories = 0;
  std::vector<int32_t> a;
  std::vector<int32_t> b;
};
PairedValues PairValues(const ReliabilityData& data, int coder_a, int coder_b);

// Cohen's kappa: Cohen (1960), "A coefficient of agreement for nominal
// scales", Educ. Psychol. Meas. 20; weighted: Cohen (1968), Psychological
// Bulletin 70(4). p_a = sum_ck w_ck p_ck, p_e = sum_ck w_ck p_c. p_.k.
Coefficient CohenKappa(const PairedValues& pairs, const WeightMatrix& weights = Weights::kNone,
                       Multiplicity multiplicity = {});

// Cohen's kappa from a k x k table of counts (rows: coder a, columns: b),
// row-major, as CohenKappa computes it from the pairs.
Coefficient CohenKappaFromTable(std::span<const int64_t> table, int k,
                                const WeightMatrix& weights = Weights::kNone);

// Scott's pi: Scott (1955), "Reliability of content analysis: the case of
// nominal scale coding", Public Opinion Quarterly 19(3):
// p_e = sum_c ((p_c. + p_.c) / 2)^2; weighted (Gwet 2014, ch. 3; irrCAC's
// scott2.table): p_a = sum_kl w_kl p_kl, p_e = sum_kl w_kl pi_k pi_l.
Coefficient ScottPi(const PairedValues& pairs, const WeightMatrix& weights,
                    Multiplicity multiplicity = {});
inline Coefficient ScottPi(const PairedValues& pairs, Multiplicity multiplicity = {}) {
  return ScottPi(pairs, Weights::kNone, multiplicity);
}

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_KAPPA_H_
