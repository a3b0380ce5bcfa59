#ifndef ICR_SERVER_AGREEMENT_ICC_F_DISTRIBUTION_H_
#define ICR_SERVER_AGREEMENT_ICC_F_DISTRIBUTION_H_

// Fisher's F distribution, for the F tests and confidence intervals of the
// intraclass correlations (icc.h). Degrees of freedom may be fractional
// (Satterthwaite's, in McGraw & Wong's interval for absolute agreement).
//
//   P(F > f) = I_x(d2 / 2, d1 / 2),  x = d2 / (d2 + d1 f)
// (Abramowitz & Stegun 1964, 26.6.2), through the regularized incomplete
// beta function of student_t.h; quantiles invert it by bisection.

namespace icr::agreement {

// P(F > f) for F with `d1`, `d2` > 0 degrees of freedom; 1 for f <= 0.
double FUpperTail(double f, double d1, double d2);

// The f with P(F <= f) = p, 0 < p < 1.
double FQuantile(double p, double d1, double d2);

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_ICC_F_DISTRIBUTION_H_
