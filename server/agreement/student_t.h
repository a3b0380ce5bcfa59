#ifndef ICR_SERVER_AGREEMENT_STUDENT_T_H_
#define ICR_SERVER_AGREEMENT_STUDENT_T_H_

// Student's t distribution, for the intervals and p-values of the analytic
// standard errors (variance.h), which irrCAC takes from the t distribution
// with n - 1 degrees of freedom.
//
// The distribution function is the regularized incomplete beta function
//   P(T > t) = I_x(df / 2, 1 / 2) / 2,  x = df / (df + t^2),  t >= 0
// (Abramowitz & Stegun 1964, 26.7.1 and 26.5.27), evaluated by its continued
// fraction (DLMF 8.17.22) with the modified Lentz method (Press, Teukolsky,
// Vetterling & Flannery 2007, Numerical Recipes, 3rd ed., sections 5.2 and
// 6.4), on the side of the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where it
// converges fast. Quantiles invert it by bisection, to double precision.

namespace icr::agreement {

// I_x(a, b) for 0 <= x <= 1, a, b > 0. `one_minus_x` is 1 - x, passed so
// that x near 1 loses no digits.
double RegularizedIncompleteBeta(double x, double one_minus_x, double a, double b);

// P(T > t) for Student's t with `df` > 0 degrees of freedom (any real t).
double StudentTUpperTail(double t, double df);

// The t with P(T <= t) = p, 0 < p < 1.
double StudentTQuantile(double p, double df);

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_STUDENT_T_H_
