#include "server/agreement/spans/span_bootstrap.h"

#include <utility>
#include <vector>

#include "server/agreement/spans/unitizing.h"

namespace icr::agreement::spans {
namespace {

// `set` with document d taken times[d] times, each copy a document of its
// own.
SpanSet Resample(const SpanSet& set, const std::vector<std::vector<Span>>& by_document,
                 Multiplicity times) {
  SpanSet out;
  out.coders = set.coders;
  out.codes = set.codes;
  for (size_t d = 0; d < set.documents.size(); ++d) {
    for (uint32_t copy = 0; copy < times[d]; ++copy) {
      const int32_t slot = static_cast<int32_t>(out.documents.size());
      out.documents.push_back(set.documents[d]);
      out.lengths.push_back(set.lengths[d]);
      for (Span span : by_document[d]) {
        span.document = slot;
        out.spans.push_back(span);
      }
    }
  }
  return out;
}

// The bootstrapped coefficients of one replicate: overall, then per code,
// kBootstrappedSpanCoefficients each, in ComputeSpanAgreement's order.
std::vector<Coefficient> AlphaFamily(const SpanSet& set) {
  const PreparedSpans p = PreparedSpans::Prepare(set);
  PerCodeCoefficients unitizing = KrippendorffUnitizingAlpha(p);
  PerCodeCoefficients binary = BinaryUnitizingAlpha(p);
  CodingAlphaResult coding = CodingAlpha(p);
  PerCodeCoefficients across = AcrossCodesAlpha(p);
  std::vector<Coefficient> out = {std::move(unitizing.overall), std::move(binary.overall),
                                  std::move(coding.alpha.overall), std::move(across.overall)};
  for (int c = 0; c < p.num_codes(); ++c) {
    out.push_back(std::move(unitizing.per_code[c]));
    out.push_back(std::move(binary.per_code[c]));
    out.push_back(std::move(coding.alpha.per_code[c]));
    out.push_back(std::move(across.per_code[c]));
  }
  return out;
}

}  // namespace

void BootstrapSpanAlphas(const SpanSet& set, const BootstrapOptions& options,
                         SpanAgreement* result) {
  if (options.samples <= 0 || set.documents.empty()) return;
  std::vector<Coefficient*> targets;
  for (int k = 0; k < kBootstrappedSpanCoefficients; ++k) {
    targets.push_back(&result->coefficients[k]);
  }
  for (CodeAgreement& code : result->per_code) {
    for (int k = 0; k < kBootstrappedSpanCoefficients; ++k) {
      targets.push_back(&code.coefficients[k]);
    }
  }
  std::vector<std::vector<Span>> by_document(set.documents.size());
  for (const Span& span : set.spans) by_document[span.document].push_back(span);
  BootstrapRowsJointly(
      static_cast<int64_t>(set.documents.size()), options,
      [&](Multiplicity times) { return AlphaFamily(Resample(set, by_document, times)); }, targets);
}

}  // namespace icr::agreement::spans
