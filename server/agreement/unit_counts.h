#ifndef ICR_SERVER_AGREEMENT_UNIT_COUNTS_H_
#define ICR_SERVER_AGREEMENT_UNIT_COUNTS_H_

// The values-by-units matrix of Krippendorff (2011, section C): for every
// unit, how many coders gave it each category (n_uc) and how many values it
// holds (m_u). Fleiss (1971) and Gwet (2014) write the same table as r_ik.
// Stored sparsely (only the categories present in a unit), in one pass over
// the cells: O(units x coders).

#include <cstdint>
#include <span>
#include <vector>

#include "server/agreement/reliability_data.h"

namespace icr::agreement {

struct UnitCounts {
  int num_categories = 0;
  // One row per unit holding at least one value, in unit order.
  std::vector<int64_t> unit;      // the row's unit index in the data
  std::vector<int32_t> total;     // m_u: values in the unit
  std::vector<int64_t> offset;    // row r's entries are [offset[r], offset[r+1])
  std::vector<int32_t> category;  // entry: a category present in the unit
  std::vector<int32_t> count;     // entry: n_uc > 0

  int64_t rows() const { return static_cast<int64_t>(total.size()); }
};

UnitCounts CountValues(const ReliabilityData& data);

// A bootstrap replicate's multiplicity for each row (how often the row was
// drawn). Empty means every row once.
using Multiplicity = std::span<const uint32_t>;

inline double RowWeight(Multiplicity multiplicity, int64_t row) {
  return multiplicity.empty() ? 1.0 : static_cast<double>(multiplicity[row]);
}

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_UNIT_COUNTS_H_
