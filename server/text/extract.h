#ifndef ICR_SERVER_TEXT_EXTRACT_H_
#define ICR_SERVER_TEXT_EXTRACT_H_

// The text of a document file as researchers have it. Word, OpenDocument,
// RTF, HTML and Markdown go through pandoc, PDF through pdftotext (poppler),
// each in a sandboxed child process (sandbox.h); WebVTT and SRT are parsed
// here (transcript.h); plain text is taken as it is.
//
// The text keeps paragraphs as paragraphs: every paragraph, heading, list item
// and table cell becomes a block of lines followed by a blank line, so that
// paragraph segmentation finds them; a line break within a paragraph stays a
// line break. Trailing blanks of lines are dropped, line ends are "\n", and
// the text ends with one "\n". The same file gives the same text wherever the
// same tool versions run.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/text/sandbox.h"
#include "server/text/transcript.h"

namespace icr::text {

// The formats ExtractText takes, as named in requests and by file extension.
const std::vector<std::string>& ExtractionFormats();

// `format` is one of ExtractionFormats(). An unreadable file is an
// InvalidArgument error saying why (the tool's own message where it gives
// one); a PDF without a text layer is refused saying so; a tool over its
// limits is an error naming the limit; a missing tool is Unavailable.
absl::StatusOr<ExtractedText> ExtractText(std::string_view data, std::string_view format,
                                          std::string_view speaker_pattern,
                                          const SandboxLimits& limits);

// Line ends to "\n", trailing blanks dropped, at most one blank line between
// blocks, no blank lines at either end, one final "\n" (none for no text).
std::string NormalizeExtractedText(std::string_view text);

// RTF with its \uN Unicode escapes turned into UTF-8 (see extract.cc).
std::string RtfUnicodeToUtf8(std::string_view rtf);

}  // namespace icr::text

#endif  // ICR_SERVER_TEXT_EXTRACT_H_
