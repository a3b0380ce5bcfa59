#ifndef ICR_SERVER_AGREEMENT_KRIPPENDORFF_ALPHA_H_
#define ICR_SERVER_AGREEMENT_KRIPPENDORFF_ALPHA_H_

// Krippendorff's alpha for any number of coders, missing data, and any
// difference function (Krippendorff 2011, "Computing Krippendorff's
// Alpha-Reliability", sections C-E):
//
//   alpha = 1 - D_o / D_e
//   D_o = (1 / n..) * sum_c sum_k o_ck delta^2_ck
//   D_e = (1 / (n.. (n.. - 1))) * sum_c sum_k n_c n_k delta^2_ck
//
// from the coincidence matrix o_ck (coincidence.h). Undefined, with the
// reason, when there are fewer than two pairable values or no variation
// (D_e = 0, e.g. one category only).

#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/agreement/coefficient.h"
#include "server/agreement/coincidence.h"
#include "server/agreement/distance.h"
#include "server/agreement/reliability_data.h"
#include "server/agreement/unit_counts.h"

namespace icr::agreement {

inline constexpr char kAlphaName[] = "krippendorff_alpha";

// Alpha from a coincidence matrix and a k x k difference matrix (delta^2).
// `variant` is copied into the result (the metric's name, usually).
Coefficient AlphaFromCoincidences(const Coincidences& coincidences, std::span<const double> delta,
                                  std::string variant = "");

// Alpha of `data` with `metric`. Errors only for data the metric cannot
// read (interval/ratio on a non-number).
absl::StatusOr<Coefficient> KrippendorffAlpha(const ReliabilityData& data, Metric metric);

// What a bootstrap of alpha needs (Hayes & Krippendorff 2007): for every
// pairable unit its share of the observed disagreement
//   d_u = sum_c sum_k n_uc (n_uk - [c == k]) delta^2_ck / (m_u - 1)
// and its number of values m_u, so that a resample of units has
//   D_o* = sum d_u* / sum m_u*
// while D_e stays that of the data.
struct AlphaContributions {
  std::vector<double> disagreement;  // d_u, one per pairable unit
  std::vector<double> values;        // m_u
  double expected = 0;               // D_e of the whole data
};

AlphaContributions ComputeAlphaContributions(const UnitCounts& counts,
                                             std::span<const double> delta, double expected);

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_KRIPPENDORFF_ALPHA_H_
