#include "server/text/transcript.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"
#include "server/common/string_view.h"
#include "server/text/utf8_append.h"

namespace icr::text {
namespace {

int64_t CountCodePoints(absl::string_view s) {
  int64_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

struct Line {
  absl::string_view content;  // without its terminator
  int64_t start = 0;          // code points
  int64_t end = 0;
};

std::vector<Line> SplitLines(absl::string_view text) {
  std::vector<Line> lines;
  size_t begin = 0;
  int64_t cp = 0;
  while (begin <= text.size()) {
    size_t stop = text.find_first_of("\r\n", begin);
    if (stop == absl::string_view::npos) stop = text.size();
    const absl::string_view content = text.substr(begin, stop - begin);
    const int64_t length = CountCodePoints(content);
    if (stop < text.size() || !content.empty()) lines.push_back({content, cp, cp + length});
    cp += length;
    if (stop >= text.size()) break;
    size_t next = stop + 1;
    if (text[stop] == '\r' && next < text.size() && text[next] == '\n') {
      ++next;
      ++cp;
    }
    ++cp;
    begin = next;
  }
  return lines;
}

bool IsBlank(absl::string_view line) { return absl::StripAsciiWhitespace(line).empty(); }

// The speaker named by a label match: its first group, else the match without
// the trailing blanks, colons and dashes that end a label.
std::string SpeakerName(const RE2& pattern, absl::string_view match, absl::string_view group) {
  if (pattern.NumberOfCapturingGroups() >= 1 && !group.empty()) {
    return std::string(absl::StripAsciiWhitespace(group));
  }
  absl::string_view name = match;
  while (!name.empty()) {
    if (absl::EndsWith(name, "\u2014") || absl::EndsWith(name, "\u2013")) {
      name.remove_suffix(3);
    } else if (const char c = name.back(); c == ':' || c == '-' || c == ' ' || c == '\t') {
      name.remove_suffix(1);
    } else {
      break;
    }
  }
  return std::string(absl::StripAsciiWhitespace(name));
}

absl::StatusOr<std::unique_ptr<RE2>> CompileSpeakerPattern(absl::string_view pattern) {
  if (pattern.empty()) pattern = AbslView(kDefaultSpeakerPattern);
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), RE2::Quiet);
  if (!re->ok()) {
    return absl::InvalidArgumentError(absl::StrCat("speaker_pattern: ", re->error()));
  }
  return re;
}

// Matches a label at the start of `line`: the speaker and the label's length
// in bytes, or nothing. An empty match is no label.
std::optional<std::pair<std::string, size_t>> MatchLabel(const RE2& re, absl::string_view line) {
  re2::StringPiece groups[2];
  const int n = re.NumberOfCapturingGroups() >= 1 ? 2 : 1;
  if (!re.Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::ANCHOR_START,
                groups, n)) {
    return std::nullopt;
  }
  const absl::string_view match(groups[0].data(), groups[0].size());
  const absl::string_view group = n == 2 && groups[1].data() != nullptr
                                      ? absl::string_view(groups[1].data(), groups[1].size())
                                      : absl::string_view();
  std::string speaker = SpeakerName(re, match, group);
  if (speaker.empty()) return std::nullopt;
  return std::make_pair(std::move(speaker), match.size());
}

// --- Timed transcripts --------------------------------------------------------

struct Cue {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string speaker;
  std::string text;
};

// "hh:mm:ss.ttt" or "mm:ss.ttt" (WebVTT), "hh:mm:ss,ttt" (SRT).
std::optional<int64_t> ParseTimestamp(absl::string_view s) {
  s = absl::StripAsciiWhitespace(s);
  const size_t dot = s.find_last_of(".,");
  if (dot == absl::string_view::npos || s.size() - dot - 1 != 3) return std::nullopt;
  std::vector<absl::string_view> parts = absl::StrSplit(s.substr(0, dot), ':');
  if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
  int64_t total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const absl::string_view part = parts[i];
    const bool hours = parts.size() == 3 && i == 0;
    if (part.empty() || (!hours && part.size() != 2) || part.size() > 6) return std::nullopt;
    int64_t value = 0;
    for (const char c : part) {
      if (!absl::ascii_isdigit(c)) return std::nullopt;
      value = value * 10 + (c - '0');
    }
    if (!hours && i > 0 && value > 59) return std::nullopt;
    total = total * 60 + value;
  }
  int64_t millis = 0;
  for (const char c : s.substr(dot + 1)) {
    if (!absl::ascii_isdigit(c)) return std::nullopt;
    millis = millis * 10 + (c - '0');
  }
  return total * 1000 + millis;
}

