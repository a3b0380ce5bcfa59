#ifndef ICR_SERVER_LIVE_PATTERN_ANALYSIS_H_
#define ICR_SERVER_LIVE_PATTERN_ANALYSIS_H_

// Agreement on binary presence data (one code: applied or not, per unit and
// coder) computed from its pattern counts: how many units show each pair
// (coders who count in the unit, those of them who applied the code). Every
// coefficient of the agreement engine depends on the units only through
// their value counts, so a table of a handful of patterns, each with its
// multiplicity, gives exactly the numbers agreement::Analyze() gives on the
// expanded units x coders table (the same functions compute them, with the
// multiplicity as the row weight) in time independent of the number of
// units. A coder who does not count in a unit (an unfinished document) is
// missing data there, as an empty cell of the expanded table.
//
// The bootstrap resamples the pattern rows, not the units: drawing N units
// with replacement from N units is a multinomial draw of how often each
// pattern is drawn, with probabilities the patterns' shares, so a replicate
// costs O(patterns) (pattern_bootstrap.h).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "server/agreement/analysis.h"
#include "server/agreement/variance.h"
#include "server/live/interrupt.h"
#include "server/live/round_data.h"

namespace icr::live {

// (coders who count in the unit, the coders among them who applied the
// code): the applied mask is a subset of the present one.
using PresenceKey = std::pair<CoderMask, CoderMask>;

struct PatternTable {
  int coders = 0;
  // Units of the selection, those without any counted coder included.
  int64_t units = 0;
  // Units by (present, applied), those where nobody applied the code
  // included (applied = 0). Units without a counted coder are not rows.
  absl::flat_hash_map<PresenceKey, int64_t> rows;

  // Pools `other` (same coders) into this table.
  void Add(const PatternTable& other);
  // Share of the counted values that are 1; 0 for an empty table.
  double Prevalence() const;
  // Rows of the expanded value counts (patterns with a counted coder).
  int64_t pattern_rows() const;
};

// Which coders count in each document of a selection (bit j: the j-th
// selected coder) and how many units the document has.
struct Presence {
  std::vector<CoderMask> counted;  // by round document index; 0 outside the selection
  std::vector<int64_t> units;      // by round document index
  std::vector<int> keep;           // selected round coder indices, in order
  bool all_coders = true;          // keep is every round coder, in order
  int64_t total_units = 0;         // of the selected documents
};

// A round mask restricted to the coders `keep`: bit keep[j] becomes bit j.
CoderMask ProjectMask(CoderMask mask, const std::vector<int>& keep);

// The table of one code from its round patterns: each (document, applied
// mask) read against the coders who count in that document.
PatternTable TableFromPatterns(const RoundData::Patterns& patterns, const Presence& presence);

// The coefficient names asked for, in report order (as agreement::Analyze
// orders them). INVALID_ARGUMENT naming the field "coefficients" for an
// unknown name.
absl::StatusOr<std::vector<std::string>> RequestedCoefficients(
    const std::vector<std::string>& names);

// The analysis of `table` at the nominal level: `names` (from
// RequestedCoefficients), and the per-coder-pair matrix when `pairwise`.
// With bootstrap.samples > 0 every defined coefficient gets its interval
// (alpha as Hayes & Krippendorff 2007, D_e held fixed; the others
// percentile intervals of the recomputed coefficient), as
// agreement::Analyze draws them but over patterns; `interrupt` is checked
// between replicates.
// With `analytic`, every coefficient gets its analytic standard error
// (agreement/variance.h), computed on the patterns with their multiplicities.
absl::StatusOr<agreement::Analysis> AnalyzePatterns(
    const PatternTable& table, const std::vector<std::string>& names, bool pairwise,
    const agreement::BootstrapOptions& bootstrap = {.samples = 0}, const Interrupt& interrupt = {},
    const std::optional<agreement::VarianceOptions>& analytic = std::nullopt);

// Krippendorff's alpha of the table without coder j, for every j (empty
// where undefined). Empty for fewer than three coders.
std::vector<std::optional<double>> AlphaWithoutEachCoder(const PatternTable& table);

// `mask` without bit `drop`, the higher bits moved down one place.
CoderMask DropBit(CoderMask mask, int drop);

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_PATTERN_ANALYSIS_H_
