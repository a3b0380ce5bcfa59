#include "client/refi/refi_export.h"

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/output.h"
#include "client/refi/archive.h"
#include "client/refi/ids.h"
#include "client/refi/plan.h"
#include "client/refi/refi_command_support.h"
#include "client/refi/xml.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "server/text/utf8.h"

namespace icr::client {
namespace {

using nlohmann::json;

// What an export for one tool writes: its counting, its archive layout and
// an origin that names it (so that icr reads its own export back the same).
struct ExportTarget {
  refi::PositionCounting counting;
  refi::QdpxLayout layout;
  std::string origin = "icr";
};

absl::StatusOr<ExportTarget> TargetFor(const std::string& tool, const std::string& offsets) {
  ExportTarget target;
  if (tool == "atlasti") {
    target.counting.crlf_as_one = true;  // ATLAS.ti counts a CRLF as one character
    target.origin = "icr for ATLAS.ti";
  } else if (tool == "maxqda") {
    target.origin = "icr for MAXQDA";
  } else if (tool == "nvivo") {
    target.counting.unit = refi::PositionUnit::kUtf16;
    target.layout.sources_folder = "Sources";
    target.origin = "icr for NVivo";
  } else if (tool == "qualcoder") {
    target.origin = "icr for QualCoder";
  } else if (!tool.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--for: \"", tool, "\": use atlasti, maxqda, nvivo or qualcoder"));
  }
  // The tools' own exports start their text files with a byte-order mark.
  target.layout.byte_order_mark = !tool.empty();
  if (!offsets.empty()) {
    absl::StatusOr<refi::PositionUnit> unit = refi::ParsePositionUnit(offsets);
    if (!unit.ok()) return unit.status();
    if (!tool.empty() && *unit != target.counting.unit) {
      return absl::InvalidArgumentError(
          absl::StrCat("--offsets ", offsets, " contradicts --for ", tool));
    }
    target.counting.unit = *unit;
    // An export in UTF-16 units without --for says so in its origin, which
    // icr reads back as NVivo's counting.
    if (tool.empty() && *unit == refi::PositionUnit::kUtf16) target.origin = "icr (NVivo units)";
  }
  return target;
}

absl::StatusOr<std::string> CodeIdFor(const std::map<std::string, v1::Code>& codes,
                                      std::string id) {
  for (int hops = 0; hops < 64; ++hops) {
    auto it = codes.find(id);
    if (it == codes.end()) return absl::DataLossError(absl::StrCat("coding of unknown code ", id));
    if (it->second.state() != v1::CODE_MERGED) return id;
    id = it->second.merged_into();
  }
  return absl::DataLossError(absl::StrCat("code ", id, ": merge chain too long"));
}

std::vector<refi::Code> CodeTree(const std::vector<v1::Code>& codes) {
  std::map<std::string, std::vector<const v1::Code*>> children;
  for (const v1::Code& code : codes) {
    if (code.state() == v1::CODE_MERGED) continue;
    children[code.parent()].push_back(&code);
  }
  std::function<std::vector<refi::Code>(const std::string&, int)> build =
      [&](const std::string& parent, int depth) {
        std::vector<refi::Code> out;
        if (depth > 64) return out;
        for (const v1::Code* code : children[parent]) {
          refi::Code c;
          c.guid = code->guid().empty() ? refi::CodeGuid(code->id()) : code->guid();
          c.name = code->name().empty() ? code->id() : code->name();
          c.color = code->color();
          c.description = code->definition();
          c.codable = !code->grouping_only();
          c.children = build(code->id(), depth + 1);
          out.push_back(std::move(c));
        }
        return out;
      };
  return build("", 0);
}

