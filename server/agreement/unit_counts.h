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

// The agreeing ordered pairs of values in row r, sum_c n_uc (n*_uc - 1) with
// n*_uc = sum_k w_ck n_uk (Gwet 2014, ch. 2-5): `weights` is the row-major
// num_categories^2 agreement matrix, or null for the identity.
inline double UnitAgreement(const UnitCounts& counts, int64_t row, const double* weights) {
  const int64_t begin = counts.offset[row], end = counts.offset[row + 1];
  double agree = 0;
  for (int64_t a = begin; a < end; ++a) {
    double star = counts.count[a];
    if (weights != nullptr) {
      star = 0;
      const double* w = weights + static_cast<size_t>(counts.category[a]) * counts.num_categories;
      for (int64_t b = begin; b < end; ++b) star += w[counts.category[b]] * counts.count[b];
    }
    agree += counts.count[a] * (star - 1);
  }
  return agree;
}

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_UNIT_COUNTS_H_
