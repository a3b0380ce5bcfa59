#include "server/agreement/pairwise.h"

#include <span>

namespace icr::agreement {
namespace {

// Above this many categories the k x k tables of all pairs would not fit in
// cache (or memory): fall back to one pass per pair.
constexpr int kMaxTableCategories = 64;

}  // namespace

std::vector<PairwiseAgreement> PairwiseMatrix(const ReliabilityData& data,
                                              const WeightMatrix& family) {
  std::vector<PairwiseAgreement> out;
  const int coders = data.num_coders();
  const int k = data.num_categories();
  if (coders < 2) return out;
  // The matrix once, not once per pair.
  const WeightMatrix weights =
      family.weighted() ? WeightMatrix(family.family, family.For(k)) : WeightMatrix();
  std::vector<int> pair_index(static_cast<size_t>(coders) * coders, -1);
  for (int a = 0; a < coders; ++a) {
    for (int b = a + 1; b < coders; ++b) {
      pair_index[a * coders + b] = static_cast<int>(out.size());
      PairwiseAgreement p;
      p.coder_a = a;
      p.coder_b = b;
      out.push_back(std::move(p));
    }
  }
  if (k > kMaxTableCategories) {
    for (PairwiseAgreement& p : out) {
      PairedValues pairs = PairValues(data, p.coder_a, p.coder_b);
      p.units = static_cast<int64_t>(pairs.a.size());
      p.cohen_kappa = CohenKappa(pairs, weights);
      if (p.units > 0) {
        int64_t agree = 0;
        for (size_t i = 0; i < pairs.a.size(); ++i) agree += pairs.a[i] == pairs.b[i];
        p.percent_agreement = static_cast<double>(agree) / p.units;
        // Weighted: agreeing pairs count w_kl, kappa's p_a.
        if (weights.weighted()) p.percent_agreement = p.cohen_kappa.observed;
      }
    }
    return out;
  }
  // One pass over the units: every pair of coders present in a unit adds one
  // count to its table.
  const size_t table_size = static_cast<size_t>(k) * k;
  std::vector<int64_t> tables(out.size() * table_size, 0);
  std::vector<int> present(coders);
  std::vector<int32_t> values(coders);
  for (int64_t u = 0; u < data.num_units(); ++u) {
    const int32_t* row = data.unit_row(u);
    int m = 0;
    for (int c = 0; c < coders; ++c) {
      if (row[c] == ReliabilityData::kMissing) continue;
      present[m] = c;
      values[m] = row[c];
      ++m;
    }
    for (int i = 0; i < m; ++i) {
      const int* index = pair_index.data() + present[i] * coders;
      const size_t row_offset = static_cast<size_t>(values[i]) * k;
      for (int j = i + 1; j < m; ++j) {
        ++tables[index[present[j]] * table_size + row_offset + values[j]];
      }
    }
  }
  for (size_t p = 0; p < out.size(); ++p) {
    std::span<const int64_t> table(tables.data() + p * table_size, table_size);
    int64_t n = 0, agree = 0;
    for (int a = 0; a < k; ++a) {
      for (int b = 0; b < k; ++b) n += table[static_cast<size_t>(a) * k + b];
      agree += table[static_cast<size_t>(a) * k + a];
    }
    out[p].units = n;
    out[p].cohen_kappa = CohenKappaFromTable(table, k, weights);
    if (n > 0) {
      out[p].percent_agreement =
          weights.weighted() ? out[p].cohen_kappa.observed : static_cast<double>(agree) / n;
    }
  }
  return out;
}

}  // namespace icr::agreement
