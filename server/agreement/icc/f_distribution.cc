#include "server/agreement/icc/f_distribution.h"

#include <limits>

#include "server/agreement/student_t.h"

namespace icr::agreement {

double FUpperTail(double f, double d1, double d2) {
  if (!(f > 0)) return 1.0;
  const double denominator = d2 + d1 * f;
  return RegularizedIncompleteBeta(d2 / denominator, d1 * f / denominator, d2 / 2, d1 / 2);
}

double FQuantile(double p, double d1, double d2) {
  if (!(p > 0 && p < 1) || !(d1 > 0) || !(d2 > 0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double upper = 1.0 - p;
  double low = 0.0, high = 1.0;
  while (FUpperTail(high, d1, d2) > upper && high < 1e300) {
    low = high;
    high *= 2.0;
  }
  for (int i = 0; i < 2000 && high - low > 1e-15 * high; ++i) {
    const double mid = 0.5 * (low + high);
    if (FUpperTail(mid, d1, d2) > upper) {
      low = mid;
    } else {
      high = mid;
    }
  }
  return 0.5 * (low + high);
}

}  // namespace icr::agreement
