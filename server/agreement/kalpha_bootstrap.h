#ifndef ICR_SERVER_AGREEMENT_KALPHA_BOOTSTRAP_H_
#define ICR_SERVER_AGREEMENT_KALPHA_BOOTSTRAP_H_

// The pair-resampling bootstrap of alpha that Hayes' KALPHA macro (v3.0,
// 2011) implements, after Krippendorff's "Algorithm for bootstrapping a
// distribution of alpha" (2006, rev. 2011): cells of the coincidence matrix
// are drawn, not units. icr's own bootstrap (bootstrap.h) resamples units;
// this one exists so that icr can be checked against, and compared with,
// KALPHA output (tests/data/hayes_krippendorff_2007_kalpha_bootstrap.json).
//
//  - cells c <= k drawn with p_cc = o_cc / n.., p_ck = 2 o_ck / n.. (c < k);
//  - M draws per replicate, by default min(25 Q, (m - 1) n.. / 2) with Q the
//    non-zero cells of the full coincidence matrix and m the observers;
//  - alpha_b = 1 - sum(delta^2 of the draws) / (M D_e), D_e of the data,
//    clamped below at -1; alpha_b = 1 becomes 0 when only one diagonal cell
//    is non-zero; otherwise round(X sum_c (o_cc / n..)^P) of the replicates
//    at 1 (P: pairable pairs) become 0, KALPHA's correction for replicates
//    that only drew agreements;
//  - X replicates, truncated to a multiple of 1000 (at least 1000); the
//    interval is the sorted replicates' values of 1-based rank
//    trunc(X (1 - c) / 2) and trunc(X (1 + c) / 2) + 1.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "server/agreement/bootstrap.h"
#include "server/agreement/coefficient.h"
#include "server/agreement/unit_counts.h"

namespace icr::agreement {

struct PairBootstrap {
  int64_t resample_size = 0;  // M
  int replicates = 0;         // X
  BootstrapInterval ci;
  std::vector<double> sorted;  // the X replicates, ascending

  double Mean() const;
  // q(alpha_min): the share of replicates below alpha_min.
  double ShareBelow(double alpha_min) const;
};

// `delta` is the k x k difference matrix of `counts`' categories, `observers`
// the coders (m). resample_size overrides M (e.g. the 2007 paper's "as many
// pairs as the data has"). FAILED_PRECONDITION when alpha is undefined
// (fewer than two pairable values, D_e = 0).
absl::StatusOr<PairBootstrap> BootstrapAlphaPairs(const UnitCounts& counts,
                                                  std::span<const double> delta, int observers,
                                                  const BootstrapOptions& options,
                                                  std::optional<int64_t> resample_size = {});

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_KALPHA_BOOTSTRAP_H_
