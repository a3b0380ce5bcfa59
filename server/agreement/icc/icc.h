#ifndef ICR_SERVER_AGREEMENT_ICC_ICC_H_
#define ICR_SERVER_AGREEMENT_ICC_ICC_H_

// Intraclass correlations for interval (or ratio) ratings: every unit rated
// by the same k raters. The forms of Shrout & Fleiss (1979) and McGraw &
// Wong (1996), computed from the mean squares of a one-way or two-way
// analysis of variance (McGraw & Wong, Table 4), with their F tests against
// a value r0 and their confidence intervals (McGraw & Wong, Table 7;
// Satterthwaite's degrees of freedom for absolute agreement), as R's
// irr::icc reports them:
//
//   one-way, single      ICC(1)   = (MSR - MSW) / (MSR + (k-1) MSW)
//   one-way, average     ICC(k)   = (MSR - MSW) / MSR
//   two-way, consistency ICC(C,1) = (MSR - MSE) / (MSR + (k-1) MSE)
//                        ICC(C,k) = (MSR - MSE) / MSR
//   two-way, agreement   ICC(A,1) = (MSR - MSE) / (MSR + (k-1) MSE + k/n (MSC - MSE))
//                        ICC(A,k) = (MSR - MSE) / (MSR + (MSC - MSE) / n)
//
// Shrout & Fleiss's ICC(1,1), ICC(2,1), ICC(3,1) are ICC(1), ICC(A,1) and
// ICC(C,1); their ICC(1,k), ICC(2,k), ICC(3,k) the average forms. Two-way
// random and two-way mixed models give the same values; they differ in what
// the raters stand for, which the caller says.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace icr::agreement {

enum class IccModel { kOneWay, kTwoWay };
enum class IccType { kConsistency, kAgreement };  // one-way: agreement only
enum class IccUnit { kSingle, kAverage };

struct IccForm {
  IccModel model = IccModel::kTwoWay;
  IccType type = IccType::kAgreement;
  IccUnit unit = IccUnit::kSingle;
};

struct IccResult {
  IccForm form;
  // "ICC(1)", "ICC(k)", "ICC(C,1)", "ICC(C,k)", "ICC(A,1)", "ICC(A,k)".
  std::string name;
  // Shrout & Fleiss's name: "ICC(1,1)", ..., "ICC(3,k)".
  std::string shrout_fleiss_name;
  int64_t units = 0;   // rated by every rater
  int64_t raters = 0;  // k
  // Units left out because a rating was missing (as irr::icc, which drops
  // incomplete rows).
  int64_t incomplete_units = 0;
  double value = 0;
  // F test of H0: ICC = r0 against ICC > r0.
  double r0 = 0;
  double f = 0;
  double df1 = 0;
  double df2 = 0;
  double p_value = 0;
  double confidence = 0.95;
  double ci_low = 0;
  double ci_high = 0;
};

// `ratings[u][r]` is rater r's rating of unit u; NaN where missing. Units
// with a missing rating are left out. Needs at least two complete units and
// two raters (INVALID_ARGUMENT otherwise, saying which).
absl::StatusOr<IccResult> IntraclassCorrelation(const std::vector<std::vector<double>>& ratings,
                                                IccForm form, double confidence = 0.95,
                                                double r0 = 0);

// The six forms in the order of the table above.
std::vector<IccForm> AllIccForms();

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_ICC_ICC_H_
