#ifndef ICR_CLIENT_STATS_WEIGHTS_FILE_H_
#define ICR_CLIENT_STATS_WEIGHTS_FILE_H_

// `icr stats --weights_file F.csv`: a custom agreement-weight matrix (as
// irrCAC's `weights =` a matrix), with the category labels as header and
// first column:
//
//   ,low,mid,high
//   low,1,0.5,0
//   mid,0.5,1,0.5
//   high,0,0.5,1
//
// Every entry in [0, 1], the diagonal 1; the same labels, in the same order,
// in the header and the first column. Errors are "path:line: reason".

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/agreement/reliability_data.h"
#include "server/agreement/weights.h"

namespace icr::client {

struct WeightsTable {
  std::vector<std::string> labels;
  std::vector<double> matrix;  // labels x labels, row-major
};

absl::StatusOr<WeightsTable> LoadWeightsCsv(const std::string& path);

// The table on `data`'s categories in id order (kCustom). Labels of the
// table not in the data are added to it as unused categories first; a data
// category the table lacks is an error naming it and the file.
absl::StatusOr<agreement::WeightMatrix> WeightsOnData(const WeightsTable& table,
                                                      const std::string& path,
                                                      agreement::ReliabilityData& data);

}  // namespace icr::client

#endif  // ICR_CLIENT_STATS_WEIGHTS_FILE_H_
