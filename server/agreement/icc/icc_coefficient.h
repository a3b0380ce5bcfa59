#ifndef ICR_SERVER_AGREEMENT_ICC_ICC_COEFFICIENT_H_
#define ICR_SERVER_AGREEMENT_ICC_ICC_COEFFICIENT_H_

// The intraclass correlations (icc.h) as agreement coefficients, asked for by
// name beside the chance-corrected ones. The names are McGraw & Wong's
// (1996), as `icr stats --icc` prints them, in lower case without
// punctuation:
//
//   icc_1   ICC(1)    one-way random, single rater      (Shrout & Fleiss ICC(1,1))
//   icc_k   ICC(k)    one-way random, mean of raters    (ICC(1,k))
//   icc_c1  ICC(C,1)  two-way, consistency, single      (ICC(3,1))
//   icc_ck  ICC(C,k)  two-way, consistency, mean        (ICC(3,k))
//   icc_a1  ICC(A,1)  two-way, absolute agreement, single (ICC(2,1))
//   icc_ak  ICC(A,k)  two-way, absolute agreement, mean (ICC(2,k))
//
// and "icc" asks for all six. They need interval or ratio ratings and units
// every coder rated: a unit with a missing rating is left out (as irr::icc,
// which drops incomplete rows), and `units` says how many were used.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/agreement/coefficient.h"
#include "server/agreement/icc/icc.h"
#include "server/agreement/reliability_data.h"

namespace icr::agreement {

// In the order of AllIccForms().
inline constexpr const char* kIccCoefficientNames[] = {"icc_1",  "icc_k",  "icc_c1",
                                                       "icc_ck", "icc_a1", "icc_ak"};
inline constexpr char kAllIccName[] = "icc";

// The coefficient name of `form` ("icc_a1" for ICC(A,1)).
std::string IccCoefficientName(IccForm form);

// An ICC coefficient name, or "icc".
bool IsIccName(std::string_view name);

// The forms `names` ask for (AllIccForms() order, each once); the other names
// are left to the caller.
std::vector<IccForm> RequestedIccForms(const std::vector<std::string>& names);

// `names` without the ICC names and "icc".
std::vector<std::string> WithoutIccNames(const std::vector<std::string>& names);

// The units x coders table of `data`'s numbers, NaN where a rating is
// missing; INVALID_ARGUMENT naming the first value that is not a number.
absl::StatusOr<std::vector<std::vector<double>>> IccRatings(const ReliabilityData& data);

// One form as a Coefficient: value, `units` (the complete units), variant
// "<model>_<type>_<unit>" ("twoway_agreement_single", as `icr stats --icc
// --output json` names them) and f_test. Undefined, with the reason, when
// there are fewer than two complete units or no variance to compare.
Coefficient IccCoefficient(const std::vector<std::vector<double>>& ratings, IccForm form,
                           double confidence);

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_ICC_ICC_COEFFICIENT_H_
