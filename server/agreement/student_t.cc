#include "server/agreement/student_t.h"

#include <array>
#include <cmath>
#include <limits>

namespace icr::agreement {
namespace {

// The continued fraction of I_x(a, b) without its prefactor (DLMF 8.17.22),
// by the modified Lentz method; converges fast for x < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double x, double a, double b) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-16;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  // Enough for df up to ~1e10; the iteration count grows like sqrt(max(a, b)).
  for (int m = 1; m <= 1000000; ++m) {
    const double m2 = 2.0 * m;
    // Even step: d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m)).
    double step = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + step * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1.0 + step / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    // Odd step: d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    step = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + step * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1.0 + step / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < kEpsilon) break;
  }
  return h;
}

}  // namespace

double RegularizedIncompleteBeta(double x, double one_minus_x, double a, double b) {
  if (x <= 0) return 0.0;
  if (one_minus_x <= 0) return 1.0;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                           b * std::log(one_minus_x);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * BetaContinuedFraction(x, a, b) / a;
  return 1.0 - front * BetaContinuedFraction(one_minus_x, b, a) / b;
}

double StudentTUpperTail(double t, double df) {
  if (std::isnan(t)) return t;
  if (std::isinf(t)) return t > 0 ? 0.0 : 1.0;
  const double t2 = t * t;
  // x = df / (df + t^2) and 1 - x = t^2 / (df + t^2), each computed directly.
  const double tail = 0.5 * RegularizedIncompleteBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
  return t >= 0 ? tail : 1.0 - tail;
}

namespace {

double ComputeStudentTQuantile(double p, double df) {
  if (p == 0.5) return 0.0;
  // Symmetry: solve for the upper tail q = min(p, 1 - p) on t > 0.
  const double q = p > 0.5 ? 1.0 - p : p;
  double low = 0.0, high = 1.0;
  while (StudentTUpperTail(high, df) > q) {
    low = high;
    high *= 2.0;
    if (high > 1e300) break;
  }
  for (int i = 0; i < 2000 && high - low > 1e-15 * high; ++i) {
    const double mid = 0.5 * (low + high);
    if (StudentTUpperTail(mid, df) > q) {
      low = mid;
    } else {
      high = mid;
    }
  }
  const double t = 0.5 * (low + high);
  return p > 0.5 ? t : -t;
}

}  // namespace

double StudentTQuantile(double p, double df) {
  if (!(p > 0 && p < 1)) return std::numeric_limits<double>::quiet_NaN();
  // One analysis asks for the same quantile (one confidence, rows of equal
  // units) for every coefficient of every row, and each costs some sixty
  // evaluations of a continued fraction that grows with sqrt(df): a few
  // remembered answers per thread take it off the profile of a 1,000-row
  // analysis.
  struct Remembered {
    double p = -1, df = -1, t = 0;
  };
  thread_local std::array<Remembered, 8> remembered;
  thread_local size_t next = 0;
  for (const Remembered& r : remembered) {
    if (r.p == p && r.df == df) return r.t;
  }
  const double t = ComputeStudentTQuantile(p, df);
  remembered[next] = {p, df, t};
  next = (next + 1) % remembered.size();
  return t;
}

}  // namespace icr::agreement
