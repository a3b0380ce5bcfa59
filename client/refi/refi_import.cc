#include "client/refi/refi_import.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/command.h"
#include "client/csv_reader.h"
#include "client/output.h"
#include "client/refi/archive.h"
#include "client/refi/ids.h"
#include "client/refi/import_apply.h"
#include "client/refi/import_plan.h"
#include "client/refi/plan.h"
#include "client/refi/refi_command_support.h"
#include "client/refi/xml.h"
#include "icr/v1/admin.grpc.pb.h"
#include "icr/v1/project.grpc.pb.h"
#include "nlohmann/json.hpp"

namespace icr::client {
namespace {

using nlohmann::json;

// REFI user (guid, or name) -> icr user id, from a CSV "REFI_USER,ICR_USER"
// (an optional header whose second field is "user" or "icr_user").
absl::StatusOr<std::map<std::string, std::string>> ReadUserMap(const std::string& path) {
  std::map<std::string, std::string> map;
  absl::Status status = ReadCsvFile(path, [&](const CsvRecord& record) -> absl::Status {
    if (record.fields.size() != 2) {
      return CsvError(path, record.line, "want two fields: REFI user guid or name, icr user");
    }
    std::string key(absl::StripAsciiWhitespace(
        absl::string_view(record.fields[0].data(), record.fields[0].size())));
    std::string user(absl::StripAsciiWhitespace(
        absl::string_view(record.fields[1].data(), record.fields[1].size())));
    if (record.line == 1 && (user == "user" || user == "icr_user")) return absl::OkStatus();
    if (!refi::IsValidId(user)) {
      return CsvError(path, record.line, absl::StrCat("\"", user, "\" is not an icr user id"));
    }
    if (key.empty()) return CsvError(path, record.line, "empty REFI user");
    map[key] = user;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (map.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no users"));
  return map;
}

// How the archive's positions are read, and why: the origin's tool unless
// --offsets or --crlf say otherwise.
struct CountingChoice {
  refi::PositionCounting counting;
  std::string reason;
};

absl::StatusOr<CountingChoice> ChooseCounting(const ImportFlags& flags, const std::string& origin) {
  CountingChoice choice;
  choice.counting = refi::CountingForOrigin(origin);
  const std::string unit_name =
      choice.counting.unit == refi::PositionUnit::kUtf16 ? "UTF-16 units" : "code points";
  if (choice.counting.producer.empty()) {
    choice.reason = absl::StrCat("origin \"", origin,
                                 "\" names no known tool: code points, as the standard says");
  } else {
    choice.reason = absl::StrCat(
        "origin \"", origin, "\": ", choice.counting.producer, " counts ", unit_name,
        choice.counting.crlf_as_one ? ", a CRLF as one character" : ", a CRLF as two characters");
  }
  if (!flags.offsets.empty()) {
    absl::StatusOr<refi::PositionUnit> unit = refi::ParsePositionUnit(flags.offsets);
    if (!unit.ok()) return unit.status();
    choice.counting.unit = *unit;
    absl::StrAppend(&choice.reason, "; --offsets ", flags.offsets, " overrides the unit");
  }
  if (!flags.crlf.empty()) {
    choice.counting.crlf_as_one = flags.crlf == "one";
    absl::StrAppend(&choice.reason, "; --crlf ", flags.crlf, " overrides the line ends");
  }
  return choice;
}

// What the import depends on, read before any change: the caller, the
// project's codes and documents, and (when codings go into `round`) that
// round, or the project's blind default for a round to create.
absl::StatusOr<ServerView> ReadServerView(Connection& c, const std::string& project,
                                          const std::string& round) {
  ServerView view;
  auto me = c.Call(&v1::AdminService::Stub::GetCurrentUser, c.admin(), v1::GetCurrentUserRequest());
  if (!me.ok()) return me.status();
  view.caller = me->user().id();
  absl::StatusOr<std::vector<v1::Code>> codes = ListAllCodes(c, project);
  if (!codes.ok()) return codes.status();
  view.codes = *std::move(codes);
  v1::ListDocumentsRequest list_documents;
  list_documents.set_project(project);
  auto documents = AllPages<v1::ListDocumentsRequest, v1::ListDocumentsResponse>(
      list_documents, [&](const v1::ListDocumentsRequest& r) {
        return c.Call(&v1::ProjectService::Stub::ListDocuments, c.project(), r);
      });
  if (!documents.ok()) return documents.status();
  view.documents.assign(documents->documents().begin(), documents->documents().end());
  if (round.empty()) return view;
  v1::GetRoundRequest get_round;
  get_round.set_project(project);
  get_round.set_round(round);
  auto found = c.Call(&v1::ProjectService::Stub::GetRound, c.project(), get_round);
  if (found.ok()) {
    view.round = found->round();
    return view;
  }
  if (found.status().code() != absl::StatusCode::kNotFound) return found.status();
  v1::GetProjectRequest get_project;
  get_project.set_project(project);
  auto stored = c.Call(&v1::ProjectService::Stub::GetProject, c.project(), get_project);
  if (!stored.ok()) return stored.status();
  view.blind_by_default = stored->project().blind_by_default();
  return view;
}

}  // namespace

absl::Status ImportQdpx(Connection& c, const GlobalOptions& globals, const ImportFlags& flags) {
  // 1. Read and check the whole file locally.
  const bool into_round = !flags.round.empty();
  if (!flags.coder.empty() && !flags.map_users.empty()) {
    return absl::InvalidArgumentError("give one of --coder USER or --map-users FILE.csv, not both");
  }
  if (!into_round && (!flags.coder.empty() || !flags.map_users.empty() || !flags.coders.empty())) {
    return absl::InvalidArgumentError(
        "--coder, --map-users and --coders need a ROUND: icr import qdpx PROJECT ROUND FILE");
  }
  for (const std::string& coder : flags.coders) {
    if (!refi::IsValidId(coder)) {
      return absl::InvalidArgumentError(absl::StrCat("--coders: \"", coder, "\" is not a user id"));
    }
  }
  absl::StatusOr<std::string> bytes = refi::ReadWholeFile(flags.file);
  if (!bytes.ok()) return bytes.status();
  const std::string file_sha256 = refi::Sha256Hex(*bytes);
  refi::ProjectReadOptions read_options;
  read_options.collect_missing_sources = true;
  absl::StatusOr<refi::Project> archive =
      refi::ReadQdpx(*bytes, flags.file, refi::ArchiveLimits(), read_options);
  if (!archive.ok()) return archive.status();
  const std::string where = absl::StrCat(flags.file, ": ", archive->qde_path);
  int64_t missing_selections = 0, missing_codings = 0;
  if (!archive->missing_sources.empty()) {
    std::vector<std::string> named;
    for (const refi::MissingSource& gone : archive->missing_sources) {
      named.push_back(absl::StrCat("\"", gone.name, "\" (TextSource ", gone.guid, ", line ",
                                   gone.line, ": ", gone.path, ")"));
      missing_selections += gone.selections;
      missing_codings += gone.codings;
    }
    if (!flags.skip_missing_sources) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": ", named.size(),
          " source file(s) not in the archive: ", absl::StrJoin(named, "; "),
          ". --skip-missing-sources imports the rest (codebook, the sources present and their "
          "codings); nothing was stored"));
    }
  }
  absl::StatusOr<CountingChoice> counting = ChooseCounting(flags, archive->origin);
  if (!counting.ok()) return counting.status();
  absl::StatusOr<refi::ImportPlan> plan = refi::PlanImport(*archive, counting->counting, where);
  if (!plan.ok()) return plan.status();
  const bool has_sources = !plan->sources.empty();
  const bool take_codings = into_round && has_sources;
  if (take_codings && plan->codings > 0 && flags.coder.empty() && flags.map_users.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": the archive has ", plan->codings,
        " coding(s): give --coder USER or --map-users FILE.csv to say whose they are"));
  }
  if (take_codings && plan->codings == 0 && flags.coder.empty() && flags.map_users.empty() &&
      flags.coders.empty()) {
    return absl::InvalidArgumentError(
        "a round needs coders: give --coder USER, --map-users FILE.csv or --coders U1,U2");
  }

  CoderChoice choice;
  choice.coder = flags.coder;
  choice.user_map_file = flags.map_users;
  choice.more_coders = flags.coders;
  if (!flags.map_users.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> read = ReadUserMap(flags.map_users);
    if (!read.ok()) return read.status();
    choice.user_map = *std::move(read);
  } else if (!flags.coder.empty() && !refi::IsValidId(flags.coder)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--coder: \"", flags.coder, "\" is not a user id"));
  }

  // 2. Read what the server has (no change yet), and plan every request.
  absl::StatusOr<ServerView> server =
      ReadServerView(c, flags.project, take_codings ? flags.round : "");
  if (!server.ok()) return server.status();
  absl::StatusOr<QdpxImportPlan> import = PlanQdpxImport(
      *archive, *plan, flags.project, flags.round, choice, *server, file_sha256, where);
  if (!import.ok()) return import.status();
  const CodebookPlan& codebook = import->codebook;
  const bool create_round = import->new_round.has_value();
  const std::set<std::string>& round_coders_wanted = import->round_coders;

  // 3. Change things: codebook, documents, round, then the codings.
  absl::StatusOr<QdpxImportCounts> applied = ApplyQdpxImport(c, flags.project, *import);
  if (!applied.ok()) return applied.status();
  const CodebookCounts& codes = applied->codes;
  const int batches = applied->batches;
  json per_coder = json::object();
  json done_per_coder = json::object();
  Rows rows = {{"what", "count"}};
  for (const CoderImport& coder : import->coders) {
    per_coder[coder.coder] = coder.codings;
    rows.push_back({absl::StrCat("codings of ", coder.coder), std::to_string(coder.codings)});
  }
  for (const CoderImport& coder : import->coders) {
    done_per_coder[coder.coder] = coder.done.size();
    rows.push_back({absl::StrCat("documents marked done for ", coder.coder),
                    std::to_string(coder.done.size())});
  }
  const size_t new_documents = import->new_documents.size();
  const int matched_documents = import->matched_documents;
  const int64_t duplicates = import->duplicates;

  json skipped = json::object();
  for (const auto& [kind, count] : plan->skipped_by_kind) skipped[kind] = count;
  json summary = {{"file", flags.file},
                  {"sha256", file_sha256},
                  {"project", flags.project},
                  {"round", flags.round},
                  {"round_created", create_round},
                  {"round_coders", round_coders_wanted},
                  {"origin", archive->origin},
                  {"offsets", UnitWord(counting->counting.unit)},
                  {"crlf", counting->counting.crlf_as_one ? "one" : "two"},
                  {"offsets_reason", counting->reason},
                  {"sources", plan->sources.size()},
                  {"missing_sources",
                   {{"skipped", archive->missing_sources.size()},
                    {"selections", missing_selections},
                    {"codings", missing_codings}}},
                  {"codings_imported", take_codings},
                  {"codes",
                   {{"created", codes.created},
                    {"updated", codes.updated},
                    {"unchanged", codes.unchanged},
                    {"grouping_created", codebook.grouping},
                    {"kept_applicable", codebook.kept_applicable}}},
                  {"documents", {{"created", new_documents}, {"matched", matched_documents}}},
                  {"selections", plan->selections},
                  {"codings", per_coder},
                  {"documents_done", done_per_coder},
                  {"duplicates_dropped", duplicates},
                  {"batches", batches},
                  {"skipped_selections", plan->skipped_selections},
                  {"skipped_by_kind", skipped}};
  rows.insert(rows.begin() + 1,
              {{"codes created", std::to_string(codes.created)},
               {"codes updated", std::to_string(codes.updated)},
               {"codes unchanged", std::to_string(codes.unchanged)},
               {"documents created", std::to_string(new_documents)},
               {"documents matched by content", std::to_string(matched_documents)},
               {"text selections", std::to_string(plan->selections)}});
  if (!archive->missing_sources.empty()) {
    rows.push_back({"sources skipped (file not in the archive)",
                    absl::StrCat(archive->missing_sources.size(), " (", missing_selections,
                                 " selections, ", missing_codings, " codings)")});
  }
  rows.push_back({"duplicate codings dropped", std::to_string(duplicates)});
  rows.push_back({"atomic batches", std::to_string(batches)});
  std::string skipped_text;
  for (const auto& [kind, count] : plan->skipped_by_kind) {
    absl::StrAppend(&skipped_text, skipped_text.empty() ? "" : ", ", kind, " ", count);
  }
  rows.push_back({"non-text selections skipped",
                  absl::StrCat(plan->skipped_selections,
                               skipped_text.empty() ? "" : absl::StrCat(" (", skipped_text, ")"))});
  std::vector<std::string> notes = {absl::StrCat(
      "Positions read in ",
      counting->counting.unit == refi::PositionUnit::kUtf16 ? "UTF-16 units" : "code points",
      ", a CRLF counted as ", counting->counting.crlf_as_one ? "one character" : "two characters",
      " (", counting->reason, ").")};
  if (codebook.grouping > 0) {
    notes.push_back(absl::StrCat(codebook.grouping,
                                 " code(s) with isCodable=\"false\" are grouping codes: they "
                                 "group the codes under them and cannot be applied."));
  }
  if (!codebook.kept_applicable.empty()) {
    notes.push_back(
        absl::StrCat("Marked isCodable=\"false\" but coded in the archive, so kept "
                     "applicable: ",
                     absl::StrJoin(codebook.kept_applicable, ", "), "."));
  }
  if (!has_sources) {
    notes.push_back(
        "The archive has no text sources: its codebook was imported; no documents, no round.");
  } else if (!into_round) {
    notes.push_back(absl::StrCat(
        "No ROUND given: the codebook and ", plan->sources.size(),
        " source(s) were imported; the archive's ", plan->selections,
        " selection(s) were not (icr import qdpx PROJECT ROUND FILE --coder|--map-users takes "
        "them)."));
  } else {
    notes.push_back(
        absl::StrCat("The whole file was checked before anything was sent. ",
                     create_round ? absl::StrCat("Round ", flags.round, " was created with coders ",
                                                 absl::StrJoin(round_coders_wanted, ", "), ". ")
                                  : "",
                     "Codings went in ", batches,
                     " atomic batch(es); their request ids derive from the file's SHA-256, so "
                     "re-running this import stores nothing twice. Each coder's coded documents "
                     "are marked done (an import is finished work), so agreement counts them."));
  }
  if (!archive->missing_sources.empty()) {
    notes.push_back(absl::StrCat("Skipped ", archive->missing_sources.size(),
                                 " source(s) whose file is not in the archive (",
                                 missing_selections, " selections)."));
  }
  PrintSummary(globals, summary, rows, notes);
  return absl::OkStatus();
}

