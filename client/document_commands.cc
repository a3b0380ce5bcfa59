#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/catalog_command_support.h"

namespace icr::client::catalog {

namespace {

using google::protobuf::RepeatedPtrField;

// Lower-case CLI words -> segmentation and offset unit.
const std::map<std::string, v1::Segmentation> kSegmentations = {
    {"none", v1::SEGMENT_NONE},
    {"paragraph", v1::SEGMENT_PARAGRAPH},
    {"line", v1::SEGMENT_LINE},
    {"sentence", v1::SEGMENT_SENTENCE},
    {"turn", v1::SEGMENT_TURN}};
// File extensions -> the formats the server extracts text from.
const std::map<std::string, std::string> kFormatsByExtension = {
    {".docx", "docx"}, {".odt", "odt"}, {".rtf", "rtf"},     {".html", "html"},
    {".htm", "html"},  {".md", "md"},   {".markdown", "md"}, {".pdf", "pdf"},
    {".vtt", "vtt"},   {".srt", "srt"}, {".txt", "txt"},     {".text", "txt"}};
const std::vector<std::string> kFormats = {"docx", "odt", "rtf", "html", "md",
                                           "pdf",  "vtt", "srt", "txt"};

// The file's format: --format, else its extension (case aside).
absl::StatusOr<std::string> FileFormat(const std::string& path, const std::string& given) {
  if (!given.empty()) return given;
  const size_t dot = path.find_last_of('.');
  const size_t slash = path.find_last_of('/');
  std::string extension;
  if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
    extension = absl::AsciiStrToLower(path.substr(dot));
  }
  auto it = kFormatsByExtension.find(extension);
  if (it == kFormatsByExtension.end()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": unknown format \"", extension,
                                                   "\"; give --format (",
                                                   absl::StrJoin(kFormats, ", "), ")"));
  }
  return it->second;
}

// "01:02:03.456" from milliseconds.
std::string FormatTime(int64_t ms) {
  return absl::StrFormat("%02d:%02d:%02d.%03d", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                         ms % 1000);
}
const std::map<std::string, v1::OffsetUnit> kUnits = {
    {"code_points", v1::CODE_POINTS}, {"utf16", v1::UTF16_UNITS}, {"bytes", v1::UTF8_BYTES}};

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Rows DocumentRows(const RepeatedPtrField<v1::Document>& documents) {
  Rows rows = {{"document", "title", "code_points", "utf16_units", "bytes", "segments", "sha256"}};
  for (const v1::Document& d : documents) {
    rows.push_back({d.id(), d.title(), std::to_string(d.length_code_points()),
                    std::to_string(d.length_utf16_units()), std::to_string(d.length_bytes()),
                    std::to_string(d.segments_size()), d.sha256()});
  }
  return rows;
}

}  // namespace

