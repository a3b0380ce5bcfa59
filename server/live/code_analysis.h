#ifndef ICR_SERVER_LIVE_CODE_ANALYSIS_H_
#define ICR_SERVER_LIVE_CODE_ANALYSIS_H_

// Agreement by code: binary presence of every code (after merges and
// roll-ups) per segment, from the kept patterns, with diagnostics (the
// kappa paradox, each coder's influence, codebook revisions).

#include "absl/status/status.h"
#include "icr/v1/agreement.pb.h"
#include "server/live/query.h"

namespace icr::live {

absl::Status CodeAnalysis(const AnalysisInput& in, v1::ComputeAgreementResponse* response);

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_CODE_ANALYSIS_H_
