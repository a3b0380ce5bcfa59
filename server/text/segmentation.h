#ifndef ICR_SERVER_TEXT_SEGMENTATION_H_
#define ICR_SERVER_TEXT_SEGMENTATION_H_

// Splitting a document into units of analysis. Offsets are code points,
// [start, end). Line ends are "\n", "\r\n" or "\r"; they belong to no segment.

#include <cstdint>
#include <string_view>
#include <vector>

namespace icr::text {

struct Span {
  int64_t start = 0;
  int64_t end = 0;
  friend bool operator==(const Span&, const Span&) = default;
};

enum class SegmentBy {
  kNone,       // the whole text is one segment (none if the text is empty)
  kParagraph,  // runs of non-blank lines, separated by blank lines
  kLine,       // every non-blank line
  kSentence,   // every sentence of every paragraph (server/text/sentences.h)
};

// `text` must be valid UTF-8. A line is blank when it holds only spaces and
// tabs. Leading and trailing blanks of a segment are kept: a coder may code
// them, and offsets must match the text as given.
std::vector<Span> Segment(std::string_view text, SegmentBy by);

}  // namespace icr::text

#endif  // ICR_SERVER_TEXT_SEGMENTATION_H_
