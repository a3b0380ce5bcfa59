#ifndef ICR_SERVER_LIVE_LIVE_OPTIONS_H_
#define ICR_SERVER_LIVE_LIVE_OPTIONS_H_

#include <cstdint>

#include "server/live/round_data.h"

namespace icr::live {

struct LiveOptions {
  SpanRule span_rule = SpanRule::kHalf;
  // Most bootstrap replicates one request may ask for.
  int max_bootstrap = 20000;
  // Most bootstrap work one request may cause: replicates x the rows each
  // replicate redraws (pattern rows for the code analysis, units with values
  // for the domain and set analyses). RESOURCE_EXHAUSTED beyond it, naming
  // it. At the default a request's bootstrap takes well under a second.
  int64_t max_bootstrap_work = 20'000'000;
  // Most pairs of distinct sets the set analysis compares for alpha's
  // expected disagreement (k (k - 1) / 2 for k distinct sets), its coder
  // diagnostics included: about 1 s at the default.
  int64_t max_set_pairs = 50'000'000;
  // Rounds whose state is kept in memory; the least recently used round
  // nobody is reading is dropped beyond it (and loaded again when asked).
  int max_rounds = 64;
  // Warnings: fewer units than this, a code rarer (or commoner) than this
  // share of the values, a coder whose removal raises alpha by this much.
  int64_t few_units = 30;
  double rare_prevalence = 0.1;
  double influence_change = 0.1;
};

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_LIVE_OPTIONS_H_
