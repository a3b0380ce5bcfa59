#ifndef ICR_SERVER_LIVE_VALUE_ANALYSIS_H_
#define ICR_SERVER_LIVE_VALUE_ANALYSIS_H_

// Agreement on the values coders gave a segment, beyond one code's
// presence: by domain (one code of a domain per segment, at the domain's
// level), by the set of codes per segment (MASI or Jaccard), and on free
// spans (unitizing).

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "icr/v1/agreement.pb.h"
#include "server/agreement/analysis.h"
#include "server/agreement/reliability_data.h"
#include "server/live/query.h"

namespace icr::live {

absl::Status DomainAnalysis(const AnalysisInput& in, v1::ComputeAgreementResponse* response);
absl::Status SetAnalysis(const AnalysisInput& in, v1::ComputeAgreementResponse* response);
absl::Status SpanAnalysis(const AnalysisInput& in, v1::ComputeAgreementResponse* response);

// An analysis of reliability data: agreement::Analyze, or AnalyzeSets.
using Analyzer = std::function<absl::StatusOr<agreement::Analysis>(
    const agreement::ReliabilityData&, const agreement::AnalysisOptions&)>;

// `analyze` plus the alpha-without-each-coder diagnostics of one row.
absl::Status AnalyzeRow(const agreement::ReliabilityData& data,
                        const agreement::AnalysisOptions& options,
                        const std::vector<std::string>& order, const std::string& key,
                        const AnalysisInput& in, const Analyzer& analyze, v1::AgreementRow* row,
                        agreement::Analysis* analysis);

// agreement::Analyze for set-valued data at the nominal level with a set
// metric, without any table over pairs of distinct sets: the coincidences
// are kept per unit, the observed disagreement is summed over the pairs of
// sets that meet in a unit, and the expected one over the pairs of distinct
// sets (RESOURCE_EXHAUSTED beyond *pairs_left of them, which it reduces;
// nullptr: live.max_set_pairs), so memory stays linear in the data. The
// pairwise matrix uses unweighted kappa.
absl::StatusOr<agreement::Analysis> AnalyzeSets(const agreement::ReliabilityData& data,
                                                const agreement::AnalysisOptions& options,
                                                const LiveOptions& live, const Interrupt& interrupt,
                                                int64_t* pairs_left = nullptr);

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_VALUE_ANALYSIS_H_
