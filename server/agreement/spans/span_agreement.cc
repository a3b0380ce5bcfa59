#include "server/agreement/spans/span_agreement.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/agreement/spans/character_agreement.h"
#include "server/agreement/spans/span_bootstrap.h"
#include "server/agreement/spans/unitizing.h"
#include "server/common/status_macros.h"

namespace icr::agreement::spans {

absl::StatusOr<SpanAgreement> ComputeSpanAgreement(const SpanSet& set,
                                                   const SpanAgreementOptions& options) {
  ICR_RETURN_IF_ERROR(Validate(set));
  const double threshold = options.matching.threshold;
  if (!(threshold > 0 && threshold <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("overlap threshold ", threshold, " is not in (0, 1]"));
  }
  if (options.bootstrap.samples > 0 &&
      !(options.bootstrap.confidence > 0 && options.bootstrap.confidence < 1)) {
    return absl::InvalidArgumentError("bootstrap confidence must lie between 0 and 1");
  }
  const PreparedSpans p = PreparedSpans::Prepare(set);
  PerCodeCoefficients unitizing = KrippendorffUnitizingAlpha(p);
  PerCodeCoefficients binary = BinaryUnitizingAlpha(p);
  CodingAlphaResult coding = CodingAlpha(p);
  PerCodeCoefficients across = AcrossCodesAlpha(p);
  SegmentMatchingResult matching = MatchSegments(p, options.matching);
  CharacterAgreementResult character = CharacterAgreement(p);

  SpanAgreement r;
  r.documents = p.num_documents();
  r.coders = p.num_coders();
  r.codes = p.num_codes();
  r.continuum_length = p.total_length();
  r.input_spans = p.input_spans();
  r.merged_away = p.input_spans() - p.merged_spans();
  r.multi_coded_points = coding.multi_coded_points;
  r.matched_segments = matching.overall.matched_segments;
  r.unmatched_segments = matching.overall.unmatched_segments();
  r.coefficients = {unitizing.overall,
                    binary.overall,
                    coding.alpha.overall,
                    across.overall,
                    matching.percent_agreement.overall,
                    matching.brennan_prediger.overall,
                    matching.cohen_kappa.overall,
                    CharacterPercentAgreement(character.overall),
                    CharacterKappa(character.overall)};
  std::vector<int64_t> spans_per_code(p.num_codes(), 0);
  for (const auto& g : p.groups()) {
    spans_per_code[g.code] += static_cast<int64_t>(p.UnitsEnd(g, p.num_coders() - 1) -
                                                   p.UnitsBegin(g, 0));
  }
  // What each coefficient was computed on (see CodeAgreement).
  const int64_t code_points = static_cast<int64_t>(p.num_coders()) * p.total_length();
  auto annotate = [code_points](std::vector<Coefficient>& v, int64_t spans,
                                const MatchCounts& matched, const CharacterTable& table) {
    for (int k = 0; k < 4; ++k) {
      v[k].units = spans;
      v[k].pairable_values = code_points;
    }
    for (int k = 4; k < 7; ++k) v[k].units = v[k].pairable_values = matched.segments;
    for (int k = 7; k < 9; ++k) v[k].units = v[k].pairable_values = table.total();
  };
  annotate(r.coefficients, p.merged_spans(), matching.overall, character.overall);
  for (int c = 0; c < p.num_codes(); ++c) {
    CodeAgreement code;
    code.code = set.codes[c];
    code.spans = spans_per_code[c];
    code.matched_segments = matching.per_code[c].matched_segments;
    code.unmatched_segments = matching.per_code[c].unmatched_segments();
    code.coefficients = {std::move(unitizing.per_code[c]),
                         std::move(binary.per_code[c]),
                         std::move(coding.alpha.per_code[c]),
                         std::move(across.per_code[c]),
                         std::move(matching.percent_agreement.per_code[c]),
                         std::move(matching.brennan_prediger.per_code[c]),
                         std::move(matching.cohen_kappa.per_code[c]),
                         CharacterPercentAgreement(character.per_code[c]),
                         CharacterKappa(character.per_code[c])};
    annotate(code.coefficients, code.spans, matching.per_code[c], character.per_code[c]);
    for (const auto& d : character.per_code_document[c]) {
      DocumentAgreement doc{set.documents[d.document],
                            {CharacterPercentAgreement(d.table), CharacterKappa(d.table)}};
      for (Coefficient& k : doc.coefficients) k.units = k.pairable_values = d.table.total();
      code.documents.push_back(std::move(doc));
    }
    r.per_code.push_back(std::move(code));
  }

  BootstrapSpanAlphas(set, options.bootstrap, &r);

  r.notes.push_back(absl::StrCat(
      "overlapping spans of one coder with one code were merged first: ", r.merged_away,
      " of ", r.input_spans, " spans absorbed"));
  r.notes.push_back(absl::StrCat(
      "segments match when their overlap covers at least ", threshold, " of the ",
      options.matching.rule == OverlapRule::kOfLonger ? "longer span" : "either span",
      " (one-to-one, same code, same document)"));
  if (r.multi_coded_points > 0) {
    r.notes.push_back(absl::StrCat(
        "cu_alpha leaves out ", r.multi_coded_points,
        " code points (summed over coders) where a coder gave two or more codes"));
  }
  if (options.bootstrap.samples > 0) {
    r.notes.push_back(absl::StrCat(
        "alpha intervals: ", options.bootstrap.samples,
        " bootstrap replicates over documents (drawn with replacement), seed ",
        options.bootstrap.seed));
  }
  return r;
}

}  // namespace icr::agreement::spans
