#include "server/agreement/unit_counts.h"

#include <algorithm>

#include "server/common/parallel_for.h"

namespace icr::agreement {
namespace {

// The rows of units [begin, end), offsets from 0.
UnitCounts CountRange(const ReliabilityData& data, int64_t begin, int64_t end) {
  UnitCounts counts;
  const int k = data.num_categories();
  const int coders = data.num_coders();
  counts.num_categories = k;
  // At most min(coders, k) categories per unit; reserving that much only
  // reserves address space.
  counts.unit.reserve(end - begin);
  counts.total.reserve(end - begin);
  counts.offset.reserve(end - begin + 1);
  counts.category.reserve((end - begin) * std::min(coders, std::max(k, 1)));
  counts.count.reserve(counts.category.capacity());
  counts.offset.push_back(0);
  std::vector<int32_t> n(k, 0);
  std::vector<int32_t> present;
  present.reserve(coders);
  for (int64_t u = begin; u < end; ++u) {
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

// Above this many cells the units are counted in pieces side by side.
constexpr int64_t kCellsPerPiece = int64_t{1} << 20;

}  // namespace

UnitCounts CountValues(const ReliabilityData& data) {
  const int64_t units = data.num_units();
  const int64_t cells = units * data.num_coders();
  const int pieces = static_cast<int>(std::min<int64_t>(2 * WorkerCount(), cells / kCellsPerPiece));
  if (pieces <= 1) return CountRange(data, 0, units);
  // Pieces of consecutive units, joined in order: the same rows as one pass.
  std::vector<UnitCounts> parts(pieces);
  ParallelFor(pieces, [&](int i) {
    parts[i] = CountRange(data, units * i / pieces, units * (i + 1) / pieces);
  });
  UnitCounts counts;
  counts.num_categories = data.num_categories();
  std::vector<int64_t> row_start(pieces + 1, 0), entry_start(pieces + 1, 0);
  for (int i = 0; i < pieces; ++i) {
    row_start[i + 1] = row_start[i] + parts[i].rows();
    entry_start[i + 1] = entry_start[i] + static_cast<int64_t>(parts[i].category.size());
  }
  counts.unit.resize(row_start.back());
  counts.total.resize(row_start.back());
  counts.offset.resize(row_start.back() + 1);
  counts.category.resize(entry_start.back());
  counts.count.resize(entry_start.back());
  counts.offset.back() = entry_start.back();
  ParallelFor(pieces, [&](int i) {
    const UnitCounts& part = parts[i];
    std::copy(part.unit.begin(), part.unit.end(), counts.unit.begin() + row_start[i]);
    std::copy(part.total.begin(), part.total.end(), counts.total.begin() + row_start[i]);
    for (int64_t r = 0; r < part.rows(); ++r) {
      counts.offset[row_start[i] + r] = entry_start[i] + part.offset[r];
    }
    std::copy(part.category.begin(), part.category.end(), counts.category.begin() + entry_start[i]);
    std::copy(part.count.begin(), part.count.end(), counts.count.begin() + entry_start[i]);
  });
  return counts;
}

}  // namespace icr::agreement