// The file a document's text was extracted from, named in its source's
// Description (format, size, SHA-256, extraction tool) so that the export
// says what the plain text is; a Word file also goes into the archive as
// the source's richTextPath, which REFI-QDA defines as a DOCX. The text
// stays the source's plain text: the codings' positions count in it.
absl::Status AddOriginal(Connection& c, const std::string& project, const v1::Document& document,
                         refi::TextSource& source) {
  if (document.original_sha256().empty()) return absl::OkStatus();
  source.description = absl::StrCat(
      "Plain text extracted from the original ", document.original_format(), " file (",
      document.original_bytes(), " bytes, SHA-256 ", document.original_sha256(), ")",
      document.extraction_tool().empty() ? "" : absl::StrCat(" by ", document.extraction_tool()),
      "; icr document ", document.id(), ".");
  if (document.original_format() != "docx") return absl::OkStatus();
  v1::GetDocumentRequest request;
  request.set_project(project);
  request.set_document(document.id());
  request.set_include_original(true);
  auto response = c.Call(&v1::ProjectService::Stub::GetDocument, c.project(), request);
  if (!response.ok()) return response.status();
  if (refi::Sha256Hex(response->original()) != document.original_sha256()) {
    return absl::DataLossError(absl::StrCat("document ", document.id(),
                                            ": the original file's SHA-256 is not the one "
                                            "recorded (",
                                            document.original_sha256(), ")"));
  }
  source.rich_text_path = absl::StrCat("internal://", source.guid, ".docx");
  source.rich_text = response->original();
  absl::StrAppend(&source.description, " The original is the rich text (", source.rich_text_path,
                  ").");
  return absl::OkStatus();
}

}  // namespace

