#ifndef ICR_SERVER_TEXT_SENTENCES_H_
#define ICR_SERVER_TEXT_SENTENCES_H_

// Sentences as units of analysis, by Unicode's sentence boundaries (UAX #29)
// through ICU's break iterator, so the full stops and question marks of every
// script end a sentence: "." "?" "!", the Arabic question mark (U+061F) and
// full stop (U+06D4), the Devanagari danda (U+0964), the CJK full stop
// (U+3002). The Arabic comma (U+060C) does not.

#include <string_view>
#include <vector>

#include "server/text/segmentation.h"

namespace icr::text {

// The sentences of each paragraph of valid UTF-8 `paragraphs` (Segment's
// kParagraph spans of `text`), in code points. A line end inside a paragraph
// is read as a space, so a hard-wrapped sentence stays one; a sentence never
// crosses a blank line. White space around a sentence belongs to none.
std::vector<Span> Sentences(std::string_view text, const std::vector<Span>& paragraphs);

}  // namespace icr::text

#endif  // ICR_SERVER_TEXT_SENTENCES_H_
