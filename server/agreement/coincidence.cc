#include "server/agreement/coincidence.h"

namespace icr::agreement {
namespace {

// Adds one unit's n_uc (over the categories in `present`) to the matrix.
inline void AddUnit(const int32_t* present, const int32_t* n, int d, int32_t m, double times,
                    Coincidences& out) {
  const double w = times / (m - 1);
  const size_t k = out.num_categories;
  double* o = out.o.data();
  for (int a = 0; a < d; ++a) {
    const int32_t c = present[a];
    const double nc_w = n[a] * w;
    double* row = o + c * k;
    for (int b = 0; b < d; ++b) row[present[b]] += nc_w * n[b];
    row[c] -= nc_w;  // n_uc (n_uc - 1) on the diagonal
  }
  out.pairable_units += static_cast<int64_t>(times);
}

void Finish(Coincidences& out) {
  const int k = out.num_categories;
  out.marginals.assign(k, 0.0);
  out.n = 0;
  for (int c = 0; c < k; ++c) {
    double sum = 0;
    for (int j = 0; j < k; ++j) sum += out.at(c, j);
    out.marginals[c] = sum;
    out.n += sum;
  }
}

}  // namespace

Coincidences BuildCoincidences(const ReliabilityData& data) {
  Coincidences out;
  const int k = data.num_categories();
  const int coders = data.num_coders();
  out.num_categories = k;
  out.o.assign(static_cast<size_t>(k) * k, 0.0);
  std::vector<int32_t> slot(k, -1);  // category -> index in present/n, or -1
  std::vector<int32_t> present(coders), n(coders);
  for (int64_t u = 0; u < data.num_units(); ++u) {
    const int32_t* row = data.unit_row(u);
    int d = 0;
    int32_t m = 0;
    for (int i = 0; i < coders; ++i) {
      const int32_t c = row[i];
      if (c == ReliabilityData::kMissing) continue;
      ++m;
      int32_t s = slot[c];
      if (s < 0) {
        s = d++;
        slot[c] = s;
        present[s] = c;
        n[s] = 0;
      }
      ++n[s];
    }
    for (int a = 0; a < d; ++a) slot[present[a]] = -1;
    if (m >= 2) AddUnit(present.data(), n.data(), d, m, 1.0, out);
  }
  Finish(out);
  return out;
}

Coincidences BuildCoincidences(const UnitCounts& counts, Multiplicity multiplicity) {
  Coincidences out;
  const int k = counts.num_categories;
  out.num_categories = k;
  out.o.assign(static_cast<size_t>(k) * k, 0.0);
  for (int64_t r = 0; r < counts.rows(); ++r) {
    const double times = RowWeight(multiplicity, r);
    if (counts.total[r] < 2 || times == 0) continue;
    const int64_t begin = counts.offset[r];
    AddUnit(counts.category.data() + begin, counts.count.data() + begin,
            static_cast<int>(counts.offset[r + 1] - begin), counts.total[r], times, out);
  }
  Finish(out);
  return out;
}

}  // namespace icr::agreement