// WebVTT character references: the named ones WebVTT defines and numeric ones.
std::string DecodeReferences(absl::string_view s) {
  static const std::pair<absl::string_view, absl::string_view> kNamed[] = {
      {"&amp;", "&"},  {"&lt;", "<"},        {"&gt;", ">"},       {"&quot;", "\""},
      {"&apos;", "'"}, {"&nbsp;", "\u00A0"}, {"&lrm;", "\u200E"}, {"&rlm;", "\u200F"}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    bool decoded = false;
    for (const auto& [name, value] : kNamed) {
      if (s.substr(i, name.size()) == name) {
        absl::StrAppend(&out, value);
        i += name.size();
        decoded = true;
        break;
      }
    }
    if (!decoded && i + 2 < s.size() && s[i + 1] == '#') {
      const size_t semicolon = s.find(';', i);
      const bool hex = s[i + 2] == 'x' || s[i + 2] == 'X';
      const size_t digits = i + (hex ? 3 : 2);
      if (semicolon != absl::string_view::npos && semicolon > digits && semicolon - digits <= 6) {
        uint32_t cp = 0;
        bool ok = true;
        for (size_t j = digits; j < semicolon; ++j) {
          const char c = s[j];
          if (hex && absl::ascii_isxdigit(c)) {
            cp = cp * 16 + (absl::ascii_isdigit(c) ? c - '0' : (absl::ascii_tolower(c) - 'a' + 10));
          } else if (!hex && absl::ascii_isdigit(c)) {
            cp = cp * 10 + (c - '0');
          } else {
            ok = false;
          }
        }
        if (ok && cp > 0 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF)) {
          AppendUtf8(out, cp);
          i = semicolon + 1;
          decoded = true;
        }
      }
    }
    if (!decoded) out += s[i++];
  }
  return out;
}

// Drops <tags> (and, in SRT, {\an8} style codes); returns the first <v Name>.
std::string StripTags(absl::string_view s, bool srt, std::string* voice) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const char open = s[i];
    const bool style_code = srt && open == '{' && i + 1 < s.size() && s[i + 1] == '\\';
    if (open != '<' && !style_code) {
      out += s[i++];
      continue;
    }
    const size_t close = s.find(style_code ? '}' : '>', i);
    if (close == absl::string_view::npos) {
      out += s[i++];
      continue;
    }
    const absl::string_view tag = s.substr(i + 1, close - i - 1);
    if (!srt && voice->empty() && tag.size() > 1 && tag[0] == 'v' &&
        (tag[1] == ' ' || tag[1] == '.' || tag[1] == '\t')) {
      const size_t space = tag.find_first_of(" \t");
      if (space != absl::string_view::npos) {
        *voice = std::string(absl::StripAsciiWhitespace(tag.substr(space + 1)));
      }
    }
    i = close + 1;
  }
  return out;
}

