#include "server/text/sentences.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <memory>

namespace icr::text {
namespace {

bool IsSpace(UChar32 c) { return u_isUWhiteSpace(c); }

}  // namespace

std::vector<Span> Sentences(std::string_view text, const std::vector<Span>& paragraphs) {
  std::vector<Span> sentences;
  if (paragraphs.empty()) return sentences;
  const icu::UnicodeString whole = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  UErrorCode status = U_ZERO_ERROR;
  // The root locale: no language's abbreviation list applies, so "Dr. Mehr"
  // ends a sentence after "Dr." as UAX #29 says, in every language alike.
  std::unique_ptr<icu::BreakIterator> breaks(
      icu::BreakIterator::createSentenceInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || breaks == nullptr) return paragraphs;

  // Walks the text once: `unit` is a UTF-16 index into `whole`, `point` the
  // code point it starts.
  int32_t unit = 0;
  int64_t point = 0;
  auto unit_of = [&](int64_t target) {
    while (point < target && unit < whole.length()) {
      unit = whole.moveIndex32(unit, 1);
      ++point;
    }
    return unit;
  };
  for (const Span& paragraph : paragraphs) {
    const int32_t start16 = unit_of(paragraph.start);
    const int32_t end16 = unit_of(paragraph.end);
    icu::UnicodeString part(whole, start16, end16 - start16);
    for (int32_t i = 0; i < part.length(); ++i) {
      if (part[i] == u'\n' || part[i] == u'\r') part.setCharAt(i, u' ');
    }
    breaks->setText(part);
    // Code point offsets of the paragraph's break positions, walked in order.
    int32_t from16 = breaks->first();
    int64_t from = paragraph.start;
    for (int32_t to16 = breaks->next(); to16 != icu::BreakIterator::DONE; to16 = breaks->next()) {
      const int64_t to = from + part.countChar32(from16, to16 - from16);
      // Trim white space at both ends, in code points.
      int32_t a16 = from16, b16 = to16;
      int64_t a = from, b = to;
      while (a16 < b16 && IsSpace(part.char32At(a16))) {
        a16 = part.moveIndex32(a16, 1);
        ++a;
      }
      while (b16 > a16) {
        const int32_t prev = part.moveIndex32(b16, -1);
        if (!IsSpace(part.char32At(prev))) break;
        b16 = prev;
        --b;
      }
      if (b > a) sentences.push_back({a, b});
      from16 = to16;
      from = to;
    }
  }
  return sentences;
}

}  // namespace icr::text
