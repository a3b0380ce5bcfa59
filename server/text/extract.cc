#include "server/text/extract.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/common/string_view.h"
#include "server/text/utf8.h"
#include "server/text/utf8_append.h"

namespace icr::text {
namespace {

// Flattens the document to one paragraph per leaf block (paragraph, heading,
// list item, table cell, code block, line block) in document order, keeping
// line breaks within a block as line breaks.
constexpr absl::string_view kParagraphFilter = R"lua(
local breaks = {
  SoftBreak = function() return pandoc.Str('\n') end,
  LineBreak = function() return pandoc.Str('\n') end,
}
function Pandoc(doc)
  local out = {}
  local function keep(block)
    local text = pandoc.utils.stringify(pandoc.walk_block(block, breaks))
    if text:match('%S') then table.insert(out, pandoc.Para({pandoc.Str(text)})) end
    return nil
  end
  pandoc.walk_block(pandoc.Div(doc.blocks), {
    Para = keep, Plain = keep, Header = keep, CodeBlock = keep, LineBlock = keep,
  })
  return pandoc.Pandoc(out, pandoc.Meta({}))
end
)lua";

struct Tool {
  std::string path;
  std::string version;  // "pandoc 2.17.1.1"
};

// A temporary folder removed with its files when the extraction ends.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "icr-extract-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  absl::Status Write(const std::string& name, absl::string_view data) const {
    std::ofstream out(std::filesystem::path(path_) / name, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.close();
    if (!out) return absl::InternalError("cannot write the file to extract");
    return absl::OkStatus();
  }

 private:
  std::string path_;
};

// The tool and its version, asked once per process.
absl::StatusOr<Tool> FindTool(const std::string& program) {
  static std::mutex mutex;
  static std::map<std::string, Tool>* tools = new std::map<std::string, Tool>();
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = tools->find(program); it != tools->end()) return it->second;
  Tool tool{FindProgram(program), ""};
  if (tool.path.empty()) {
    return absl::UnavailableError(
        absl::StrCat(program, " is not installed on the server (Debian: apt-get install ",
                     program == "pandoc" ? "pandoc" : "poppler-utils", ")"));
  }
  ScratchFolder folder;
  SandboxLimits limits;
  limits.time = absl::Seconds(10);
  auto run = RunSandboxed({tool.path, program == "pandoc" ? "--version" : "-v"},
                          folder.path().empty() ? "/" : folder.path(), limits);
  if (run.ok()) {
    // "pandoc 2.17.1.1" on stdout; "pdftotext version 22.12.0" on stderr.
    const std::string& said = run->out.empty() ? run->err : run->out;
    std::vector<std::string> words =
        absl::StrSplit(said.substr(0, said.find('\n')), ' ', absl::SkipEmpty());
    if (!words.empty()) tool.version = absl::StrCat(program, " ", words.back());
  }
  if (tool.version.empty()) tool.version = program;
  (*tools)[program] = tool;
  return tool;
}

// The tool's own words on why it failed: its first lines of diagnostics.
std::string FirstLines(absl::string_view err) {
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(err, '\n', absl::SkipWhitespace())) {
    lines.push_back(absl::StripAsciiWhitespace(line));
    if (lines.size() == 3) break;
  }
  return absl::StrJoin(lines, " ");
}

absl::StatusOr<std::string> RunTool(const Tool& tool, absl::string_view format,
                                    const std::vector<std::string>& argv, const std::string& folder,
                                    const SandboxLimits& limits) {
  auto run = RunSandboxed(argv, folder, limits);
  if (!run.ok()) return run.status();
  if (run->timed_out) {
    return absl::DeadlineExceededError(absl::StrCat("extracting the ", format, " file took over ",
                                                    absl::FormatDuration(limits.time),
                                                    ", the limit; nothing was stored"));
  }
  if (run->output_over) {
    return absl::ResourceExhaustedError(absl::StrCat("the text extracted from the ", format,
                                                     " file is over ", limits.output_bytes,
                                                     " bytes, the limit"));
  }
  if (run->exit_code != 0) {
    const std::string why = FirstLines(run->err);
    // GHC's runtime says "out of memory"; poppler and others die of a signal.
    const bool memory =
        absl::StrContains(why, "out of memory") || absl::StrContains(why, "Out of memory") ||
        absl::StrContains(why, "bad_alloc") || run->signal == SIGSEGV || run->signal == SIGABRT;
    if (memory) {
      return absl::ResourceExhaustedError(
          absl::StrCat("extracting the ", format, " file needed over ", limits.memory_bytes,
                       " bytes of memory, the limit (", tool.version, ": ",
                       why.empty() ? absl::StrCat("signal ", run->signal) : why, ")"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "not a readable ", format, " file (", tool.version, ": ",
        why.empty() ? absl::StrCat("exit ", run->exit_code, " signal ", run->signal) : why, ")"));
  }
  return std::move(run->out);
}

std::string DecodeXmlText(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    const size_t semicolon = s.find(';', i);
    if (semicolon == absl::string_view::npos || semicolon - i > 10) {
      out += s[i++];
      continue;
    }
    const absl::string_view name = s.substr(i + 1, semicolon - i - 1);
    if (name == "amp")
      out += '&';
    else if (name == "lt")
      out += '<';
    else if (name == "gt")
      out += '>';
    else if (name == "quot")
      out += '"';
    else if (name == "apos")
      out += '\'';
    else if (!name.empty() && name[0] == '#') {
      uint32_t cp = 0;
      const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      for (const char c : name.substr(hex ? 2 : 1)) {
        cp = hex ? cp * 16 + (absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10)
                 : cp * 10 + (c - '0');
      }
      text::AppendUtf8(out, cp);
    } else {
      absl::StrAppend(&out, s.substr(i, semicolon - i + 1));
    }
    i = semicolon + 1;
  }
  return out;
}

