#ifndef ICR_SERVER_AGREEMENT_CONGER_LIGHT_H_
#define ICR_SERVER_AGREEMENT_CONGER_LIGHT_H_

// The multi-coder kappas that tell the coders apart, where Fleiss' kappa
// pools their values:
//
// Conger's kappa: Conger (1980), "Integration and generalization of kappas
// for multiple raters", Psychological Bulletin 88(2), in Gwet's (2014, ch. 5)
// form for missing data, as irrCAC's conger.kappa.raw (irr's
// kappam.fleiss(exact = TRUE) on complete data): Gwet's multi-rater p_a and
//   p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / r),
//   p_gk = share of coder g's values that are k, pbar_k = mean_g p_gk,
//   s2_kl = (sum_g p_gk p_gl - r pbar_k pbar_l) / (r - 1),
// r the coders with at least one value. With two coders and no missing data
// it is Cohen's kappa. Its variance is Gwet's (2014, ch. 5), as irrCAC.
//
// Light's kappa: Light (1971), "Measures of response agreement for
// qualitative data", Psychological Bulletin 76(5): the mean of the Cohen's
// kappas of every pair of coders, on the units every coder coded (as irr's
// kappam.light, which drops the units with a missing value; variant
// "complete_units"). irrCAC and irr give it no analytic variance.

#include <cstdint>
#include <span>

#include "server/agreement/coefficient.h"
#include "server/agreement/kappa.h"
#include "server/agreement/reliability_data.h"
#include "server/agreement/unit_counts.h"
#include "server/agreement/variance.h"

namespace icr::agreement {

// The coders' values of each row of a UnitCounts: row r's values are
// cells[unit[r] * coders .. + coders), kMissing where a coder gave none.
struct CoderTable {
  int coders = 0;
  int num_categories = 0;
  const int32_t* cells = nullptr;
  std::span<const int64_t> unit;

  const int32_t* row(int64_t r) const { return cells + unit[r] * coders; }
};

// The table of `data` for its counts (both must outlive the result).
CoderTable CoderTableOf(const ReliabilityData& data, const UnitCounts& counts);

// With `analytic`, the result carries its standard error too, from the
// same pass over the coders' values (as AddCongerKappaSe would add it).
Coefficient CongerKappa(const UnitCounts& counts, const CoderTable& table,
                        const WeightMatrix& weights = Weights::kNone,
                        Multiplicity multiplicity = {}, const VarianceOptions* analytic = nullptr);
void AddCongerKappaSe(const UnitCounts& counts, const CoderTable& table,
                      const WeightMatrix& weights, const VarianceOptions& options, Coefficient* c,
                      Multiplicity multiplicity = {});

// Rows are those of `table` (row r weighted by multiplicity[r]).
Coefficient LightKappa(const CoderTable& table, int64_t rows,
                       const WeightMatrix& weights = Weights::kNone,
                       Multiplicity multiplicity = {});
// Sets the undefined interval, with the reason.
void AddLightKappaSe(const VarianceOptions& options, Coefficient* c);

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_CONGER_LIGHT_H_
