// Agreement on free spans (unitizing), segment codings counting as spans
// over their segment. With units by speaker each document is the continuum
// of its selected turns (units.h: Continuum): the other turns' text is cut
// out, and the spans with it.

#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/agreement/spans/span_agreement.h"
#include "server/common/status_macros.h"
#include "server/live/coefficient_proto.h"
#include "server/live/value_analysis.h"

namespace icr::live {

absl::Status SpanAnalysis(const AnalysisInput& in, v1::ComputeAgreementResponse* response) {
  const RoundData& data = in.data;
  const Query& q = in.q;
  response->set_units(in.presence.total_units);
  // Unitizing compares every coder's spans over a whole document, so a
  // document counts only when every selected coder's work on it counts (an
  // unfinished coder's missing spans would read as "no span there").
  const CoderMask everyone =
      q.coders.size() >= 64 ? ~CoderMask{0} : (CoderMask{1} << q.coders.size()) - 1;
  agreement::spans::SpanSet set;
  std::vector<int> document_slot(data.num_documents(), -1);
  std::vector<Continuum> continua;  // by slot
  std::vector<std::string> left_out;
  for (int d : q.documents) {
    if (in.presence.counted[d] != everyone) {
      left_out.push_back(data.layout().documents[d].id);
      continue;
    }
    Continuum continuum(data.layout().documents[d], in.units, d);
    // A document without a selected turn has nothing to unitize.
    if (!in.units.all() && continuum.length() == 0) continue;
    document_slot[d] = static_cast<int>(set.documents.size());
    set.documents.push_back(data.layout().documents[d].id);
    set.lengths.push_back(continuum.length());
    continua.push_back(std::move(continuum));
  }
  // A span as it lies on its document's continuum; false when nothing of
  // it is left.
  auto add = [&](int doc, int coder, int code, int64_t start, int64_t end) {
    const Continuum& continuum = continua[doc];
    const int64_t from = continuum.Map(start), to = continuum.Map(end);
    if (to > from) set.spans.push_back({doc, coder, code, from, to});
  };
  set.coders = q.coder_names;
  std::vector<int> round_to_selected(data.num_coders(), -1);
  for (size_t j = 0; j < q.coders.size(); ++j) round_to_selected[q.coders[j]] = static_cast<int>(j);
  std::map<std::string, int> code_slot;
  std::vector<int> slot_of_raw(data.num_codes(), -1);
  for (int32_t raw = 0; raw < data.num_codes(); ++raw) {
    std::string key = in.book.Rollup(data.code(raw), q.rollup);
    if (!q.codes.empty() && !q.codes.count(key)) continue;
    auto [it, inserted] = code_slot.emplace(key, static_cast<int>(code_slot.size()));
    if (inserted) set.codes.push_back(key);
    slot_of_raw[raw] = it->second;
  }
  for (const auto& [id, span] : data.spans()) {
    ICR_RETURN_IF_ERROR(in.interrupt.Poll());
    const int doc = document_slot[span.document], coder = round_to_selected[span.coder];
    const int code = slot_of_raw[span.code];
    if (doc < 0 || coder < 0 || code < 0) continue;
    add(doc, coder, code, span.start, span.end);
  }
  // Segment codings are spans over their segment.
  for (int d : q.documents) {
    if (document_slot[d] < 0) continue;
    const auto& segments = data.layout().documents[d].segments;
    for (int64_t i = 0; i < in.units.count(d); ++i) {
      ICR_RETURN_IF_ERROR(in.interrupt.Poll());
      const int64_t s = in.units.segment(d, i);
      for (const RoundData::Entry& e : data.unit(d, s)) {
        const int coder = round_to_selected[e.coder], code = slot_of_raw[e.code];
        if (e.segment == 0 || coder < 0 || code < 0) continue;
        add(document_slot[d], coder, code, segments[s].start(), segments[s].end());
      }
    }
  }
  std::sort(set.spans.begin(), set.spans.end(), [](const auto& a, const auto& b) {
    return std::tie(a.document, a.coder, a.code, a.start, a.end) <
           std::tie(b.document, b.coder, b.code, b.start, b.end);
  });
  // A replicate recomputes the alpha family on every span and document of
  // its draw: measured, about 0.6 us a span (26 ms for 42,645 spans in 200
  // documents), so 16 rows a span keep the budget's longest span bootstrap
  // under a second, as the others.
  constexpr int64_t kSpanRowCost = 16;
  ICR_RETURN_IF_ERROR(CheckBootstrapBudget(
      q.bootstrap.samples,
      kSpanRowCost * static_cast<int64_t>(set.spans.size() + set.documents.size()), in.options));
  agreement::spans::SpanAgreementOptions options;
  options.matching.threshold = q.overlap;
  // Documents resampled with replacement (span_bootstrap.h).
  options.bootstrap = q.bootstrap;
  ICR_ASSIGN_OR_RETURN(agreement::spans::SpanAgreement result,
                       agreement::spans::ComputeSpanAgreement(set, options));
  for (const auto& code : result.per_code) {
    v1::AgreementRow* row = response->add_rows();
    row->set_key(code.code);
    auto it = in.book.codes().find(code.code);
    if (it != in.book.codes().end()) row->set_name(it->second.name());
    row->set_units(code.spans);
    for (const auto& c : code.coefficients) *row->add_coefficients() = CoefficientToProto(c);
  }
  v1::AgreementRow* overall = response->mutable_overall();
  overall->set_key("overall");
  overall->set_units(result.input_spans);
  for (const auto& c : result.coefficients) *overall->add_coefficients() = CoefficientToProto(c);
  for (const std::string& note : result.notes)
    *response->add_warnings() = Warning("note", "", note);
  if (!left_out.empty()) {
    *response->add_warnings() = Warning(
        "unfinished_documents", "",
        absl::StrCat(left_out.size(),
                     " documents left out of the span analysis: not every "
                     "selected coder's work on them counts (",
                     absl::StrJoin(left_out.begin(),
                                   left_out.begin() + std::min<size_t>(left_out.size(), 10), ", "),
                     left_out.size() > 10 ? ", ..." : "", ")"));
  }
  return absl::OkStatus();
}

}  // namespace icr::live