// pdftotext -bbox-layout writes XHTML of blocks of lines of words: each block
// becomes a paragraph, each line a line, words joined by one blank.
std::string PdfBlocksToText(absl::string_view xhtml) {
  std::string out;
  size_t i = 0;
  while ((i = xhtml.find("<block", i)) != absl::string_view::npos) {
    const size_t block_end = std::min(xhtml.find("</block>", i), xhtml.size());
    bool first_line = true;
    size_t j = i;
    while ((j = xhtml.find("<line", j)) != absl::string_view::npos && j < block_end) {
      const size_t line_end = std::min(xhtml.find("</line>", j), block_end);
      std::string line;
      size_t k = j;
      while ((k = xhtml.find("<word", k)) != absl::string_view::npos && k < line_end) {
        const size_t open_end = xhtml.find('>', k);
        const size_t close = xhtml.find("</word>", k);
        if (open_end == absl::string_view::npos || close == absl::string_view::npos) break;
        if (!line.empty()) line += ' ';
        line += DecodeXmlText(xhtml.substr(open_end + 1, close - open_end - 1));
        k = close;
      }
      if (!line.empty()) {
        if (!first_line) out += '\n';
        absl::StrAppend(&out, line);
        first_line = false;
      }
      j = line_end;
    }
    if (!first_line) out += "\n\n";
    i = block_end;
  }
  return out;
}

}  // namespace

// pandoc 2.17's RTF reader drops the blank after a "\uN?" escape and cannot
// join UTF-16 surrogate pairs (emoji), but reads UTF-8 in the RTF as text:
// so the escapes, with their fallback characters (\ucN, default 1), become
// UTF-8 before pandoc reads the file.
std::string RtfUnicodeToUtf8(std::string_view rtf_view) {
  const absl::string_view rtf = AbslView(rtf_view);
  std::string out;
  out.reserve(rtf.size());
  int fallback = 1;
  uint32_t high_surrogate = 0;
  auto digits_at = [&](size_t i, int64_t* value) -> size_t {
    const bool negative = i < rtf.size() && rtf[i] == '-';
    size_t j = i + negative;
    int64_t v = 0;
    while (j < rtf.size() && j - i < 8 && absl::ascii_isdigit(rtf[j]))
      v = v * 10 + (rtf[j++] - '0');
    if (j == i + negative) return 0;
    *value = negative ? -v : v;
    return j - i;
  };
  for (size_t i = 0; i < rtf.size();) {
    if (rtf[i] != '\\' || i + 1 >= rtf.size()) {
      out += rtf[i++];
      continue;
    }
    if (rtf[i + 1] != 'u') {
      // An escaped character ("\\", "\{") is copied whole, never read as the
      // start of a control word.
      absl::StrAppend(&out, rtf.substr(i, 2));
      i += 2;
      continue;
    }
    int64_t value = 0;
    if (rtf.substr(i, 3) == "\\uc") {
      if (const size_t n = digits_at(i + 3, &value); n > 0 && value >= 0) {
        fallback = static_cast<int>(value);
        absl::StrAppend(&out, rtf.substr(i, 3 + n));
        i += 3 + n;
        continue;
      }
    }
    const size_t n = digits_at(i + 2, &value);
    if (n == 0) {
      absl::StrAppend(&out, rtf.substr(i, 2));
      i += 2;
      continue;
    }
    i += 2 + n;
    if (i < rtf.size() && rtf[i] == ' ') ++i;  // the control word's delimiter
    for (int skipped = 0; skipped < fallback && i < rtf.size(); ++skipped) {
      if (rtf[i] == '\\' && i + 3 < rtf.size() && rtf[i + 1] == '\'') {
        i += 4;
      } else if (rtf[i] == '\\' || rtf[i] == '{' || rtf[i] == '}') {
        break;
      } else {
        ++i;
      }
    }
    uint32_t cp = static_cast<uint32_t>(value < 0 ? value + 65536 : value) & 0xFFFF;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      high_surrogate = cp;
      continue;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      if (high_surrogate == 0) continue;
      cp = 0x10000 + ((high_surrogate - 0xD800) << 10) + (cp - 0xDC00);
    }
    high_surrogate = 0;
    if (cp == '\\' || cp == '{' || cp == '}') out += '\\';
    if (cp != 0) text::AppendUtf8(out, cp);
  }
  return out;
}

