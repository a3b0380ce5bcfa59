#ifndef ICR_CLIENT_STATS_ICC_OUTPUT_H_
#define ICR_CLIENT_STATS_ICC_OUTPUT_H_

// `icr stats --icc`: the intraclass correlations of interval or ratio
// ratings (server/agreement/icc), as a table and as JSON.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "server/agreement/icc/icc.h"
#include "server/agreement/reliability_data.h"

namespace icr::client {

// The six forms on the numeric values of `data` (units x coders; a missing
// cell leaves its unit out, as irr::icc does).
absl::StatusOr<std::vector<agreement::IccResult>> ComputeIcc(const agreement::ReliabilityData& data,
                                                             double confidence);

std::vector<std::vector<std::string>> IccRows(const std::vector<agreement::IccResult>& results);
nlohmann::json IccJson(const std::vector<agreement::IccResult>& results);

// What the table's columns are, under it.
std::string IccLegend(const std::vector<agreement::IccResult>& results);

}  // namespace icr::client

#endif  // ICR_CLIENT_STATS_ICC_OUTPUT_H_
