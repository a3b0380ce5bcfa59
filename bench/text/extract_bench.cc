// Extraction time of a 60-minute interview transcript (about 9,000 words,
// 120 speaker turns) in every format icr takes: the office, HTML and Markdown
// files written by pandoc from one Markdown source, a text PDF written here
// (one block per turn, 45 lines a page), WebVTT and SRT with a cue per
// sentence. Each figure is the median of --runs extractions, tool start-up
// and sandbox included.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "server/text/extract.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"
#include "tests/text/document_files.h"

namespace {

struct Sentence {
  std::string speaker;
  std::string text;
  int64_t start_ms;
  int64_t end_ms;
};

// 120 turns; the interviewer asks in one sentence, P12 answers in six; about
// 9,000 words over 60 minutes.
std::vector<Sentence> Transcript() {
  static const char* kWords[] = {
      "the",   "mentor", "was",  "busy",   "and",    "I",     "felt", "that",   "we",    "met",
      "every", "week",   "but",  "often",  "talked", "about", "my",   "plans",  "which", "helped",
      "a",     "lot",    "when", "things", "got",    "hard",  "at",   "school", "then",  "later"};
  std::vector<Sentence> sentences;
  unsigned seed = 12;
  int64_t ms = 0;
  for (int turn = 0; turn < 120; ++turn) {
    const bool interviewer = turn % 2 == 0;
    const int count = interviewer ? 1 : 6;
    for (int s = 0; s < count; ++s) {
      const int words = interviewer ? 14 : 22 + static_cast<int>(seed % 3);
      std::string text;
      for (int w = 0; w < words; ++w) {
        seed = seed * 1103515245 + 12345;
        absl::StrAppend(&text, w == 0 ? "" : " ", kWords[(seed >> 16) % 30]);
      }
      text[0] = static_cast<char>(std::toupper(text[0]));
      text += interviewer ? "?" : ".";
      const int64_t length = words * 400;  // 150 words a minute
      sentences.push_back({interviewer ? "Interviewer" : "P12", text, ms, ms + length});
      ms += length;
    }
  }
  return sentences;
}

std::string Timestamp(int64_t ms, char separator) {
  return absl::StrFormat("%02d:%02d:%02d%c%03d", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                         separator, ms % 1000);
}

// A PDF of `blocks` of text lines, 45 lines a page, a blank line between blocks.
std::string MakeLongPdf(const std::vector<std::vector<std::string>>& blocks) {
  std::vector<std::string> pages;
  std::string page;
  int lines = 0;
  auto line = [&](const std::string& text, int gap) {
    if (lines == 45) {
      pages.push_back(page + "ET");
      page.clear();
      lines = 0;
    }
    if (lines == 0) {
      page = "BT /F1 10 Tf 12 TL 50 760 Td ";
    } else {
      page += absl::StrCat("0 -", 12 * gap, " Td ");
    }
    page += "(" + text + ") Tj ";
    ++lines;
  };
  for (const auto& block : blocks) {
    for (size_t i = 0; i < block.size(); ++i) line(block[i], i == 0 && lines > 0 ? 2 : 1);
  }
  pages.push_back(page + "ET");
  // Objects: 1 catalog, 2 pages, 3 font, then a page and its content each.
  std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>", "",
                                      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string kids;
  for (size_t i = 0; i < pages.size(); ++i) {
    const size_t page_object = objects.size() + 1;
    absl::StrAppend(&kids, page_object, " 0 R ");
    objects.push_back(absl::StrCat(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R "
        ">> >> /Contents ",
        page_object + 1, " 0 R >>"));
    objects.push_back(
        absl::StrCat("<< /Length ", pages[i].size(), " >>\nstream\n", pages[i], "\nendstream"));
  }
  objects[1] = absl::StrCat("<< /Type /Pages /Kids [", kids, "] /Count ", pages.size(), " >>");
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    absl::StrAppend(&pdf, i + 1, " 0 obj\n", objects[i], "\nendobj\n");
  }
  const size_t xref = pdf.size();
  absl::StrAppend(&pdf, "xref\n0 ", objects.size() + 1, "\n0000000000 65535 f \n");
  for (size_t offset : offsets)
    absl::StrAppend(&pdf, absl::StrFormat("%010d", offset), " 00000 n \n");
  absl::StrAppend(&pdf, "trailer\n<< /Size ", objects.size() + 1, " /Root 1 0 R >>\nstartxref\n",
                  xref, "\n%%EOF\n");
  return pdf;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
  }
  const std::vector<Sentence> sentences = Transcript();
  std::string markdown = "# Interview 12\n\n", vtt = "WEBVTT\n\n", srt;
  std::vector<std::vector<std::string>> blocks = {{"Interview 12"}};
  size_t words = 0;
  for (size_t i = 0; i < sentences.size(); ++i) {
    const Sentence& s = sentences[i];
    const bool starts = i == 0 || sentences[i - 1].speaker != s.speaker;
    if (starts) {
      absl::StrAppend(&markdown, i == 0 ? "" : "\n\n", s.speaker, ": ");
      blocks.push_back({s.speaker + ":"});
    } else {
      markdown += " ";
    }
    markdown += s.text;
    absl::StrAppend(&vtt, Timestamp(s.start_ms, '.'), " --> ", Timestamp(s.end_ms, '.'), "\n<v ",
                    s.speaker, ">", s.text, "\n\n");
    absl::StrAppend(&srt, i + 1, "\n", Timestamp(s.start_ms, ','), " --> ",
                    Timestamp(s.end_ms, ','), "\n", s.speaker, ": ", s.text, "\n\n");
    // PDF lines of about 90 characters.
    for (const absl::string_view word : absl::StrSplit(s.text, ' ')) {
      if (blocks.back().back().size() + word.size() > 90) blocks.back().emplace_back();
      std::string& line = blocks.back().back();
      absl::StrAppend(&line, line.empty() ? "" : " ", word);
      ++words;
    }
  }
  markdown += "\n";
  icr::testing::TempDir dir;
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string format : {"docx", "odt", "rtf", "html", "md"}) {
    files.emplace_back(format, icr::testing::WriteWithPandoc(markdown, format, dir.path()));
  }
  files.emplace_back("pdf", MakeLongPdf(blocks));
  files.emplace_back("vtt", vtt);
  files.emplace_back("srt", srt);
  std::printf("transcript: %zu words, %zu sentences, 60 minutes; median of %d runs\n", words,
              sentences.size(), runs);
  std::printf("%-6s %10s %12s %10s  %s\n", "format", "file_bytes", "text_chars", "median_ms",
              "tool");
  for (const auto& [format, data] : files) {
    std::vector<double> times;
    std::string tool;
    size_t text = 0;
    for (int r = 0; r < runs; ++r) {
      const auto start = std::chrono::steady_clock::now();
      auto extracted = icr::text::ExtractText(data, format, "", icr::text::SandboxLimits{});
      times.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      if (!extracted.ok()) {
        std::printf("%-6s failed: %s\n", format.c_str(), extracted.status().ToString().c_str());
        break;
      }
      tool = extracted->tool;
      text = extracted->text.size();
    }
    std::sort(times.begin(), times.end());
    std::printf("%-6s %10zu %12zu %10.1f  %s\n", format.c_str(), data.size(), text,
                times[times.size() / 2], tool.c_str());
  }
  return 0;
}
