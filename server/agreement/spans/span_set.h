#ifndef ICR_SERVER_AGREEMENT_SPANS_SPAN_SET_H_
#define ICR_SERVER_AGREEMENT_SPANS_SPAN_SET_H_

// Free-span codings, the input of every free-span agreement computation:
// documents (each a continuum of code points) and the spans coders selected
// in them, each with one code. Independent of where the spans come from (CSV
// in `icr stats --spans`, the database in the server).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace icr::agreement::spans {

// One coded stretch: coder `coder` applied code `code` to the code points
// [start, end) of document `document`. The three are indices into the
// SpanSet's name tables.
struct Span {
  int32_t document = 0;
  int32_t coder = 0;
  int32_t code = 0;
  int64_t start = 0;
  int64_t end = 0;  // exclusive
};

struct SpanSet {
  std::vector<std::string> documents;
  std::vector<int64_t> lengths;     // in code points, one per document
  std::vector<std::string> coders;  // every coder of the study, spans or not
  std::vector<std::string> codes;
  std::vector<Span> spans;
};

// OK when the tables are consistent and every span lies inside its document
// with start < end; INVALID_ARGUMENT naming the first offending span (by its
// index in `spans`) otherwise. Overlapping spans are valid (they are merged
// before any computation; see PreparedSpans).
absl::Status Validate(const SpanSet& set);

// A half-open stretch [start, end) of one document.
struct Interval {
  int64_t start = 0;
  int64_t end = 0;
  int64_t length() const { return end - start; }
};

// A SpanSet rearranged for sweeping: per code, per document, per coder the
// spans sorted by start, overlapping spans of one coder with one code merged
// into one (touching spans [a,b) and [b,c) stay two units, as in
// Krippendorff's unitizing data).
class PreparedSpans {
 public:
  // `set` must be valid (see Validate).
  static PreparedSpans Prepare(const SpanSet& set);

  // One (code, document) with at least one span; `Units(g, coder)` are that
  // coder's merged spans in it.
  struct Group {
    int32_t code = 0;
    int32_t document = 0;
    size_t first_group_offset = 0;  // into coder_offsets_
  };

  int num_coders() const { return num_coders_; }
  int num_codes() const { return num_codes_; }
  int num_documents() const { return static_cast<int>(lengths_.size()); }
  int64_t length(int document) const { return lengths_[document]; }
  // L: the sum of all document lengths.
  int64_t total_length() const { return total_length_; }
  // Spans before and after merging.
  int64_t input_spans() const { return input_spans_; }
  int64_t merged_spans() const { return static_cast<int64_t>(units_.size()); }

  // Groups sorted by (code, document); groups of one code are contiguous,
  // [CodeBegin(c), CodeEnd(c)).
  const std::vector<Group>& groups() const { return groups_; }
  size_t CodeBegin(int code) const { return code_first_group_[code]; }
  size_t CodeEnd(int code) const { return code_first_group_[code + 1]; }

  // The merged units of `coder` in group `g`, sorted, pairwise disjoint.
  // Unit ids (positions in the global unit table) are UnitId(g, coder) + k.
  const Interval* UnitsBegin(const Group& g, int coder) const {
    return units_.data() + coder_offsets_[g.first_group_offset + coder];
  }
  const Interval* UnitsEnd(const Group& g, int coder) const {
    return units_.data() + coder_offsets_[g.first_group_offset + coder + 1];
  }
  size_t UnitId(const Group& g, int coder) const {
    return coder_offsets_[g.first_group_offset + coder];
  }
  const Interval& unit(size_t id) const { return units_[id]; }
  int32_t unit_code(size_t id) const { return unit_code_[id]; }

 private:
  int num_coders_ = 0;
  int num_codes_ = 0;
  std::vector<int64_t> lengths_;
  int64_t total_length_ = 0;
  int64_t input_spans_ = 0;
  std::vector<Group> groups_;
  std::vector<size_t> code_first_group_;  // num_codes_ + 1 entries
  std::vector<size_t> coder_offsets_;     // per group num_coders_ + 1 entries
  std::vector<Interval> units_;
  std::vector<int32_t> unit_code_;
};

}  // namespace icr::agreement::spans

#endif  // ICR_SERVER_AGREEMENT_SPANS_SPAN_SET_H_
