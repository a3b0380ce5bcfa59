#ifndef ICR_SERVER_LIVE_PATTERN_ANALYSIS_H_
#define ICR_SERVER_LIVE_PATTERN_ANALYSIS_H_

// Agreement on binary presence data (one code: applied or not, per unit and
// coder) computed from its pattern counts: how many units show each set of
// coders who applied the code. Every coefficient of the agreement engine
// depends on the units only through their value counts, so a table of a
// handful of patterns, each with its multiplicity, gives exactly the numbers
// agreement::Analyze() gives on the expanded units x coders table (the same
// functions compute them, with the multiplicity as the row weight) in time
// independent of the number of units.
//
// Every unit has a value from every coder of the table (0 or 1): coders not
// assigned to a unit are not part of the table at all.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "server/agreement/analysis.h"
#include "server/live/round_data.h"

namespace icr::live {

struct PatternTable {
  int coders = 0;
  // All units, those where nobody applied the code included.
  int64_t units = 0;
  // Non-empty masks of the coders who applied the code -> units.
  absl::flat_hash_map<CoderMask, int64_t> applied;

  // Units where nobody applied the code.
  int64_t zero_units() const;
  // Pools `other` (same coders) into this table.
  void Add(const PatternTable& other);
  // Share of the values that are 1; 0 for an empty table.
  double Prevalence() const;
};

// The table of round patterns restricted to the coders `keep` (round coder
// indices): bit keep[j] of a round mask becomes bit j.
PatternTable ProjectPatterns(const RoundData::Patterns& patterns, int64_t units,
                             const std::vector<int>& keep);

// The coefficient names asked for, in report order (as agreement::Analyze
// orders them). INVALID_ARGUMENT naming the field "coefficients" for an
// unknown name.
absl::StatusOr<std::vector<std::string>> RequestedCoefficients(
    const std::vector<std::string>& names);

// The analysis of `table` at the nominal level: `names` (from
// RequestedCoefficients), and the per-coder-pair matrix when `pairwise`.
agreement::Analysis AnalyzePatterns(const PatternTable& table,
                                    const std::vector<std::string>& names, bool pairwise);

// Krippendorff's alpha of the table without coder j, for every j (empty
// where undefined). Empty for fewer than three coders.
std::vector<std::optional<double>> AlphaWithoutEachCoder(const PatternTable& table);

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_PATTERN_ANALYSIS_H_
