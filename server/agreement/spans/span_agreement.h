#ifndef ICR_SERVER_AGREEMENT_SPANS_SPAN_AGREEMENT_H_
#define ICR_SERVER_AGREEMENT_SPANS_SPAN_AGREEMENT_H_

// Free-span agreement (DESIGN §3, "unitizing"): the three views researchers
// know, overall and per code, from one SpanSet.
//
//   unitizing_alpha      Krippendorff's alpha_U (1995/2004; DKPro Agreement)
//   binary_u_alpha       |u-alpha (Krippendorff et al. 2016, eq. 6)
//   cu_alpha             cu-alpha, coding of the overlapping sections (eq. 11;
//                        per code (k)cu-alpha, eq. 13b)
//   Cu_alpha             across codes: per-code |u-alpha pooled
//   overlap_percent_agreement, overlap_kappa (Brennan-Prediger),
//   overlap_cohen_kappa  MAXQDA-style segment matching
//   character_percent_agreement, character_kappa
//                        NVivo-style code point comparison
//
// Definitions, conventions and references are in unitizing.h,
// segment_matching.h and character_agreement.h. Overlapping spans of one
// coder with one code are merged first; `merged_away` says how many.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/agreement/bootstrap.h"
#include "server/agreement/coefficient.h"
#include "server/agreement/spans/segment_matching.h"
#include "server/agreement/spans/span_set.h"

namespace icr::agreement::spans {

struct SpanAgreementOptions {
  // Segment matching: threshold in (0, 1] and rule. Default: the overlap
  // covers at least 90% of the longer span.
  MatchingOptions matching;
  // Percentile intervals for the alpha family, resampling documents
  // (span_bootstrap.h); samples = 0: none.
  BootstrapOptions bootstrap{.samples = 0};
};

// Every Coefficient's `units` / `pairable_values`: for the alpha family the
// spans (after merging) / the m L code points of all coders; for the
// overlap_* coefficients the segments compared (both); for the character_*
// coefficients the code points times coder pairs (both).
struct DocumentAgreement {
  std::string document;
  // character_percent_agreement, character_kappa
  std::vector<Coefficient> coefficients;
};

struct CodeAgreement {
  std::string code;
  int64_t spans = 0;  // after merging, all coders
  int64_t matched_segments = 0;
  int64_t unmatched_segments = 0;
  std::vector<Coefficient> coefficients;  // the names above, in that order
  // Documents where some coder used the code.
  std::vector<DocumentAgreement> documents;
};

struct SpanAgreement {
  int documents = 0;
  int coders = 0;
  int codes = 0;
  int64_t continuum_length = 0;  // L, code points over all documents
  int64_t input_spans = 0;
  int64_t merged_away = 0;        // input spans absorbed by merging
  int64_t multi_coded_points = 0; // left out of cu_alpha (see unitizing.h)
  int64_t matched_segments = 0;
  int64_t unmatched_segments = 0;
  std::vector<Coefficient> coefficients;
  std::vector<CodeAgreement> per_code;
  // Plain-language remarks on conventions that affected this result.
  std::vector<std::string> notes;
};

// INVALID_ARGUMENT when `set` fails Validate() or the options are out of
// range. Undefined coefficients are not errors: they carry their reason.
absl::StatusOr<SpanAgreement> ComputeSpanAgreement(const SpanSet& set,
                                                   const SpanAgreementOptions& options = {});

}  // namespace icr::agreement::spans

#endif  // ICR_SERVER_AGREEMENT_SPANS_SPAN_AGREEMENT_H_
