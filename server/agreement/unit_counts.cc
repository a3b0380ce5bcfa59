#include "server/agreement/unit_counts.h"

#include <algorithm>

namespace icr::agreement {

// One pass in order (on large data the analysis runs the pairwise matrix
// beside it, which keeps the second core busy).
UnitCounts CountValues(const ReliabilityData& data) {
  UnitCounts counts;
  const int k = data.num_categories();
  const int coders = data.num_coders();
  const int64_t units = data.num_units();
  counts.num_categories = k;
  // At most min(coders, k) categories per unit; reserving that much only
  // reserves address space, and the arrays are never copied as they grow.
  counts.unit.reserve(units);
  counts.total.reserve(units);
  counts.offset.reserve(units + 1);
  counts.category.reserve(units * std::min(coders, std::max(k, 1)));
  counts.count.reserve(counts.category.capacity());
  counts.offset.push_back(0);
  std::vector<int32_t> n(k, 0);
  std::vector<int32_t> present;
  present.reserve(coders);
  for (int64_t u = 0; u < units; ++u) {
    const int32_t* row = data.unit_row(u);
    int32_t m = 0;
    for (int i = 0; i < coders; ++i) {
      const int32_t c = row[i];
      if (c == ReliabilityData::kMissing) continue;
      if (n[c]++ == 0) present.push_back(c);
      ++m;
    }
    if (m == 0) continue;
    for (int32_t c : present) {
      counts.category.push_back(c);
      counts.count.push_back(n[c]);
      n[c] = 0;
    }
    present.clear();
    counts.unit.push_back(u);
    counts.total.push_back(m);
    counts.offset.push_back(static_cast<int64_t>(counts.category.size()));
  }
  return counts;
}

}  // namespace icr::agreement
