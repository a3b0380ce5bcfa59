#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "client/catalog_command_support.h"

namespace icr::client::catalog {

namespace {

using google::protobuf::RepeatedPtrField;

// Lower-case CLI words -> segmentation and offset unit.
const std::map<std::string, v1::Segmentation> kSegmentations = {
    {"none", v1::SEGMENT_NONE}, {"paragraph", v1::SEGMENT_PARAGRAPH}, {"line", v1::SEGMENT_LINE}};
const std::map<std::string, v1::OffsetUnit> kUnits = {
    {"code_points", v1::CODE_POINTS}, {"utf16", v1::UTF16_UNITS}, {"bytes", v1::UTF8_BYTES}};

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open"));
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
    std::string project, id, file, title, segment = "paragraph";
  };
  auto add = std::make_shared<AddFlags>();
  CLI::App* a = doc->add_subcommand("add", "add a UTF-8 text document from a file");
  a->add_option("PROJECT", add->project, "project id")->required();
  a->add_option("DOC", add->id, "document id")->required();
  a->add_option("--file", add->file, "UTF-8 text file")->required();
  a->add_option("--title", add->title, "title (default: the id)");
  a->add_option("--segment", add->segment, "units of analysis: paragraph (default), line or none")
      ->check(CLI::IsMember(Keys(kSegmentations)));
  a->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      absl::StatusOr<std::string> text = ReadTextFile(add->file);
      if (!text.ok()) return text.status();
      v1::CreateDocumentRequest request;
      request.set_project(add->project);
      request.set_id(add->id);
      request.set_title(add->title);
      request.set_text(*std::move(text));
      request.set_segmentation(kSegmentations.at(add->segment));
      request.set_request_id(NewRequestId());
      return CallAndPrint(ctx, connection, &v1::ProjectService::Stub::CreateDocument,
                          connection.project(), request,
                          [](const auto& r) { return DocumentRows(One(r.document())); });
    });
  });

  AddProjectListCommand(
      *doc, ctx, "list documents", &v1::ProjectService::Stub::ListDocuments,
      [](const v1::ListDocumentsResponse& r) { return DocumentRows(r.documents()); });

  struct ShowFlags {
    std::string project, id, units = "code_points";
    bool text = false;
  };
  auto show = std::make_shared<ShowFlags>();
  CLI::App* s = doc->add_subcommand("show", "show a document's segments (and text)");
  s->add_option("PROJECT", show->project, "project id")->required();
  s->add_option("DOC", show->id, "document id")->required();
  s->add_option("--units", show->units, "offset units: code_points (default), utf16 or bytes")
      ->check(CLI::IsMember(Keys(kUnits)));
  s->add_flag("--text", show->text, "print the text too");
  s->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::GetDocumentRequest request;
      request.set_project(show->project);
      request.set_document(show->id);
      request.set_include_text(show->text);
      request.set_offset_unit(kUnits.at(show->units));
      auto response =
          connection.Call(&v1::ProjectService::Stub::GetDocument, connection.project(), request);
      if (!response.ok()) return response.status();
      Rows rows = {{"segment", "start", "end"}};
      for (int i = 0; i < response->document().segments_size(); ++i) {
        const v1::Segment& seg = response->document().segments(i);
        rows.push_back({std::to_string(i), std::to_string(seg.start()), std::to_string(seg.end())});
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