absl::Status ExportQdpx(Connection& c, const GlobalOptions& globals, const ExportFlags& flags) {
  absl::StatusOr<ExportTarget> target = TargetFor(flags.for_tool, flags.offsets);
  if (!target.ok()) return target.status();
  const refi::PositionUnit* unit = &target->counting.unit;
  v1::GetProjectRequest get_project;
  get_project.set_project(flags.project);
  auto project = c.Call(&v1::ProjectService::Stub::GetProject, c.project(), get_project);
  if (!project.ok()) return project.status();
  v1::GetRoundRequest get_round;
  get_round.set_project(flags.project);
  get_round.set_round(flags.round);
  auto round = c.Call(&v1::ProjectService::Stub::GetRound, c.project(), get_round);
  if (!round.ok()) return round.status();
  absl::StatusOr<std::vector<v1::Code>> codes = ListAllCodes(c, flags.project);
  if (!codes.ok()) return codes.status();
  std::map<std::string, v1::Code> code_by_id;
  for (const v1::Code& code : *codes) code_by_id[code.id()] = code;
  auto code_guid = [&](const std::string& id) {
    const v1::Code& code = code_by_id.at(id);
    return code.guid().empty() ? refi::CodeGuid(id) : code.guid();
  };

  refi::Project out;
  out.name = project->project().title().empty() ? flags.project : project->project().title();
  out.origin = target->origin;
  out.codes = CodeTree(*codes);

  // Sources: the round's documents, text in code points.
  int64_t described = 0, originals = 0;
  std::map<std::string, size_t> source_of_document;
  std::map<std::string, v1::Document> documents;
  for (const std::string& id : round->round().documents()) {
    v1::GetDocumentRequest request;
    request.set_project(flags.project);
    request.set_document(id);
    request.set_include_text(true);
    request.set_offset_unit(v1::CODE_POINTS);
    auto response = c.Call(&v1::ProjectService::Stub::GetDocument, c.project(), request);
    if (!response.ok()) return response.status();
    refi::TextSource source;
    source.guid = refi::DerivedGuid(absl::StrCat("icr:document:", flags.project, "/", id));
    source.name = response->document().title().empty() ? id : response->document().title();
    source.plain_text_path = absl::StrCat("internal://", source.guid, ".txt");
    source.text = response->document().text();
    absl::Status original = AddOriginal(c, flags.project, response->document(), source);
    if (!original.ok()) return original;
    if (!source.description.empty()) ++described;
    if (!source.rich_text.empty()) ++originals;
    source_of_document[id] = out.sources.size();
    documents[id] = response->document();
    out.sources.push_back(std::move(source));
  }

  // Positions in the unit asked for.
  auto position = [&](const std::string& document, int64_t start,
                      int64_t end) -> absl::StatusOr<std::pair<int64_t, int64_t>> {
    const std::string& text = out.sources[source_of_document.at(document)].text;
    std::pair<int64_t, int64_t> at(start, end);
    if (*unit == refi::PositionUnit::kUtf16) {
      absl::StatusOr<std::vector<int64_t>> converted = text::ConvertOffsets(
          text, text::OffsetUnit::kCodePoints, text::OffsetUnit::kUtf16Units, {start, end});
      if (!converted.ok()) return converted.status();
      at = std::make_pair((*converted)[0], (*converted)[1]);
    }
    if (target->counting.crlf_as_one) {
      at.first = refi::PositionWithCrlfAsOne(text, *unit, at.first);
      at.second = refi::PositionWithCrlfAsOne(text, *unit, at.second);
    }
    return at;
  };
  auto segment_span = [&](const std::string& document,
                          int64_t segment) -> absl::StatusOr<std::pair<int64_t, int64_t>> {
    const v1::Document& d = documents.at(document);
    if (segment < 0 || segment >= d.segments_size()) {
      return absl::DataLossError(absl::StrCat("document ", document, " has no segment ", segment));
    }
    return std::make_pair(d.segments(segment).start(), d.segments(segment).end());
  };

  std::set<std::string> users;
  for (const std::string& coder : round->round().coders()) users.insert(coder);
  v1::ListCodingsRequest list;
  list.set_project(flags.project);
  list.set_round(flags.round);
  auto codings = AllPages<v1::ListCodingsRequest, v1::ListCodingsResponse>(
      list, [&](const v1::ListCodingsRequest& r) {
        return c.Call(&v1::CodingService::Stub::ListCodings, c.coding(), r);
      });
  if (!codings.ok()) return codings.status();
  std::map<std::string, int64_t> per_coder;
  for (const v1::Coding& coding : codings->codings()) {
    if (coding.state() == v1::RETRACTED) continue;
    auto source = source_of_document.find(coding.document());
    if (source == source_of_document.end()) continue;
    absl::StatusOr<std::string> code = CodeIdFor(code_by_id, coding.code());
    if (!code.ok()) return code.status();
    absl::StatusOr<std::pair<int64_t, int64_t>> span =
        coding.has_span() ? std::make_pair(coding.span().start(), coding.span().end())
                          : segment_span(coding.document(), coding.segment());
    if (!span.ok()) return span.status();
    absl::StatusOr<std::pair<int64_t, int64_t>> at =
        position(coding.document(), span->first, span->second);
    if (!at.ok()) return at.status();
    const std::string key =
        absl::StrCat("icr:coding:", flags.project, "/", flags.round, "/", coding.id());
    refi::TextSelection selection;
    selection.guid = refi::DerivedGuid(key);
    selection.start = at->first;
    selection.end = at->second;
    selection.creating_user = refi::UserGuid(coding.coder());
    selection.description = coding.memo();
    refi::Coding ref;
    ref.guid = refi::DerivedGuid(key + "/coding");
    ref.code_guid = code_guid(*code);
    ref.creating_user = selection.creating_user;
    if (coding.has_create_time()) ref.creation_date_time = FormatTime(coding.create_time());
    selection.codings.push_back(std::move(ref));
    out.sources[source->second].selections.push_back(std::move(selection));
    users.insert(coding.coder());
    ++per_coder[coding.coder()];
  }

  // The consensus of a reconciled round, as the user "consensus", with each
  // resolution's rationale as a note on its coding.
  int64_t consensus_codings = 0;
  std::string consensus_note;
  if (round->round().state() != v1::OPEN) {
    auto agreement = v1::AgreementService::NewStub(c.channel());
    v1::GetConsensusRequest request;
    request.set_project(flags.project);
    request.set_round(flags.round);
    auto consensus = c.Call(&v1::AgreementService::Stub::GetConsensus, *agreement, request);
    if (!consensus.ok()) {
      consensus_note = absl::StrCat("consensus not exported: ", consensus.status().message());
    } else {
      const std::string consensus_user = refi::UserGuid("consensus");
      for (const v1::ConsensusCoding& coding : consensus->codings()) {
        auto source = source_of_document.find(coding.document());
        if (source == source_of_document.end() || coding.code().empty()) continue;
        absl::StatusOr<std::string> code = CodeIdFor(code_by_id, coding.code());
        if (!code.ok()) return code.status();
        absl::StatusOr<std::pair<int64_t, int64_t>> span =
            segment_span(coding.document(), coding.segment());
        if (!span.ok()) return span.status();
        absl::StatusOr<std::pair<int64_t, int64_t>> at =
            position(coding.document(), span->first, span->second);
        if (!at.ok()) return at.status();
        const std::string key = absl::StrCat("icr:consensus:", flags.project, "/", flags.round, "/",
                                             coding.document(), "/", coding.segment(), "/", *code);
        refi::TextSelection selection;
        selection.guid = refi::DerivedGuid(key);
        selection.start = at->first;
        selection.end = at->second;
        selection.creating_user = consensus_user;
        refi::Coding ref;
        ref.guid = refi::DerivedGuid(key + "/coding");
        ref.code_guid = code_guid(*code);
        ref.creating_user = consensus_user;
        if (!coding.rationale().empty()) {
          refi::Note note;
          note.guid = refi::DerivedGuid(key + "/rationale");
          note.name = absl::StrCat("Resolution ", coding.disagreement());
          note.text =
              coding.resolved_by().empty()
                  ? coding.rationale()
                  : absl::StrCat(coding.rationale(), "\n(resolved by ", coding.resolved_by(), ")");
          note.creating_user = consensus_user;
          ref.note_refs.push_back(note.guid);
          out.notes.push_back(std::move(note));
        }
        selection.codings.push_back(std::move(ref));
        out.sources[source->second].selections.push_back(std::move(selection));
        ++consensus_codings;
      }
      users.insert("consensus");
    }
  }
  for (const std::string& user : users) out.users.push_back({refi::UserGuid(user), user, user});

  absl::Status written = refi::WriteQdpxFile(out, flags.out, target->layout);
  if (!written.ok()) return written;

  json coders = json::object();
  Rows rows = {{"what", "count"},
               {"sources", std::to_string(out.sources.size())},
               {"codes", std::to_string(refi::FlattenCodes(out.codes).size())},
               {"users", std::to_string(out.users.size())}};
  for (const auto& [coder, count] : per_coder) {
    coders[coder] = count;
    rows.push_back({absl::StrCat("codings of ", coder), std::to_string(count)});
  }
  rows.push_back({"sources naming their original file", std::to_string(described)});
  rows.push_back({"original Word files (richTextPath)", std::to_string(originals)});
  rows.push_back({"consensus codings", std::to_string(consensus_codings)});
  rows.push_back({"rationale notes", std::to_string(out.notes.size())});
  json summary = {{"out", flags.out},
                  {"project", flags.project},
                  {"round", flags.round},
                  {"for", flags.for_tool},
                  {"origin", out.origin},
                  {"offsets", UnitWord(*unit)},
                  {"crlf", target->counting.crlf_as_one ? "one" : "two"},
                  {"sources_folder", target->layout.sources_folder},
                  {"sources", out.sources.size()},
                  {"sources_with_original", described},
                  {"original_files", originals},
                  {"codes", refi::FlattenCodes(out.codes).size()},
                  {"users", out.users.size()},
                  {"codings", coders},
                  {"consensus_codings", consensus_codings},
                  {"notes", out.notes.size()},
                  {"consensus_note", consensus_note}};
  std::vector<std::string> notes = {absl::StrCat(
      "Wrote ", flags.out, " (positions in ",
      *unit == refi::PositionUnit::kUtf16 ? "UTF-16 units" : "code points",
      target->counting.crlf_as_one ? ", a CRLF counted as one" : "", "; texts in ",
      target->layout.sources_folder, "/). Users map back with --map-users: guid,user.")};
  if (!consensus_note.empty()) notes.push_back(consensus_note);
  PrintSummary(globals, summary, rows, notes);
  return absl::OkStatus();
}

