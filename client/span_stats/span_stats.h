#ifndef ICR_CLIENT_SPAN_STATS_SPAN_STATS_H_
#define ICR_CLIENT_SPAN_STATS_SPAN_STATS_H_

// `icr stats --spans F.csv --lengths L.csv [--overlap 0.9]` (DESIGN §10):
// free-span agreement computed offline from two CSV files.
//
//   spans:   header `document,coder,code,start,end`; Unicode code point
//            offsets into the document, `end` exclusive.
//   lengths: header `document,length`; every document a span names must be
//            listed.
//   --coders A,B,C: the study's coders. A coder who marked nothing is a
//            coder all the same (every one of their code points says "no
//            span"); without the list, the coders are those with a span row.
//   --bootstrap N [--seed S] [--confidence C]: intervals for the alpha
//            family, documents resampled with replacement.
//
// The computation itself lives in server/agreement/spans/ (target icr_spans);
// this layer only reads files and prints.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "client/global_options.h"

namespace icr::client {

struct SpanStatsOptions {
  std::string spans_path;    // --spans, required
  std::string lengths_path;  // --lengths, required
  // --overlap: share of the longer of two spans their overlap must cover for
  // the two to match (MAXQDA's rule). Must lie in (0, 1]. Default 0.9.
  double overlap = 0.9;
  // --overlap_of_either: match when the overlap covers `overlap` of EITHER
  // span (the shorter one suffices) instead of the longer one. Default false.
  bool overlap_of_either = false;
  // --coders: every coder of the study, in order; a span by another coder
  // is an error. Empty: the coders of the span rows.
  std::vector<std::string> coders;
  // --bootstrap N --seed S --confidence C (those of `icr stats`): percentile
  // intervals for unitizing_alpha, binary_u_alpha, cu_alpha and Cu_alpha,
  // resampling documents (server/agreement/spans/span_bootstrap.h).
  int bootstrap = 0;
  uint64_t seed = 1;
  double confidence = 0.95;
};

// Runs `icr stats --spans`: reads both files, computes every free-span
// coefficient overall and per code, and prints them to `out` in
// `globals.output` format. Returns kExitOk, or kExitUsageError on bad options
// or bad input, with one message "file:line: reason" on `err`.
int RunSpanStats(const SpanStatsOptions& options, const GlobalOptions& globals, std::ostream& out,
                 std::ostream& err);

}  // namespace icr::client

#endif  // ICR_CLIENT_SPAN_STATS_SPAN_STATS_H_
