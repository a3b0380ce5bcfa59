#ifndef ICR_SERVER_AGREEMENT_SPANS_SEGMENT_MATCHING_H_
#define ICR_SERVER_AGREEMENT_SPANS_SEGMENT_MATCHING_H_

// Segment matching with an overlap threshold, as MAXQDA's intercoder
// agreement on segments does: for every pair of coders, a span of one matches
// a span of the other with the same code in the same document when their
// overlap is large enough. Matching is one-to-one, in text order: each span
// of the first coder takes the first still unmatched span of the second that
// qualifies (with the default rule every span has at most one candidate).

#include <cstdint>
#include <vector>

#include "server/agreement/spans/span_set.h"
#include "server/agreement/spans/unitizing.h"

namespace icr::agreement::spans {

enum class OverlapRule {
  // overlap >= threshold * max(length a, length b): the overlap covers the
  // given share of the LONGER span, hence of both (MAXQDA's rule). Default.
  kOfLonger,
  // overlap >= threshold * min(length a, length b): it covers the share of
  // EITHER span (the shorter one suffices); a span inside a much longer one
  // matches.
  kOfEither,
};

struct MatchingOptions {
  double threshold = 0.9;  // in (0, 1]
  OverlapRule rule = OverlapRule::kOfLonger;
};

// Whether spans `a` and `b` (same code, same document) match.
bool SpansMatch(const Interval& a, const Interval& b, const MatchingOptions& options);

// Counts summed over unordered coder pairs (i < j, by coder index) and
// documents. Every span is counted once per other coder.
struct MatchCounts {
  int64_t segments = 0;          // spans compared
  int64_t matched_segments = 0;  // = 2 * matched_pairs
  int64_t matched_pairs = 0;
  int64_t unmatched_first = 0;   // spans of coder i with no partner in j
  int64_t unmatched_second = 0;  // spans of coder j with no partner in i
  int64_t unmatched_segments() const { return unmatched_first + unmatched_second; }
};

struct SegmentMatchingResult {
  MatchCounts overall;
  std::vector<MatchCounts> per_code;
  // "overlap_percent_agreement": matched segments / segments (MAXQDA).
  PerCodeCoefficients percent_agreement;
  // "overlap_kappa": Brennan & Prediger (1981) kappa as MAXQDA reports it,
  // (P_o - 1/q) / (1 - 1/q), P_o the percent agreement above, q the number of
  // codes in the analysis (also for the per-code rows). Undefined for q < 2.
  PerCodeCoefficients brennan_prediger;
  // "overlap_cohen_kappa": Cohen's (1960) kappa over segment units: a matched
  // pair is one unit coded (c, c); a span of coder i left unmatched is a unit
  // (c, none), one of coder j (none, c). Overall the categories are the codes
  // and "none"; per code the table collapses to (c, not c), all other units
  // counting as (not c, not c). No unit is (none, none), so with one code the
  // kappa is undefined or negative.
  PerCodeCoefficients cohen_kappa;
};

SegmentMatchingResult MatchSegments(const PreparedSpans& spans, const MatchingOptions& options);

}  // namespace icr::agreement::spans

#endif  // ICR_SERVER_AGREEMENT_SPANS_SEGMENT_MATCHING_H_