const std::vector<std::string>& ExtractionFormats() {
  static const auto* formats =
      new std::vector<std::string>{"docx", "odt", "rtf", "html", "md", "pdf", "vtt", "srt", "txt"};
  return *formats;
}

std::string NormalizeExtractedText(std::string_view text_view) {
  const absl::string_view text = AbslView(text_view);
  std::vector<absl::string_view> lines;
  for (absl::string_view line : absl::StrSplit(text, absl::ByAnyChar("\n"))) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // A page break (pdftotext) or a lone carriage return ends a line too.
    for (absl::string_view part : absl::StrSplit(line, absl::ByAnyChar("\f\r"))) {
      lines.push_back(absl::StripTrailingAsciiWhitespace(part));
    }
  }
  std::string out;
  bool pending_blank = false;
  for (absl::string_view line : lines) {
    if (line.empty()) {
      pending_blank = !out.empty();
      continue;
    }
    if (pending_blank) out += "\n";
    pending_blank = false;
    absl::StrAppend(&out, line);
    out += "\n";
  }
  return out;
}

absl::StatusOr<ExtractedText> ExtractText(std::string_view data_view, std::string_view format_view,
                                          std::string_view speaker_pattern,
                                          const SandboxLimits& limits) {
  const absl::string_view data = AbslView(data_view), format = AbslView(format_view);
  if (format == "vtt" || format == "srt") {
    if (!IsValidUtf8(data_view)) {
      return absl::InvalidArgumentError(absl::StrCat("the ", format, " file is not valid UTF-8"));
    }
    return ParseTimedTranscript(data_view, format == "srt", speaker_pattern);
  }
  if (format == "txt") {
    if (!IsValidUtf8(data_view))
      return absl::InvalidArgumentError("the txt file is not valid UTF-8");
    return ExtractedText{std::string(data_view), {}, ""};
  }
  const bool pdf = format == "pdf";
  if (!pdf && format != "docx" && format != "odt" && format != "rtf" && format != "html" &&
      format != "md") {
    return absl::InvalidArgumentError(absl::StrCat("format: \"", format, "\" is not one of ",
                                                   absl::StrJoin(ExtractionFormats(), ", ")));
  }
  auto tool = FindTool(pdf ? "pdftotext" : "pandoc");
  if (!tool.ok()) return tool.status();
  ScratchFolder folder;
  if (folder.path().empty()) return absl::InternalError("cannot create a folder to extract in");
  const std::string input = absl::StrCat("input.", format);
  if (absl::Status s = folder.Write(
          input, format == "rtf" ? RtfUnicodeToUtf8(data_view) : std::string(data_view));
      !s.ok()) {
    return s;
  }
  std::vector<std::string> argv;
  if (pdf) {
    argv = {tool->path, "-enc", "UTF-8", "-bbox-layout", input, "-"};
  } else {
    if (absl::Status s = folder.Write("paragraphs.lua", kParagraphFilter); !s.ok()) return s;
    const std::string reader = format == "md" ? "markdown" : std::string(format);
    argv = {tool->path,    "--sandbox", "--from",
            reader,        "--to",      "plain",
            "--wrap=none", "--eol=lf",  "--lua-filter=paragraphs.lua",
            input};
  }
  auto out = RunTool(*tool, format, argv, folder.path(), limits);
  if (!out.ok()) return out.status();
  if (!IsValidUtf8(*out)) {
    return absl::InvalidArgumentError(
        absl::StrCat(tool->version, " gave text that is not valid UTF-8"));
  }
  ExtractedText extracted{
      NormalizeExtractedText(pdf ? PdfBlocksToText(*out) : *out), {}, tool->version};
  if (extracted.text.empty()) {
    return absl::InvalidArgumentError(
        pdf ? "the PDF has no text layer (a scanned image?); run OCR on it first"
            : absl::StrCat("the ", format, " file holds no text"));
  }
  return extracted;
}

}  // namespace icr::text