absl::Status ExportQdc(Connection& c, const GlobalOptions& globals, const ExportFlags& flags) {
  // The codebook of `export qdpx --for`: its origin names the tool.
  absl::StatusOr<ExportTarget> target = TargetFor(flags.for_tool, "");
  if (!target.ok()) return target.status();
  absl::StatusOr<std::vector<v1::Code>> codes = ListAllCodes(c, flags.project);
  if (!codes.ok()) return codes.status();
  refi::Codebook codebook;
  codebook.origin = target->origin;
  codebook.codes = CodeTree(*codes);
  if (codebook.codes.empty()) {
    // Codebook.xsd wants at least one <Code> in <Codes>.
    return absl::FailedPreconditionError(absl::StrCat(
        "project ", flags.project, " has no codes: a REFI-QDA codebook needs at least one"));
  }
  std::string xml = refi::WriteCodebookXml(codebook);
  std::ofstream file(flags.out, std::ios::binary | std::ios::trunc);
  file << xml;
  file.close();
  if (!file) return absl::InvalidArgumentError(absl::StrCat(flags.out, ": cannot write"));
  size_t count = 0, grouping = 0;
  for (const refi::FlatCode& flat : refi::FlattenCodes(codebook.codes)) {
    ++count;
    grouping += !flat.code->codable;
  }
  PrintSummary(globals,
               {{"out", flags.out},
                {"for", flags.for_tool},
                {"origin", codebook.origin},
                {"codes", count},
                {"grouping_codes", grouping}},
               {{"out", "codes", "grouping codes"},
                {flags.out, std::to_string(count), std::to_string(grouping)}},
               {});
  return absl::OkStatus();
}

}  // namespace icr::client
