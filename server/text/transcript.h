#ifndef ICR_SERVER_TEXT_TRANSCRIPT_H_
#define ICR_SERVER_TEXT_TRANSCRIPT_H_

// Speaker turns: from timed transcripts (WebVTT, SRT) and from text whose
// lines start with a speaker label ("Interviewer:", "P12:", "Participant 3 —").
// Offsets are code points of the text, [start, end), as in segmentation.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace icr::text {

struct Turn {
  int64_t start = 0;
  int64_t end = 0;
  std::string speaker;  // empty when no label names one
  std::optional<int64_t> start_ms;
  std::optional<int64_t> end_ms;
  friend bool operator==(const Turn&, const Turn&) = default;
};

// A document's text as extracted from a file, with the speaker turns a timed
// transcript gives (empty for other formats) and the tool that extracted it.
struct ExtractedText {
  std::string text;
  std::vector<Turn> turns;
  std::string tool;
};

// The label pattern used when none is given: up to three words, the first
// capitalised ("Interviewer", "I", "P12", "Participant 3", "Dr Smith"), then
// ":" or a dash.
inline constexpr std::string_view kDefaultSpeakerPattern =
    R"((\p{Lu}[\p{L}\p{N}_.'-]*(?: [\p{L}\p{N}_.'-]+){0,2})\s*(?::|—|–)\s*)";

// Turns in plain text: a line whose start matches `pattern` (RE2; empty means
// kDefaultSpeakerPattern) begins a turn, which runs to the last non-blank line
// before the next label. Its first group, or else the whole match without
// trailing blanks and punctuation, names the speaker. Lines before the first
// label form a turn with no speaker. An invalid pattern is an error.
absl::StatusOr<std::vector<Turn>> SpeakerTurns(std::string_view text, std::string_view pattern);

// Parses a WebVTT or SRT file (`srt` false for WebVTT) into text: one
// paragraph per turn (cues of one speaker in a row), each cue on its own line,
// the first led by "Speaker: ". A cue's speaker is its <v Speaker> voice tag,
// else a label matching `pattern` at its start. Other tags are dropped and
// character references decoded. Turns carry the first cue's start and the
// last cue's end.
absl::StatusOr<ExtractedText> ParseTimedTranscript(std::string_view data, bool srt,
                                                   std::string_view pattern);

}  // namespace icr::text

#endif  // ICR_SERVER_TEXT_TRANSCRIPT_H_
