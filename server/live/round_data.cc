#include "server/live/round_data.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"

namespace icr::live {
bool SpanCountsFor(int64_t start, int64_t end, int64_t seg_start, int64_t seg_end, SpanRule rule) {
  const int64_t overlap = std::min(end, seg_end) - std::max(start, seg_start);
  if (overlap <= 0) return false;
  if (rule == SpanRule::kAnyOverlap) return true;
  return 2 * overlap >= seg_end - seg_start || 2 * overlap >= end - start;
}

absl::StatusOr<RoundData> RoundData::Create(RoundLayout layout, SpanRule rule) {
  if (layout.coders.size() > static_cast<size_t>(kMaxCoders)) {
    return absl::InvalidArgumentError(absl::StrCat("round has ", layout.coders.size(),
                                                   " coders; live agreement handles at most ",
                                                   kMaxCoders));
  }
  return RoundData(std::move(layout), rule);
}

RoundData::RoundData(RoundLayout layout, SpanRule rule) : layout_(std::move(layout)), rule_(rule) {
  units_.resize(layout_.documents.size());
  revisions_.resize(layout_.documents.size());
  progress_.assign(
      layout_.documents.size(),
      std::vector<v1::ProgressState>(layout_.coders.size(), v1::PROGRESS_STATE_UNSPECIFIED));
  coded_.assign(layout_.documents.size(), 0);
  for (size_t d = 0; d < layout_.documents.size(); ++d) {
    document_index_[layout_.documents[d].id] = static_cast<int>(d);
    units_[d] = std::make_shared<DocumentUnits>(layout_.documents[d].segments.size());
    num_units_ += static_cast<int64_t>(layout_.documents[d].segments.size());
  }
  for (size_t c = 0; c < layout_.coders.size(); ++c) {
    coder_index_[layout_.coders[c]] = static_cast<int>(c);
  }
}

int RoundData::DocumentIndex(std::string_view id) const {
  auto it = document_index_.find(absl::string_view(id.data(), id.size()));
  return it == document_index_.end() ? -1 : it->second;
}

int RoundData::CoderIndex(std::string_view id) const {
  auto it = coder_index_.find(absl::string_view(id.data(), id.size()));
  return it == coder_index_.end() ? -1 : it->second;
}

int32_t RoundData::CodeId(std::string_view code) const {
  auto it = code_ids_.find(absl::string_view(code.data(), code.size()));
  return it == code_ids_.end() ? -1 : it->second;
}

int32_t RoundData::InternCode(const std::string& code) {
  auto [it, inserted] = code_ids_.emplace(code, static_cast<int32_t>(codes_.size()));
  if (inserted) {
    codes_.push_back(code);
    patterns_.emplace_back();
  }
  return it->second;
}

RoundData::DocumentUnits& RoundData::MutableUnits(int document) {
  std::shared_ptr<DocumentUnits>& units = units_[document];
  if (units.use_count() > 1) units = std::make_shared<DocumentUnits>(*units);
  return *units;
}

v1::ProgressState RoundData::Progress(int document, int coder) const {
  const v1::ProgressState stored = progress_[document][coder];
  if (stored != v1::PROGRESS_STATE_UNSPECIFIED) return stored;
  return (coded_[document] >> coder) & 1 ? v1::IN_PROGRESS : v1::NOT_STARTED;
}

CoderMask RoundData::Counted(int document, bool include_unfinished) const {
  CoderMask mask = 0;
  for (int c = 0; c < num_coders(); ++c) {
    const v1::ProgressState state = Progress(document, c);
    if (state == v1::DONE || (include_unfinished && state == v1::IN_PROGRESS)) {
      mask |= CoderMask{1} << c;
    }
  }
  return mask;
}

bool RoundData::SetProgress(const v1::DocumentProgress& progress) {
  const int document = DocumentIndex(progress.document());
  const int coder = CoderIndex(progress.coder());
  if (document < 0 || coder < 0) return false;
  v1::ProgressState& stored = progress_[document][coder];
  if (stored == progress.state()) return false;
  stored = progress.state();
  return true;
}

CoderMask RoundData::MaskOf(int document, int64_t segment, int32_t code) const {
  CoderMask mask = 0;
  for (const Entry& e : (*units_[document])[segment]) {
    if (e.code == code && e.total() > 0) mask |= CoderMask{1} << e.coder;
  }
  return mask;
}

void RoundData::Bump(int document, int64_t segment, int32_t code, int32_t coder, int delta,
                     bool is_span) {
  std::vector<Entry>& entries = MutableUnits(document)[segment];
  const CoderMask before = MaskOf(document, segment, code);
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const Entry& e) { return e.code == code && e.coder == coder; });
  if (it == entries.end()) {
    entries.push_back(Entry{code, coder, 0, 0});
    it = entries.end() - 1;
  }
  (is_span ? it->span : it->segment) += delta;
  if (it->total() == 0) entries.erase(it);
  const CoderMask after = MaskOf(document, segment, code);
  if (before == after) return;
  Patterns& patterns = patterns_[code];
  if (before != 0) {
    auto p = patterns.find(PatternKey{document, before});
    if (--p->second == 0) patterns.erase(p);
  }
  if (after != 0) ++patterns[PatternKey{document, after}];
}

bool RoundData::Count(const v1::Coding& coding, int delta) {
  const int document = DocumentIndex(coding.document());
  const int coder = CoderIndex(coding.coder());
  if (document < 0 || coder < 0 || coding.code().empty()) return false;
  const RoundLayout::Document& doc = layout_.documents[document];
  const int32_t code = InternCode(coding.code());
  if (coding.has_span()) {
    const int64_t start = coding.span().start(), end = coding.span().end();
    // Segments are in text order: start at the first that may overlap.
    auto first = std::lower_bound(doc.segments.begin(), doc.segments.end(), start,
                                  [](const v1::Segment& s, int64_t x) { return s.end() <= x; });
    for (auto s = first; s != doc.segments.end() && s->start() < end; ++s) {
      if (SpanCountsFor(start, end, s->start(), s->end(), rule_)) {
        Bump(document, s - doc.segments.begin(), code, coder, delta, /*is_span=*/true);
      }
    }
    const int64_t id = ParseDecimalId(coding.id());
    if (delta > 0) {
      spans_[id] = Span{document, coder, code, start, end};
    } else {
      spans_.erase(id);
    }
  } else {
    const int64_t segment = coding.segment();
    if (segment < 0 || segment >= static_cast<int64_t>(doc.segments.size())) return false;
    Bump(document, segment, code, coder, delta, /*is_span=*/false);
  }
  std::map<int64_t, int64_t>& revisions = revisions_[document];
  if ((revisions[coding.codebook_revision()] += delta) == 0) {
    revisions.erase(coding.codebook_revision());
  }
  active_ += delta;
  return true;
}

bool RoundData::Add(const v1::Coding& coding) {
  const int64_t id = ParseDecimalId(coding.id());
  if (id <= max_id_) return false;  // seen already (or unreadable)
  max_id_ = id;
  const int document = DocumentIndex(coding.document());
  const int coder = CoderIndex(coding.coder());
  if (document >= 0 && coder >= 0) coded_[document] |= CoderMask{1} << coder;
  if (coding.state() == v1::RETRACTED) {
    retracted_.insert(id);
    return false;
  }
  return Count(coding, +1);
}

bool RoundData::Retract(const v1::Coding& coding) {
  const int64_t id = ParseDecimalId(coding.id());
  if (id <= 0 || id > max_id_ || !retracted_.insert(id).second) return false;
  return Count(coding, -1);
}

}  // namespace icr::live
