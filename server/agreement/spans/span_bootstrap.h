#ifndef ICR_SERVER_AGREEMENT_SPANS_SPAN_BOOTSTRAP_H_
#define ICR_SERVER_AGREEMENT_SPANS_SPAN_BOOTSTRAP_H_

// Percentile bootstrap intervals for the alpha family of free-span agreement
// (unitizing_alpha, binary_u_alpha, cu_alpha, Cu_alpha; unitizing.h),
// overall and per code.
//
// What is resampled: the documents (continua), with replacement. Hayes &
// Krippendorff (2007) bootstrap alpha by resampling the sampled units of
// analysis. In unitizing the units are not given in advance (the coders make
// them); what was sampled is the texts, so icr applies their approach to the
// continua: a replicate draws as many documents as the data has, with
// replacement, concatenates them into one continuum (a document drawn twice
// counts twice) and recomputes every coefficient on it, expected
// disagreement included. That is the cluster bootstrap of Davison & Hinkley
// (1997, Bootstrap Methods and their Application, ch. 3, hierarchical data):
// spans and gaps within one text are not independent, the texts are. With
// one document every replicate is the data, and the interval is the point.
//
// The draws are agreement::BootstrapRows' (bootstrap.h) over the documents,
// seeded like every other bootstrap in icr: same seed, same interval.

#include "server/agreement/bootstrap.h"
#include "server/agreement/spans/span_agreement.h"
#include "server/agreement/spans/span_set.h"

namespace icr::agreement::spans {

// The coefficients of `result` (ComputeSpanAgreement of `set`) that the
// bootstrap covers, in the order above; the others are left alone.
inline constexpr int kBootstrappedSpanCoefficients = 4;

// Sets `ci` on the alpha-family coefficients of `result`, overall and per
// code; no-op when options.samples <= 0. `set` must be valid.
void BootstrapSpanAlphas(const SpanSet& set, const BootstrapOptions& options,
                         SpanAgreement* result);

}  // namespace icr::agreement::spans

#endif  // ICR_SERVER_AGREEMENT_SPANS_SPAN_BOOTSTRAP_H_
