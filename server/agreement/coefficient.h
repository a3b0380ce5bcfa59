#ifndef ICR_SERVER_AGREEMENT_COEFFICIENT_H_
#define ICR_SERVER_AGREEMENT_COEFFICIENT_H_

// The value type every agreement computation returns: one coefficient, its
// value or the reason it has none, and the quantities it was computed from.

#include <cstdint>
#include <optional>
#include <string>

namespace icr::agreement {

// A percentile bootstrap interval (Hayes & Krippendorff 2007).
struct BootstrapInterval {
  double low = 0;
  double high = 0;
  double confidence = 0.95;
  int samples = 0;  // replicates with a defined value
  // Why there is no interval (no replicate had a defined value; samples is
  // then 0 and low, high mean nothing); empty when there is one.
  std::string undefined_reason;

  // The standard deviation of the defined replicates (the bootstrap's
  // standard error); empty without one, or with fewer than two replicates.
  std::optional<double> se;

  bool defined() const { return undefined_reason.empty(); }
};

// An analytic standard error (variance.h): Gwet (2008; 2014, ch. 5-6), as
// irrCAC computes it, with the interval value -/+ t * se at `confidence` (t
// with n - 1 degrees of freedom; the upper bound capped at 1, as irrCAC) and
// the one-sided p-value of the t test against 0 (H1: above 0, as irrCAC).
struct AnalyticInterval {
  double variance = 0;
  double se = 0;
  double low = 0;
  double high = 0;
  // Empty when value and se are both 0.
  std::optional<double> p_value;
  double confidence = 0.95;
  int64_t degrees_of_freedom = 0;
  // N of the finite-population correction (1 - n/N); 0: none.
  int64_t population = 0;
  // Why there is no standard error (Light's kappa has no analytic variance;
  // fewer than two units); empty when there is one.
  std::string undefined_reason;

  bool defined() const { return undefined_reason.empty(); }
};

// The F-based interval and test of an intraclass correlation (McGraw & Wong
// 1996, Tables 7-8; icc/icc.h), in place of a standard error: the interval at
// `confidence` and the one-sided p-value of F against H0: ICC = r0.
struct FTestInterval {
  double low = 0;
  double high = 0;
  double confidence = 0.95;
  double f = 0;
  double df1 = 0;
  double df2 = 0;
  double r0 = 0;
  double p_value = 0;
};

struct Coefficient {
  // Stable machine name, as in DESIGN §10: "percent_agreement", "cohen_kappa",
  // "scott_pi", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "gwet_ac2",
  // "brennan_prediger", "unitizing_alpha", "cu_alpha", "Cu_alpha", ...
  std::string name;
  // Empty when the coefficient is undefined for the data; never NaN.
  std::optional<double> value;
  // Why the value is undefined ("one category only", ...); empty when defined.
  std::string reason;
  // Observed and expected disagreement (alpha family) or agreement (kappa
  // family); which one is said by `observed_is_disagreement`.
  double observed = 0;
  double expected = 0;
  bool observed_is_disagreement = false;
  // What the value was computed on: units that entered the computation
  // (for the alpha family, units with at least two values) and the values in
  // them (Krippendorff's n..).
  int64_t units = 0;
  int64_t pairable_values = 0;
  // The convention used where sources differ, e.g. "fleiss_1971" or
  // "gwet_varying_raters"; empty when there is only one.
  std::string variant;
  // The agreement weights it was computed with (weights.h): "unweighted",
  // "linear", ..., "custom"; empty where weights do not apply (alpha on its
  // own metric, the span coefficients).
  std::string weights;
  // Only with a bootstrap.
  std::optional<BootstrapInterval> ci;
  std::optional<double> p_below_min;  // alpha only: P(alpha < alpha_min)
  // Only when analytic standard errors were asked for.
  std::optional<AnalyticInterval> analytic;
  // Intraclass correlations only: their F interval and test.
  std::optional<FTestInterval> f_test;

  bool defined() const { return value.has_value(); }

  static Coefficient Undefined(std::string name, std::string reason) {
    Coefficient c;
    c.name = std::move(name);
    c.reason = std::move(reason);
    return c;
  }
};

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_COEFFICIENT_H_