absl::Status ImportQdc(Connection& c, const GlobalOptions& globals, const std::string& project,
                       const std::string& file) {
  absl::StatusOr<std::string> bytes = refi::ReadWholeFile(file);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<refi::Codebook> codebook;
  if (refi::LooksLikeZip(*bytes)) {
    // A .qdpx: its codebook alone.
    refi::ProjectReadOptions options;
    options.sources = false;
    absl::StatusOr<refi::Project> archive =
        refi::ReadQdpx(*bytes, file, refi::ArchiveLimits(), options);
    if (!archive.ok()) return archive.status();
    codebook = refi::Codebook{archive->origin, archive->codes};
  } else {
    codebook = refi::ParseCodebookXml(*bytes, file);
  }
  if (!codebook.ok()) return codebook.status();
  codebook->codes = refi::WithoutWrappingNodesCode(std::move(codebook->codes));
  absl::StatusOr<std::vector<v1::Code>> existing = ListAllCodes(c, project);
  if (!existing.ok()) return existing.status();
  const std::string file_sha256 = refi::Sha256Hex(*bytes);
  absl::StatusOr<CodebookPlan> plan =
      PlanCodebook(codebook->codes, *existing, project, file_sha256, file);
  if (!plan.ok()) return plan.status();
  absl::StatusOr<CodebookCounts> counts = ApplyCodebook(c, project, *plan);
  if (!counts.ok()) return counts.status();
  json codes = json::array();
  Rows rows = {{"guid", "code", "name"}};
  for (const refi::FlatCode& flat : refi::FlattenCodes(codebook->codes)) {
    const std::string& id = plan->code_of_guid.at(flat.code->guid);
    codes.push_back({{"guid", flat.code->guid},
                     {"code", id},
                     {"name", flat.code->name},
                     {"grouping", !flat.code->codable}});
    rows.push_back({flat.code->guid, id,
                    absl::StrCat(std::string(2 * flat.depth, ' '), flat.code->name,
                                 flat.code->codable ? "" : " (grouping)")});
  }
  json summary = {{"file", file},
                  {"project", project},
                  {"grouping_created", plan->grouping},
                  {"created", counts->created},
                  {"updated", counts->updated},
                  {"unchanged", counts->unchanged},
                  {"codes", codes}};
  PrintSummary(
      globals, summary, rows,
      {absl::StrCat(counts->created, " created, ", counts->updated, " updated, ", counts->unchanged,
                    " unchanged (each change audited as a codebook "
                    "change)")});
  return absl::OkStatus();
}

}  // namespace icr::client
