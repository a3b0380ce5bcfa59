#ifndef ICR_SERVER_AGREEMENT_BOOTSTRAP_H_
#define ICR_SERVER_AGREEMENT_BOOTSTRAP_H_

// Seeded, reproducible bootstrap of agreement coefficients.
//
// Alpha follows Hayes & Krippendorff (2007), "Answering the call for a
// standard reliability measure for coding data", Communication Methods and
// Measures 1(1): the observed disagreement is resampled while the expected
// disagreement D_e of the data is held fixed, and the report gives a
// percentile interval and q, the share of replicates below alpha_min. Unlike
// the KALPHA macro, which draws pairs of values, icr draws units (with
// replacement, as many as the data has pairable units) from precomputed
// per-unit contributions (DESIGN section 3), so that the values of a unit
// stay together (the variant gains ",bootstrap=units_de_fixed").
//
// The kappa family gets a plain percentile interval: units are drawn with
// replacement and the coefficient recomputed on each replicate.
//
// Same seed, same numbers on every machine: the generator is xoshiro256**
// seeded through splitmix64 (Blackman & Vigna 2018) and integers are mapped
// to a range with Lemire's (2019) multiply-and-reject method, not with
// std::uniform_int_distribution (whose output the standard leaves to the
// implementation).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/agreement/coefficient.h"
#include "server/agreement/krippendorff_alpha.h"
#include "server/agreement/unit_counts.h"

namespace icr::agreement {

// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 2021), state filled by splitmix64 from the seed.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  // Uniform in [0, n), n > 0 (Lemire 2019, "Fast random integer generation
  // in an interval", ACM TOMACS 29(1)).
  uint64_t Uniform(uint64_t n);
  // Advances the generator as `steps` calls of Next() would, in O(log steps)
  // (the step is linear over GF(2): its 256 x 256 bit matrix is raised to the
  // power), so that a stream can be cut into pieces drawn in parallel.
  void Jump(uint64_t steps);
  bool operator==(const Rng& other) const;

 private:
  uint64_t s_[4];
};

struct BootstrapOptions {
  int samples = 1000;  // replicates; 0 = no bootstrap
  uint64_t seed = 0;
  double confidence = 0.95;  // of the percentile interval
  double alpha_min = 0.667;  // alpha: report P(alpha < alpha_min)
};

// The percentile interval of `replicates` at `confidence`: the values of
// rank floor(B (1 - c) / 2) and ceil(B (1 + c) / 2) - 1 (0-based) of the
// sorted replicates. samples = B. No replicates: undefined, with
// `undefined_reason` (or, when that is empty, a generic one).
BootstrapInterval PercentileInterval(std::vector<double> replicates, double confidence,
                                     std::string undefined_reason = "");

// Sets alpha->ci and alpha->p_below_min. No-op when alpha is undefined or
// options.samples <= 0.
void BootstrapAlpha(const AlphaContributions& contributions, const BootstrapOptions& options,
                    Coefficient* alpha);

// Draws `rows` rows with replacement, options.samples times, and calls
// `replicate` with each draw's multiplicities; its defined values make the
// percentile interval (samples = the number of defined replicates). When no
// replicate is defined the interval is undefined and says why, with the
// replicates' most frequent reason. No-op when `c` is undefined.
void BootstrapRows(int64_t rows, const BootstrapOptions& options,
                   const std::function<Coefficient(Multiplicity)>& replicate, Coefficient* c);
// The same for several coefficients computed together on each draw (one
// computation per replicate instead of one per coefficient): `replicate`
// returns them in the order of `coefficients`, each of which gets its own
// interval (the undefined ones none). The draws are those BootstrapRows makes
// with the same seed.
void BootstrapRowsJointly(int64_t rows, const BootstrapOptions& options,
                          const std::function<std::vector<Coefficient>(Multiplicity)>& replicate,
                          const std::vector<Coefficient*>& coefficients);
// The same for a replicate that gives only a value (the reason is then
// generic).
void BootstrapRows(int64_t rows, const BootstrapOptions& options,
                   const std::function<std::optional<double>(Multiplicity)>& replicate,
                   Coefficient* c);

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_BOOTSTRAP_H_