void AddDocumentCommands(CLI::App& app, const Context& ctx) {
  CLI::App* doc = app.add_subcommand("doc", "documents");
  doc->require_subcommand(1);

  struct AddFlags {
    std::string project, id, file, title, segment = "paragraph", format, speaker_pattern;
  };
  auto add = std::make_shared<AddFlags>();
  CLI::App* a = doc->add_subcommand(
      "add",
      "add a document from a file: text, Word, OpenDocument, RTF, HTML, Markdown, PDF, "
      "WebVTT or SRT");
  a->add_option("PROJECT", add->project, "project id")->required();
  a->add_option("DOC", add->id, "document id")->required();
  a->add_option("--file", add->file,
                "the file: .txt (UTF-8), .docx, .odt, .rtf, .html, .md, .pdf, .vtt or .srt")
      ->required();
  a->add_option("--format", add->format, "the file's format, when its extension does not say")
      ->check(CLI::IsMember(kFormats));
  a->add_option("--title", add->title, "title (default: the id)");
  a->add_option("--segment", add->segment,
                "units of analysis: paragraph (default), line, sentence, turn (speaker turns) or "
                "none")
      ->check(CLI::IsMember(Keys(kSegmentations)));
  a->add_option("--speaker_pattern", add->speaker_pattern,
                "RE2 pattern a speaker's line starts with (its first group names the speaker); "
                "default: a capitalised label of up to three words and a colon or dash");
  a->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      absl::StatusOr<std::string> format = FileFormat(add->file, add->format);
      if (!format.ok()) return format.status();
      absl::StatusOr<std::string> contents = ReadTextFile(add->file);
      if (!contents.ok()) return contents.status();
      v1::CreateDocumentRequest request;
      request.set_project(add->project);
      request.set_id(add->id);
      request.set_title(add->title);
      // Plain text is the document itself; any other file goes to the server,
      // which extracts its text and keeps the file beside it.
      if (*format == "txt") {
        request.set_text(*std::move(contents));
      } else {
        request.set_original(*std::move(contents));
        request.set_original_format(*format);
      }
      request.set_segmentation(kSegmentations.at(add->segment));
      request.set_speaker_pattern(add->speaker_pattern);
      request.set_request_id(NewRequestId());
      absl::StatusOr<v1::CreateDocumentResponse> response =
          connection.Call(&v1::ProjectService::Stub::CreateDocument, connection.project(), request);
      if (!response.ok()) {
        // The file named first; the payload keeps it a server error (exit 1).
        absl::Status named(response.status().code(),
                           absl::StrCat(add->file, ": ", response.status().message()));
        response.status().ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
          named.SetPayload(url, payload);
        });
        return named;
      }
      Print(ctx.globals, std::cout, *response, DocumentRows(One(response->document())));
      return absl::OkStatus();
    });
  });

  AddProjectListCommand(
      *doc, ctx, "list documents", &v1::ProjectService::Stub::ListDocuments,
      [](const v1::ListDocumentsResponse& r) { return DocumentRows(r.documents()); });

  struct ShowFlags {
    std::string project, id, units = "code_points", out;
    bool text = false, original = false;
  };
  auto show = std::make_shared<ShowFlags>();
  CLI::App* s = doc->add_subcommand("show", "show a document's segments (and text)");
  s->add_option("PROJECT", show->project, "project id")->required();
  s->add_option("DOC", show->id, "document id")->required();
  s->add_option("--units", show->units, "offset units: code_points (default), utf16 or bytes")
      ->check(CLI::IsMember(Keys(kUnits)));
  s->add_flag("--text", show->text, "print the text too");
  s->add_flag("--original", show->original,
              "write the original file the text was extracted from to --out");
  s->add_option("--out", show->out, "where --original writes the file");
  s->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::GetDocumentRequest request;
      request.set_project(show->project);
      request.set_document(show->id);
      request.set_include_text(show->text);
      request.set_offset_unit(kUnits.at(show->units));
      if (show->original && show->out.empty()) {
        return absl::InvalidArgumentError("--original: give --out FILE to write it to");
      }
      request.set_include_original(show->original);
      auto response =
          connection.Call(&v1::ProjectService::Stub::GetDocument, connection.project(), request);
      if (!response.ok()) return response.status();
      if (show->original) {
        if (response->document().original_sha256().empty()) {
          return absl::NotFoundError(
              absl::StrCat("document ", show->id, " has no original file: it was added as text"));
        }
        std::ofstream out(show->out, std::ios::binary | std::ios::trunc);
        out << response->original();
        out.close();
        if (!out) {
          return absl::InternalError(
              absl::StrCat(show->out, ": cannot write: ", std::strerror(errno)));
        }
        std::cerr << "wrote " << show->out << " (" << response->document().original_format() << ", "
                  << response->original().size() << " bytes, sha256 "
                  << response->document().original_sha256() << ")\n";
        response->clear_original();
      }
      // Speakers and times only where the segments have them.
      bool turns = false;
      for (const v1::Segment& seg : response->document().segments()) {
        turns = turns || !seg.speaker().empty() || seg.has_start_ms();
      }
      Rows rows = {{"segment", "start", "end"}};
      if (turns) rows[0].insert(rows[0].end(), {"speaker", "start_time", "end_time"});
      for (int i = 0; i < response->document().segments_size(); ++i) {
        const v1::Segment& seg = response->document().segments(i);
        rows.push_back({std::to_string(i), std::to_string(seg.start()), std::to_string(seg.end())});
        if (turns) {
          rows.back().insert(rows.back().end(),
                             {seg.speaker(), seg.has_start_ms() ? FormatTime(seg.start_ms()) : "",
                              seg.has_end_ms() ? FormatTime(seg.end_ms()) : ""});
        }
      }
      Print(ctx.globals, std::cout, *response, rows);
      if (show->text && ctx.globals.output == OutputFormat::kTable) {
        std::cout << "\n" << response->document().text() << "\n";
      }
      return absl::OkStatus();
    });
  });
}

}  // namespace icr::client::catalog
