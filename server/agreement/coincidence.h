#ifndef ICR_SERVER_AGREEMENT_COINCIDENCE_H_
#define ICR_SERVER_AGREEMENT_COINCIDENCE_H_

// The coincidence matrix of Krippendorff (2011, section C):
//
//   o_ck = sum over units u with m_u >= 2 of  n_uc * (n_uk - [c == k]) / (m_u - 1)
//
// i.e. every ordered pair of values from different coders in a unit,
// weighted 1/(m_u - 1) so that each pairable value counts once. Its
// marginals n_c = sum_k o_ck are the pairable values per category and
// n.. = sum_c n_c the pairable values.
//
// Built in one pass from the per-unit value counts: O(units x coders) to
// count, plus, per unit, the products over the categories present in it;
// never a loop over pairs of coders.

#include <cstdint>
#include <vector>

#include "server/agreement/reliability_data.h"
#include "server/agreement/unit_counts.h"

namespace icr::agreement {

struct Coincidences {
  int num_categories = 0;
  std::vector<double> o;          // row-major num_categories^2
  std::vector<double> marginals;  // n_c
  double n = 0;                   // n.., pairable values
  int64_t pairable_units = 0;     // units with m_u >= 2

  double at(int c, int k) const { return o[static_cast<size_t>(c) * num_categories + k]; }
};

// Straight from the cells (the fast path).
Coincidences BuildCoincidences(const ReliabilityData& data);

// From per-unit counts, each row taken `multiplicity[row]` times (bootstrap).
Coincidences BuildCoincidences(const UnitCounts& counts, Multiplicity multiplicity = {});

}  // namespace icr::agreement

#endif  // ICR_SERVER_AGREEMENT_COINCIDENCE_H_
