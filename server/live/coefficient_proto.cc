#include "server/live/coefficient_proto.h"

namespace icr::live {
namespace {

constexpr char kFDistribution[] = "f_distribution";

}  // namespace

v1::Coefficient CoefficientToProto(const agreement::Coefficient& c) {
  v1::Coefficient out;
  out.set_name(c.name);
  if (c.value) out.set_value(*c.value);
  out.set_reason(c.reason);
  out.set_observed(c.observed);
  out.set_expected(c.expected);
  out.set_observed_is_disagreement(c.observed_is_disagreement);
  out.set_units(c.units);
  out.set_pairable_values(c.pairable_values);
  out.set_variant(c.variant);
  out.set_weights(c.weights);
  if (c.ci) {
    v1::BootstrapInterval* ci = out.mutable_ci();
    ci->set_low(c.ci->low);
    ci->set_high(c.ci->high);
    ci->set_confidence(c.ci->confidence);
    ci->set_samples(c.ci->samples);
    ci->set_undefined_reason(c.ci->undefined_reason);
  }
  if (c.p_below_min) out.set_p_below_min(*c.p_below_min);
  if (c.analytic) {
    const agreement::AnalyticInterval& a = *c.analytic;
    out.set_se_method("analytic");
    out.set_se_confidence(a.confidence);
    out.set_se_degrees_of_freedom(a.degrees_of_freedom);
    out.set_se_population(a.population);
    if (a.defined()) {
      out.set_se(a.se);
      out.set_ci_low(a.low);
      out.set_ci_high(a.high);
      if (a.p_value) out.set_p_value(*a.p_value);
    } else {
      out.set_se_reason(a.undefined_reason);
    }
  } else if (c.f_test) {
    // The ICC's own interval and F test in the fields of the analytic one,
    // with no standard error (the F statistic and its degrees of freedom
    // stay in the engine's result).
    out.set_se_method(kFDistribution);
    out.set_se_confidence(c.f_test->confidence);
    out.set_ci_low(c.f_test->low);
    out.set_ci_high(c.f_test->high);
    out.set_p_value(c.f_test->p_value);
  }
  return out;
}

agreement::Coefficient CoefficientFromProto(const v1::Coefficient& c) {
  agreement::Coefficient out;
  out.name = c.name();
  if (c.has_value()) out.value = c.value();
  out.reason = c.reason();
  out.observed = c.observed();
  out.expected = c.expected();
  out.observed_is_disagreement = c.observed_is_disagreement();
  out.units = c.units();
  out.pairable_values = c.pairable_values();
  out.variant = c.variant();
  out.weights = c.weights();
  if (c.has_ci()) {
    out.ci = agreement::BootstrapInterval{c.ci().low(), c.ci().high(), c.ci().confidence(),
                                          c.ci().samples(), c.ci().undefined_reason()};
  }
  if (c.has_p_below_min()) out.p_below_min = c.p_below_min();
  if (c.se_method() == "analytic") {
    agreement::AnalyticInterval a;
    a.confidence = c.se_confidence();
    a.degrees_of_freedom = c.se_degrees_of_freedom();
    a.population = c.se_population();
    if (c.has_se()) {
      a.se = c.se();
      a.variance = a.se * a.se;
      a.low = c.ci_low();
      a.high = c.ci_high();
      if (c.has_p_value()) a.p_value = c.p_value();
    } else {
      a.undefined_reason = c.se_reason().empty() ? "no standard error" : c.se_reason();
    }
    out.analytic = std::move(a);
  } else if (c.se_method() == kFDistribution) {
    agreement::FTestInterval f;
    f.confidence = c.se_confidence();
    f.low = c.ci_low();
    f.high = c.ci_high();
    f.p_value = c.p_value();
    out.f_test = f;
  }
  return out;
}

}  // namespace icr::live
