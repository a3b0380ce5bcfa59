#include "server/text/segmentation.h"

#include "server/text/sentences.h"
#include "server/text/utf8.h"

namespace icr::text {
namespace {

struct Line {
  int64_t start = 0;  // code points
  int64_t end = 0;    // before the line terminator
  bool blank = true;
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  Line line;
  int64_t cp = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: same code point
    if (c == '\n' || c == '\r') {
      line.end = cp;
      lines.push_back(line);
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
        ++cp;
      }
      ++cp;
      line = Line{cp, cp, true};
      continue;
    }
    if (c != ' ' && c != '\t') line.blank = false;
    ++cp;
  }
  line.end = cp;
  if (line.end > line.start) lines.push_back(line);
  return lines;
}

}  // namespace

std::vector<Span> Segment(std::string_view text, SegmentBy by) {
  std::vector<Span> segments;
  if (by == SegmentBy::kNone) {
    const int64_t length = MeasureUtf8(text).code_points;
    if (length > 0) segments.push_back({0, length});
    return segments;
  }
  const std::vector<Line> lines = SplitLines(text);
  if (by == SegmentBy::kLine) {
    for (const Line& line : lines) {
      if (!line.blank) segments.push_back({line.start, line.end});
    }
    return segments;
  }
  bool in_paragraph = false;
  for (const Line& line : lines) {
    if (line.blank) {
      in_paragraph = false;
    } else if (in_paragraph) {
      segments.back().end = line.end;
    } else {
      segments.push_back({line.start, line.end});
      in_paragraph = true;
    }
  }
  if (by == SegmentBy::kSentence) return Sentences(text, segments);
  return segments;
}

}  // namespace icr::text
