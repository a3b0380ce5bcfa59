#include "server/live/pattern_bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace icr::live {
namespace {

// log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2]: the error of
// Stirling's approximation that BTRS's acceptance test needs.
double StirlingTail(double k) {
  static constexpr double kHalfLog2Pi = 0.91893853320467274178;
  if (k <= 15) return std::lgamma(k + 1) - ((k + 0.5) * std::log(k + 1) - (k + 1) + kHalfLog2Pi);
  const double kp1sq = (k + 1) * (k + 1);
  return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

// Inversion (sequential search from 0), for small n p; p <= 1/2.
int64_t BinomialInversion(agreement::Rng& rng, int64_t n, double p) {
  const double q = 1 - p, s = p / q, a = (static_cast<double>(n) + 1) * s;
  const double r0 = std::pow(q, static_cast<double>(n));
  while (true) {
    double r = r0, u = Uniform01(rng);
    int64_t x = 0;
    while (u > r) {
      u -= r;
      ++x;
      if (x > n) break;  // rounding left a sliver of mass: draw again
      r *= a / static_cast<double>(x) - s;
    }
    if (x <= n) return x;
  }
}

// BTRS (Hormann 1993, algorithm BTRS), for n p >= 10; p <= 1/2.
int64_t BinomialBtrs(agreement::Rng& rng, int64_t n_int, double p) {
  const double n = static_cast<double>(n_int);
  const double spq = std::sqrt(n * p * (1 - p));
  const double b = 1.15 + 2.53 * spq;
  const double a = -0.0873 + 0.0248 * b + 0.01 * p;
  const double c = n * p + 0.5;
  const double v_r = 0.92 - 4.2 / b;
  const double r = p / (1 - p);
  const double alpha = (2.83 + 5.1 / b) * spq;
  const double m = std::floor((n + 1) * p);
  while (true) {
    const double u = Uniform01(rng) - 0.5;
    double v = Uniform01(rng);
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2 * a / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= v_r) return static_cast<int64_t>(k);
    v = std::log(v * alpha / (a / (us * us) + b));
    const double bound = (m + 0.5) * std::log((m + 1) / (r * (n - m + 1))) +
                         (n + 1) * std::log((n - m + 1) / (n - k + 1)) +
                         (k + 0.5) * std::log(r * (n - k + 1) / (k + 1)) + StirlingTail(m) +
                         StirlingTail(n - m) - StirlingTail(k) - StirlingTail(n - k);
    if (v <= bound) return static_cast<int64_t>(k);
  }
}

}  // namespace

double Uniform01(agreement::Rng& rng) { return static_cast<double>(rng.Next() >> 11) * 0x1.0p-53; }

int64_t Binomial(agreement::Rng& rng, int64_t n, double p) {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - Binomial(rng, n, 1 - p);
  if (static_cast<double>(n) * p < 10) return BinomialInversion(rng, n, p);
  return BinomialBtrs(rng, n, p);
}

void Multinomial(agreement::Rng& rng, int64_t n, std::span<const int64_t> weights,
                 std::span<uint32_t> out) {
  int64_t left_weight = 0;
  for (int64_t w : weights) left_weight += w;
  int64_t left = n;
  for (size_t i = 0; i < weights.size(); ++i) {
    int64_t x = 0;
    if (left > 0 && weights[i] > 0) {
      x = weights[i] >= left_weight
              ? left
              : Binomial(rng, left,
                         static_cast<double>(weights[i]) / static_cast<double>(left_weight));
    }
    out[i] = static_cast<uint32_t>(std::min<int64_t>(x, std::numeric_limits<uint32_t>::max()));
    left -= x;
    left_weight -= weights[i];
  }
}

}  // namespace icr::live
