#ifndef ICR_SERVER_LIVE_PATTERN_BOOTSTRAP_H_
#define ICR_SERVER_LIVE_PATTERN_BOOTSTRAP_H_

// Resampling pattern rows: a bootstrap replicate that draws N units with
// replacement from N units is, counted by pattern, a multinomial draw of N
// over the patterns with probabilities n_p / N. It is drawn by sequential
// conditional binomials (x_1 ~ B(N, n_1 / N), x_2 ~ B(N - x_1, n_2 / (N -
// n_1)), ...), O(patterns) per replicate whatever N is.
//
// The binomial variates come from agreement::Rng (the seeded generator of
// the bootstrap), so the same seed gives the same intervals on every
// machine: inversion for n min(p, 1 - p) < 10, else Hormann's (1993) BTRS
// ("The generation of binomial random variates", Journal of Statistical
// Computation and Simulation 46), O(1) expected per variate.

#include <cstdint>
#include <span>

#include "server/agreement/bootstrap.h"

namespace icr::live {

// Uniform in [0, 1), 53 random bits.
double Uniform01(agreement::Rng& rng);

// B(n, p), n >= 0, p in [0, 1].
int64_t Binomial(agreement::Rng& rng, int64_t n, double p);

// Draws `n` items with replacement from the categories of `weights` (with
// probability weights[i] / sum): out[i] is how often category i was drawn.
// `weights` are non-negative counts; out has their size.
void Multinomial(agreement::Rng& rng, int64_t n, std::span<const int64_t> weights,
                 std::span<uint32_t> out);

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_PATTERN_BOOTSTRAP_H_
