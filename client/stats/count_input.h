#ifndef ICR_CLIENT_STATS_COUNT_INPUT_H_
#define ICR_CLIENT_STATS_COUNT_INPUT_H_

// The count inputs of `icr stats`, as irrCAC's .table and .dist functions
// take them:
//
// --table F.csv: two coders' k x k contingency table (Cohen 1960; irrCAC's
// kappa2.table etc.), the category labels as header and first column, rows
// coder 1, columns coder 2, in the same order:
//   ,low,mid,high
//   low,13,0,0
//   mid,0,20,7
//   high,0,4,56
//
// --counts F.csv: the distribution of ratings per unit (Fleiss 1971; irrCAC's
// fleiss.kappa.dist etc.), one row per unit, one column per category, each
// cell how many coders gave the unit that category:
//   unit,Depression,Personality Disorder,Schizophrenia,Neurosis,Other
//   1,0,0,0,6,0
//
// Both become reliability data the engine reads as it reads raw ratings: the
// table's cell (k, l) as n_kl units coded k by the first coder and l by the
// second; a count row as a unit whose m values go to the first m of as many
// coders as the largest row has (the coefficients of counts read the per-unit
// counts only; those that tell coders apart refuse them). The categories are
// in the header's order, the scale of ordinal analysis and weights.
// Errors are "path:line: reason".

#include <string>

#include "absl/status/statusor.h"
#include "client/stats/stats_input.h"

namespace icr::client {

absl::StatusOr<LoadedData> LoadContingencyTableCsv(const std::string& path);
absl::StatusOr<LoadedData> LoadUnitCountsCsv(const std::string& path);

}  // namespace icr::client

#endif  // ICR_CLIENT_STATS_COUNT_INPUT_H_