std::string CollapseBlanks(absl::string_view s) {
  std::string out;
  bool blank = false;
  for (const char c : s) {
    if (c == ' ' || c == '\t') {
      blank = !out.empty();
      continue;
    }
    if (blank) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

absl::StatusOr<std::vector<Cue>> ParseCues(absl::string_view data, bool srt, const RE2& pattern) {
  if (absl::StartsWith(data, "\xEF\xBB\xBF")) data.remove_prefix(3);
  std::vector<absl::string_view> lines;
  for (const Line& line : SplitLines(data)) lines.push_back(line.content);
  const absl::string_view format = srt ? "SRT" : "WebVTT";
  if (!srt) {
    if (lines.empty() || !absl::StartsWith(lines[0], "WEBVTT") ||
        (lines[0].size() > 6 && lines[0][6] != ' ' && lines[0][6] != '\t')) {
      return absl::InvalidArgumentError("not a WebVTT file: the first line is not \"WEBVTT\"");
    }
  }
  std::vector<Cue> cues;
  size_t i = srt ? 0 : 1;
  while (i < lines.size()) {
    while (i < lines.size() && IsBlank(lines[i])) ++i;
    const size_t block = i;
    while (i < lines.size() && !IsBlank(lines[i])) ++i;
    if (block == i) break;
    if (!srt &&
        (absl::StartsWith(lines[block], "NOTE") || absl::StartsWith(lines[block], "STYLE") ||
         absl::StartsWith(lines[block], "REGION"))) {
      continue;
    }
    size_t timing = block;
    while (timing < i && lines[timing].find("-->") == absl::string_view::npos) ++timing;
    if (timing == i || timing > block + 1) {
      return absl::InvalidArgumentError(absl::StrCat("not a ", format, " file: line ", block + 1,
                                                     " starts a block without a cue timing"));
    }
    const absl::string_view line = lines[timing];
    const size_t arrow = line.find("-->");
    absl::string_view end_field = absl::StripAsciiWhitespace(line.substr(arrow + 3));
    end_field = end_field.substr(0, end_field.find_first_of(" \t"));
    const std::optional<int64_t> start = ParseTimestamp(line.substr(0, arrow));
    const std::optional<int64_t> end = ParseTimestamp(end_field);
    if (!start || !end) {
      return absl::InvalidArgumentError(
          absl::StrCat(format, " line ", timing + 1, ": bad cue timing \"", line, "\""));
    }
    std::vector<std::string> payload;
    for (size_t j = timing + 1; j < i; ++j) payload.emplace_back(lines[j]);
    Cue cue{*start, *end, "", ""};
    std::string text = StripTags(absl::StrJoin(payload, " "), srt, &cue.speaker);
    if (!srt) text = DecodeReferences(text);
    text = CollapseBlanks(text);
    if (cue.speaker.empty()) {
      if (auto label = MatchLabel(pattern, text)) {
        cue.speaker = std::move(label->first);
        text = text.substr(label->second);
      }
    }
    cue.text = std::string(absl::StripAsciiWhitespace(text));
    if (!cue.text.empty()) cues.push_back(std::move(cue));
  }
  if (cues.empty())
    return absl::InvalidArgumentError(absl::StrCat("no cues with text in the ", format, " file"));
  return cues;
}

}  // namespace

absl::StatusOr<std::vector<Turn>> SpeakerTurns(std::string_view text_view,
                                               std::string_view pattern_view) {
  const absl::string_view text = AbslView(text_view), pattern = AbslView(pattern_view);
  auto re = CompileSpeakerPattern(pattern);
  if (!re.ok()) return re.status();
  std::vector<Turn> turns;
  bool open = false;
  for (const Line& line : SplitLines(text)) {
    if (IsBlank(line.content)) continue;
    if (auto label = MatchLabel(**re, line.content)) {
      turns.push_back({line.start, line.end, std::move(label->first), std::nullopt, std::nullopt});
      open = true;
    } else if (open) {
      turns.back().end = line.end;
    } else {
      turns.push_back({line.start, line.end, "", std::nullopt, std::nullopt});
      open = true;
    }
  }
  return turns;
}

absl::StatusOr<ExtractedText> ParseTimedTranscript(std::string_view data_view, bool srt,
                                                   std::string_view pattern_view) {
  const absl::string_view data = AbslView(data_view), pattern = AbslView(pattern_view);
  auto re = CompileSpeakerPattern(pattern);
  if (!re.ok()) return re.status();
  auto cues = ParseCues(data, srt, **re);
  if (!cues.ok()) return cues.status();
  ExtractedText extracted;
  extracted.tool = srt ? "icr SRT parser 1" : "icr WebVTT parser 1";
  int64_t cp = 0;
  auto append = [&](absl::string_view s) {
    absl::StrAppend(&extracted.text, s);
    cp += CountCodePoints(s);
  };
  for (const Cue& cue : *cues) {
    // Cues of one named speaker in a row are one turn; unnamed cues stay apart.
    const bool continues = !extracted.turns.empty() && !cue.speaker.empty() &&
                           extracted.turns.back().speaker == cue.speaker;
    if (continues) {
      append("\n");
      append(cue.text);
      extracted.turns.back().end = cp;
      extracted.turns.back().end_ms = cue.end_ms;
      continue;
    }
    if (!extracted.turns.empty()) append("\n\n");
    Turn turn{cp, cp, cue.speaker, cue.start_ms, cue.end_ms};
    if (!cue.speaker.empty()) append(absl::StrCat(cue.speaker, ": "));
    append(cue.text);
    turn.end = cp;
    extracted.turns.push_back(std::move(turn));
  }
  append("\n");
  return extracted;
}

}  // namespace icr::text
