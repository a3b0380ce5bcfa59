#include "server/agreement/spans/span_set.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace icr::agreement::spans {

absl::Status Validate(const SpanSet& set) {
  if (set.lengths.size() != set.documents.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(set.documents.size(), " documents but ", set.lengths.size(), " lengths"));
  }
  for (size_t d = 0; d < set.lengths.size(); ++d) {
    if (set.lengths[d] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("document '", set.documents[d], "' has negative length ", set.lengths[d]));
    }
  }
  for (size_t k = 0; k < set.spans.size(); ++k) {
    const Span& s = set.spans[k];
    if (s.document < 0 || static_cast<size_t>(s.document) >= set.documents.size()) {
      return absl::InvalidArgumentError(absl::StrCat("span ", k, ": unknown document ", s.document));
    }
    if (s.coder < 0 || static_cast<size_t>(s.coder) >= set.coders.size()) {
      return absl::InvalidArgumentError(absl::StrCat("span ", k, ": unknown coder ", s.coder));
    }
    if (s.code < 0 || static_cast<size_t>(s.code) >= set.codes.size()) {
      return absl::InvalidArgumentError(absl::StrCat("span ", k, ": unknown code ", s.code));
    }
    if (s.start < 0 || s.start >= s.end) {
      return absl::InvalidArgumentError(
          absl::StrCat("span ", k, ": start ", s.start, " is not before end ", s.end));
    }
    if (s.end > set.lengths[s.document]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "span ", k, ": [", s.start, ", ", s.end, ") lies outside document '",
          set.documents[s.document], "' of length ", set.lengths[s.document]));
    }
  }
  return absl::OkStatus();
}

PreparedSpans PreparedSpans::Prepare(const SpanSet& set) {
  PreparedSpans p;
  p.num_coders_ = static_cast<int>(set.coders.size());
  p.num_codes_ = static_cast<int>(set.codes.size());
  p.lengths_ = set.lengths;
  p.total_length_ = std::accumulate(set.lengths.begin(), set.lengths.end(), int64_t{0});
  p.input_spans_ = static_cast<int64_t>(set.spans.size());

  std::vector<Span> sorted = set.spans;
  std::sort(sorted.begin(), sorted.end(), [](const Span& a, const Span& b) {
    if (a.code != b.code) return a.code < b.code;
    if (a.document != b.document) return a.document < b.document;
    if (a.coder != b.coder) return a.coder < b.coder;
    return a.start < b.start;
  });

  const int m = p.num_coders_;
  p.code_first_group_.assign(p.num_codes_ + 1, 0);
  p.units_.reserve(sorted.size());
  p.unit_code_.reserve(sorted.size());
  size_t k = 0;
  while (k < sorted.size()) {
    Group g;
    g.code = sorted[k].code;
    g.document = sorted[k].document;
    g.first_group_offset = p.coder_offsets_.size();
    p.coder_offsets_.resize(p.coder_offsets_.size() + m + 1);
    for (int coder = 0; coder < m; ++coder) {
      p.coder_offsets_[g.first_group_offset + coder] = p.units_.size();
      bool open = false;
      while (k < sorted.size() && sorted[k].code == g.code && sorted[k].document == g.document &&
             sorted[k].coder == coder) {
        const Span& s = sorted[k++];
        if (open && s.start < p.units_.back().end) {  // overlaps: merge
          p.units_.back().end = std::max(p.units_.back().end, s.end);
        } else {
          p.units_.push_back({s.start, s.end});
          p.unit_code_.push_back(g.code);
          open = true;
        }
      }
    }
    p.coder_offsets_[g.first_group_offset + m] = p.units_.size();
    p.groups_.push_back(g);
  }
  // code_first_group_[c] = first group with code >= c.
  size_t gi = 0;
  for (int c = 0; c <= p.num_codes_; ++c) {
    while (gi < p.groups_.size() && p.groups_[gi].code < c) ++gi;
    p.code_first_group_[c] = gi;
  }
  return p;
}

}  // namespace icr::agreement::spans
