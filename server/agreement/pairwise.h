#ifndef ICR_SERVER_AGREEMENT_PAIRWISE_H_
#define ICR_SERVER_AGREEMENT_PAIRWISE_H_

// Per-coder-pair agreement: for every pair of coders, the units both coded,
// the share of them on which they agree, and Cohen's kappa (weighted when
// asked). A coder who drifts from the others shows up as a low row.

#include <cstdint>
#include <optional>
#include <vector>

#include "server/agreement/coefficient.h"
#include "server/agreement/kappa.h"
#include "server/agreement/reliability_data.h"

namespace icr::agreement {

struct PairwiseAgreement {
  int coder_a = 0;  // index into ReliabilityData::coder_names(), coder_a < coder_b
  int coder_b = 0;
  int64_t units = 0;                        // units coded by both
  std::optional<double> percent_agreement;  // empty when units == 0
  Coefficient cohen_kappa;                  // may be undefined, with the reason
};

// Every pair (a < b), in order (0,1), (0,2), ..., (1,2), ...
std::vector<PairwiseAgreement> PairwiseMatrix(const ReliabilityData& data,
                                              const WeightMatrix& weights = Weights::kNone);

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_PAIRWISE_H_
