#include "client/refi/refi_commands.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/command.h"
#include "client/csv_reader.h"
#include "client/output.h"
#include "client/refi/archive.h"
#include "client/refi/ids.h"
#include "client/refi/plan.h"
#include "client/refi/refi_command_support.h"
#include "client/refi/refi_export.h"
#include "client/refi/xml.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "server/catalog/validation.h"
#include "server/text/utf8.h"

namespace icr::client {
namespace {

using nlohmann::json;

// Codings per SubmitCodings batch (the server takes up to 10,000).
constexpr int kBatchSize = 1000;

// A request_id derived from the imported file and what the call does, so a
// re-run of the same import repeats the same ids and stores nothing twice.
std::string DerivedRequestId(const std::string& file_sha256, const std::string& what) {
  return absl::StrCat("refi-", refi::Sha256Hex(absl::StrCat(file_sha256, "|", what)).substr(0, 40));
}

// "#RGB" as "#RRGGBB", upper case; "" when not a colour.
std::string NormalizeColor(const std::string& color) {
  std::string c(absl::StripAsciiWhitespace(color));
  if (c.size() == 4 && c[0] == '#')
    c = absl::StrCat("#", std::string(2, c[1]), std::string(2, c[2]), std::string(2, c[3]));
  if (c.size() != 7 || c[0] != '#') return "";
  for (size_t i = 1; i < 7; ++i) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c[i]))) return "";
  }
  return absl::AsciiStrToUpper(c);
}

// --- codebook import -----------------------------------------------------------

// What importing a REFI codebook into a project does, worked out from the
// project's codes before any change: which codes to create, which to update
// (and which fields), and the icr code id of every REFI code guid.
struct CodebookPlan {
  struct Step {
    bool create = false;
    v1::Code code;
    std::vector<std::string> mask;  // fields to update
  };
  std::vector<Step> steps;
  std::map<std::string, std::string> code_of_guid;
  int unchanged = 0;
  int grouping = 0;  // grouping codes created
  // Names of non-codable codes the archive codes, kept applicable.
  std::vector<std::string> kept_applicable;
};

// A REFI code with isCodable="false" becomes a grouping code (the server
// refuses codings of it), unless the archive's own selections code it
// (`coded_guids`): the tool let it be applied, and its codings would be lost.
absl::StatusOr<CodebookPlan> PlanCodebook(const std::vector<refi::Code>& codes,
                                          const std::vector<v1::Code>& existing,
                                          const std::string& where,
                                          const std::set<std::string>& coded_guids = {}) {
  std::map<std::string, const v1::Code*> by_id, by_guid, by_derived_guid;
  for (const v1::Code& code : existing) {
    by_id[code.id()] = &code;
    if (!code.guid().empty()) by_guid[code.guid()] = &code;
    by_derived_guid[refi::CodeGuid(code.id())] = &code;
  }
  // The active code a merged one now counts as.
  auto follow = [&](const v1::Code* code) {
    for (int hops = 0; code != nullptr && code->state() == v1::CODE_MERGED && hops < 64; ++hops) {
      auto it = by_id.find(code->merged_into());
      code = it == by_id.end() ? nullptr : it->second;
    }
    return code;
  };
  std::set<std::string> taken;
  for (const v1::Code& code : existing) taken.insert(code.id());

  CodebookPlan plan;
  for (const refi::FlatCode& flat : refi::FlattenCodes(codes)) {
    const refi::Code& code = *flat.code;
    std::string label = absl::StrCat(where, ":", code.line, ": Code ", code.guid);
    if (code.name.size() > catalog::kMaxNameLength) {
      return absl::InvalidArgumentError(
          absl::StrCat(label, ": name longer than ", catalog::kMaxNameLength, " bytes"));
    }
    if (code.description.size() > catalog::kMaxTextFieldLength) {
      return absl::InvalidArgumentError(absl::StrCat(label, ": description longer than ",
                                                     catalog::kMaxTextFieldLength, " bytes"));
    }
    if (code.guid.size() > 64) {
      return absl::InvalidArgumentError(absl::StrCat(label, ": guid longer than 64 characters"));
    }
    std::string parent = flat.parent_guid.empty() ? "" : plan.code_of_guid.at(flat.parent_guid);
    std::string color = NormalizeColor(code.color);
    std::string description(absl::StripTrailingAsciiWhitespace(code.description));
    bool grouping = !code.codable;
    if (grouping && coded_guids.count(code.guid)) {
      grouping = false;
      plan.kept_applicable.push_back(code.name);
    }

    const v1::Code* match = nullptr;
    if (auto it = by_guid.find(code.guid); it != by_guid.end()) {
      match = it->second;
    } else if (auto it = by_derived_guid.find(code.guid); it != by_derived_guid.end()) {
      match = it->second;
    }
    if (match != nullptr && match->state() == v1::CODE_MERGED) {
      // Merged since: its codings count as the target's; leave it be.
      const v1::Code* target = follow(match);
      if (target == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat(label, ": matches code ", match->id(), ", merged into a missing code"));
      }
      plan.code_of_guid[code.guid] = target->id();
      ++plan.unchanged;
      continue;
    }
    if (match != nullptr) {
      CodebookPlan::Step step;
      step.code.set_id(match->id());
      if (match->name() != code.name) step.mask.push_back("name");
      if (match->definition() != description) step.mask.push_back("definition");
      if (!color.empty() && match->color() != color) step.mask.push_back("color");
      if (match->parent() != parent) step.mask.push_back("parent");
      if (match->grouping_only() != grouping) step.mask.push_back("grouping_only");
      if (match->guid().empty() && !step.mask.empty()) step.mask.push_back("guid");
      step.code.set_name(code.name);
      step.code.set_definition(description);
      step.code.set_color(color);
      step.code.set_parent(parent);
      step.code.set_guid(code.guid);
      step.code.set_grouping_only(grouping);
      plan.code_of_guid[code.guid] = match->id();
      if (step.mask.empty()) {
        ++plan.unchanged;
      } else {
        plan.steps.push_back(std::move(step));
      }
      continue;
    }
    CodebookPlan::Step step;
    step.create = true;
    std::string id = refi::UniqueId(code.name, absl::StrCat("code-", code.guid.substr(0, 8)),
                                    [&](const std::string& id) { return taken.count(id) > 0; });
    taken.insert(id);
    step.code.set_id(id);
    step.code.set_name(code.name);
    step.code.set_definition(description);
    step.code.set_color(color);
    step.code.set_parent(parent);
    step.code.set_guid(code.guid);
    step.code.set_grouping_only(grouping);
    if (grouping) ++plan.grouping;
    plan.code_of_guid[code.guid] = id;
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

struct CodebookCounts {
  int created = 0, updated = 0, unchanged = 0;
};

absl::StatusOr<CodebookCounts> ApplyCodebook(Connection& c, const std::string& project,
                                             const CodebookPlan& plan,
                                             const std::string& file_sha256) {
  CodebookCounts counts;
  counts.unchanged = plan.unchanged;
  for (const CodebookPlan::Step& step : plan.steps) {
    if (step.create) {
      v1::CreateCodeRequest request;
      request.set_project(project);
      *request.mutable_code() = step.code;
      request.set_request_id(
          DerivedRequestId(file_sha256, absl::StrCat(project, "|create-code|", step.code.guid())));
      auto response = c.Call(&v1::ProjectService::Stub::CreateCode, c.project(), request);
      if (!response.ok()) return response.status();
      ++counts.created;
    } else {
      v1::UpdateCodeRequest request;
      request.set_project(project);
      *request.mutable_code() = step.code;
      for (const std::string& field : step.mask) request.add_update_mask(field);
      request.set_request_id(DerivedRequestId(
          file_sha256,
          absl::StrCat(project, "|update-code|", step.code.id(), "|", absl::StrJoin(step.mask, ","),
                       "|", step.code.SerializeAsString())));
      auto response = c.Call(&v1::ProjectService::Stub::UpdateCode, c.project(), request);
      if (!response.ok()) return response.status();
      ++counts.updated;
    }
  }
  return counts;
}

// --- user mapping --------------------------------------------------------------------

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

// --- qdpx import ------------------------------------------------------------------------

struct ImportFlags {
  std::string project, round, file, coder, map_users;
  std::vector<std::string> coders;  // more round coders (--coders U1,U2)
  std::string offsets;              // "" = from the archive's origin
  std::string crlf;                 // "one", "two", "" = from the origin
  bool skip_missing_sources = false;
};

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

struct PendingCoding {
  std::string document;
  std::string code;
  int64_t start, end;
  std::string memo;
};

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

  std::map<std::string, std::string> user_names;  // guid -> name
  for (const refi::User& user : archive->users) user_names[user.guid] = user.name;
  std::map<std::string, std::string> user_map;
  if (!flags.map_users.empty()) {
    absl::StatusOr<std::map<std::string, std::string>> read = ReadUserMap(flags.map_users);
    if (!read.ok()) return read.status();
    user_map = *std::move(read);
  } else if (!flags.coder.empty() && !refi::IsValidId(flags.coder)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--coder: \"", flags.coder, "\" is not a user id"));
  }
  // The archive's users with their number of selections, for the error
  // that says how to map them.
  auto users_help = [&]() {
    std::map<std::string, std::set<std::string>> selections_of;
    for (const refi::PlannedSource& source : plan->sources) {
      for (const refi::PlannedCoding& coding : source.codings) {
        selections_of[coding.user_guid].insert(coding.selection_guid);
      }
    }
    std::vector<std::string> listed, lines;
    for (const auto& [guid, selections] : selections_of) {
      const std::string& name = user_names[guid];
      listed.push_back(absl::StrCat(guid.empty() ? "(no user given)" : guid,
                                    name.empty() ? "" : absl::StrCat(" \"", name, "\""), ": ",
                                    selections.size(), " selection(s)"));
      if (!guid.empty()) {
        std::string suggestion = refi::Slug(name);
        lines.push_back(absl::StrCat(guid, ",", suggestion.empty() ? "ICR_USER" : suggestion));
      }
    }
    return absl::StrCat(". The archive's users: ", absl::StrJoin(listed, "; "),
                        ". Write to the --map-users file one line per user (REFI guid or name, "
                        "icr user), e.g.:\n",
                        absl::StrJoin(lines, "\n"));
  };
  auto coder_of = [&](const refi::PlannedCoding& coding) -> absl::StatusOr<std::string> {
    if (!flags.coder.empty()) return flags.coder;
    if (auto it = user_map.find(coding.user_guid); it != user_map.end()) return it->second;
    const std::string& name = user_names[coding.user_guid];
    if (!name.empty()) {
      if (auto it = user_map.find(name); it != user_map.end()) return it->second;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": PlainTextSelection ", coding.selection_guid, ": Coding ", coding.coding_guid,
        ": its user ", coding.user_guid.empty() ? "(none given)" : coding.user_guid,
        name.empty() ? "" : absl::StrCat(" (\"", name, "\")"), " is not in ", flags.map_users,
        users_help()));
  };

  // 2. Read what the server has (no change yet).
  auto me = c.Call(&v1::AdminService::Stub::GetCurrentUser, c.admin(), v1::GetCurrentUserRequest());
  if (!me.ok()) return me.status();
  absl::StatusOr<std::vector<v1::Code>> existing_codes = ListAllCodes(c, flags.project);
  if (!existing_codes.ok()) return existing_codes.status();
  bool wrapper_coded = false;  // a coding of NVivo's "Nodes" keeps it
  for (const refi::PlannedSource& source : plan->sources) {
    for (const refi::PlannedCoding& coding : source.codings) {
      wrapper_coded |= archive->codes.size() == 1 && coding.code_guid == archive->codes[0].guid;
    }
  }
  if (!wrapper_coded) archive->codes = refi::WithoutWrappingNodesCode(std::move(archive->codes));
  std::set<std::string> coded_guids;
  for (const refi::PlannedSource& source : plan->sources) {
    for (const refi::PlannedCoding& coding : source.codings) coded_guids.insert(coding.code_guid);
  }
  absl::StatusOr<CodebookPlan> codebook = PlanCodebook(
      archive->codes, *existing_codes, where, take_codings ? coded_guids : std::set<std::string>());
  if (!codebook.ok()) return codebook.status();

  v1::ListDocumentsRequest list_documents;
  list_documents.set_project(flags.project);
  auto documents = AllPages<v1::ListDocumentsRequest, v1::ListDocumentsResponse>(
      list_documents, [&](const v1::ListDocumentsRequest& r) {
        return c.Call(&v1::ProjectService::Stub::ListDocuments, c.project(), r);
      });
  if (!documents.ok()) return documents.status();
  std::map<std::string, std::string> document_of_hash;
  std::set<std::string> document_ids;
  for (const v1::Document& d : documents->documents()) {
    document_of_hash.emplace(d.sha256(), d.id());
    document_ids.insert(d.id());
  }
  struct NewDocument {
    std::string id, title, text, guid;
  };
  std::vector<NewDocument> new_documents;
  std::vector<std::string> source_document;  // per plan source
  int matched_documents = 0;
  for (const refi::PlannedSource& source : plan->sources) {
    if (auto it = document_of_hash.find(source.sha256); it != document_of_hash.end()) {
      source_document.push_back(it->second);
      ++matched_documents;
      continue;
    }
    std::string base = source.name;
    if (size_t dot = base.rfind('.'); dot != std::string::npos && dot + 5 >= base.size()) {
      base = base.substr(0, dot);  // "interview.txt" -> "interview"
    }
    std::string id =
        refi::UniqueId(base, absl::StrCat("doc-", source.sha256.substr(0, 8)),
                       [&](const std::string& id) { return document_ids.count(id) > 0; });
    document_ids.insert(id);
    document_of_hash.emplace(source.sha256, id);
    source_document.push_back(id);
    new_documents.push_back({id, source.name.empty() ? id : source.name, source.text, source.guid});
  }

  // Codings per coder, in file order, duplicates (same coder, document,
  // code and span) dropped.
  std::map<std::string, std::vector<PendingCoding>> by_coder;
  std::set<std::tuple<std::string, std::string, std::string, int64_t, int64_t>> seen;
  int64_t duplicates = 0;
  std::set<std::string> coded_documents;
  for (size_t i = 0; i < plan->sources.size() && take_codings; ++i) {
    for (const refi::PlannedCoding& coding : plan->sources[i].codings) {
      absl::StatusOr<std::string> coder = coder_of(coding);
      if (!coder.ok()) return coder.status();
      const std::string& code = codebook->code_of_guid.at(coding.code_guid);
      if (!seen.emplace(*coder, source_document[i], code, coding.start, coding.end).second) {
        ++duplicates;
        continue;
      }
      coded_documents.insert(source_document[i]);
      by_coder[*coder].push_back({source_document[i], code, coding.start, coding.end, coding.memo});
    }
  }

  // The round's coders: those with codings, --coder, the --map-users
  // file's users and --coders.
  std::set<std::string> round_coders_wanted;
  for (const auto& [coder, codings] : by_coder) round_coders_wanted.insert(coder);
  if (!flags.coder.empty()) round_coders_wanted.insert(flags.coder);
  for (const auto& [refi_user, user] : user_map) round_coders_wanted.insert(user);
  for (const std::string& coder : flags.coders) round_coders_wanted.insert(coder);

  bool create_round = false;
  absl::StatusOr<v1::GetRoundResponse> round = absl::NotFoundError("no round");
  if (take_codings) {
    v1::GetRoundRequest get_round;
    get_round.set_project(flags.project);
    get_round.set_round(flags.round);
    round = c.Call(&v1::ProjectService::Stub::GetRound, c.project(), get_round);
  }
  if (!take_codings) {
    // No round: the codebook and the documents only.
  } else if (!round.ok()) {
    if (round.status().code() != absl::StatusCode::kNotFound) return round.status();
    create_round = true;
  } else {
    if (round->round().state() != v1::OPEN) {
      return absl::FailedPreconditionError(
          absl::StrCat("round ", flags.round, " is ", v1::RoundState_Name(round->round().state()),
                       ": codings can be imported only into an OPEN round; nothing was stored"));
    }
    std::set<std::string> round_documents(round->round().documents().begin(),
                                          round->round().documents().end());
    std::set<std::string> round_coders(round->round().coders().begin(),
                                       round->round().coders().end());
    std::vector<std::string> missing_documents, missing_coders;
    for (const std::string& d : coded_documents) {
      if (!round_documents.count(d)) missing_documents.push_back(d);
    }
    for (const auto& [coder, codings] : by_coder) {
      if (!round_coders.count(coder)) missing_coders.push_back(coder);
    }
    if (!missing_documents.empty() || !missing_coders.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          where, ": round ", flags.round, " does not include ",
          missing_documents.empty()
              ? ""
              : absl::StrCat("documents ", absl::StrJoin(missing_documents, ", "),
                             " (new or matched by content)"),
          !missing_documents.empty() && !missing_coders.empty() ? " and " : "",
          missing_coders.empty() ? ""
                                 : absl::StrCat("coders ", absl::StrJoin(missing_coders, ", ")),
          "; import into a new round name to have it created; nothing was stored"));
    }
  }

  // 3. Change things: codebook, documents, round, then the codings.
  absl::StatusOr<CodebookCounts> codes = ApplyCodebook(c, flags.project, *codebook, file_sha256);
  if (!codes.ok()) return codes.status();
  for (const NewDocument& d : new_documents) {
    v1::CreateDocumentRequest request;
    request.set_project(flags.project);
    request.set_id(d.id);
    request.set_title(d.title);
    request.set_text(d.text);
    request.set_segmentation(v1::SEGMENT_NONE);
    request.set_request_id(DerivedRequestId(
        file_sha256, absl::StrCat(flags.project, "|document|", d.guid, "|", d.id)));
    auto response = c.Call(&v1::ProjectService::Stub::CreateDocument, c.project(), request);
    if (!response.ok()) return response.status();
  }
  if (create_round) {
    v1::GetProjectRequest get_project;
    get_project.set_project(flags.project);
    auto project = c.Call(&v1::ProjectService::Stub::GetProject, c.project(), get_project);
    if (!project.ok()) return project.status();
    v1::CreateRoundRequest request;
    request.set_project(flags.project);
    request.set_id(flags.round);
    request.set_title(archive->name.empty() ? flags.round : archive->name);
    for (const std::string& d : source_document) {
      if (std::find(request.documents().begin(), request.documents().end(), d) ==
          request.documents().end()) {
        request.add_documents(d);
      }
    }
    for (const std::string& coder : round_coders_wanted) request.add_coders(coder);
    request.set_blind(project->project().blind_by_default());
    request.set_request_id(
        DerivedRequestId(file_sha256, absl::StrCat(flags.project, "|round|", flags.round)));
    auto response = c.Call(&v1::ProjectService::Stub::CreateRound, c.project(), request);
    if (!response.ok()) return response.status();
  }
  int batches = 0;
  json per_coder = json::object();
  Rows rows = {{"what", "count"}};
  for (const auto& [coder, codings] : by_coder) {
    for (size_t first = 0; first < codings.size(); first += kBatchSize) {
      v1::SubmitCodingsRequest request;
      request.set_project(flags.project);
      request.set_round(flags.round);
      if (coder != me->user().id()) request.set_on_behalf_of(coder);
      size_t last = std::min(codings.size(), first + kBatchSize);
      for (size_t i = first; i < last; ++i) {
        v1::CodingInput* input = request.add_codings();
        input->set_document(codings[i].document);
        input->set_code(codings[i].code);
        input->mutable_span()->set_start(codings[i].start);
        input->mutable_span()->set_end(codings[i].end);
        input->set_memo(codings[i].memo);
      }
      request.set_request_id(DerivedRequestId(
          file_sha256,
          absl::StrCat(flags.project, "|", flags.round, "|codings|", coder, "|", first)));
      auto response = c.Call(&v1::CodingService::Stub::SubmitCodings, c.coding(), request);
      if (!response.ok()) {
        absl::Status error(
            response.status().code(),
            absl::StrCat(response.status().message(), " (batch ", batches + 1, " of ", coder,
                         "'s codings; the batches before it are stored, and "
                         "re-running the import completes it)"));
        response.status().ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
          error.SetPayload(url, payload);
        });
        return error;
      }
      ++batches;
    }
    per_coder[coder] = codings.size();
    rows.push_back({absl::StrCat("codings of ", coder), std::to_string(codings.size())});
  }
  // An import is finished work: each coder's coded documents are marked
  // done, so live agreement counts them.
  json done_per_coder = json::object();
  for (const auto& [coder, codings] : by_coder) {
    std::set<std::string> documents;
    for (const auto& coding : codings) documents.insert(coding.document);
    for (const std::string& document : documents) {
      v1::SetDocumentProgressRequest request;
      request.set_project(flags.project);
      request.set_round(flags.round);
      request.set_document(document);
      request.set_state(v1::DONE);
      if (coder != me->user().id()) request.set_on_behalf_of(coder);
      request.set_request_id(DerivedRequestId(
          file_sha256,
          absl::StrCat(flags.project, "|", flags.round, "|done|", coder, "|", document)));
      auto response = c.Call(&v1::CodingService::Stub::SetDocumentProgress, c.coding(), request);
      if (!response.ok()) return response.status();
    }
    done_per_coder[coder] = documents.size();
    rows.push_back(
        {absl::StrCat("documents marked done for ", coder), std::to_string(documents.size())});
  }

  json skipped = json::object();
  for (const auto& [kind, count] : plan->skipped_by_kind) skipped[kind] = count;
  json summary = {
      {"file", flags.file},
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
       {{"created", codes->created},
        {"updated", codes->updated},
        {"unchanged", codes->unchanged},
        {"grouping_created", codebook->grouping},
        {"kept_applicable", codebook->kept_applicable}}},
      {"documents", {{"created", new_documents.size()}, {"matched", matched_documents}}},
      {"selections", plan->selections},
      {"codings", per_coder},
      {"documents_done", done_per_coder},
      {"duplicates_dropped", duplicates},
      {"batches", batches},
      {"skipped_selections", plan->skipped_selections},
      {"skipped_by_kind", skipped}};
  rows.insert(rows.begin() + 1,
              {{"codes created", std::to_string(codes->created)},
               {"codes updated", std::to_string(codes->updated)},
               {"codes unchanged", std::to_string(codes->unchanged)},
               {"documents created", std::to_string(new_documents.size())},
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
  if (codebook->grouping > 0) {
    notes.push_back(absl::StrCat(codebook->grouping,
                                 " code(s) with isCodable=\"false\" are grouping codes: they "
                                 "group the codes under them and cannot be applied."));
  }
  if (!codebook->kept_applicable.empty()) {
    notes.push_back(
        absl::StrCat("Marked isCodable=\"false\" but coded in the archive, so kept "
                     "applicable: ",
                     absl::StrJoin(codebook->kept_applicable, ", "), "."));
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
  absl::StatusOr<CodebookPlan> plan = PlanCodebook(codebook->codes, *existing, file);
  if (!plan.ok()) return plan.status();
  absl::StatusOr<CodebookCounts> counts = ApplyCodebook(c, project, *plan, refi::Sha256Hex(*bytes));
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

}  // namespace

void AddRefiCommands(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  const std::vector<std::string> kOffsets = {"codepoint", "utf16"};
  CLI::App* import =
      app.add_subcommand("import", "import REFI-QDA files (ATLAS.ti, MAXQDA, NVivo, QualCoder)");
  import->require_subcommand(1);

  auto qdc = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* import_qdc = import->add_subcommand(
      "qdc",
      "a REFI-QDA codebook (.qdc, or a .qdpx's codebook) into PROJECT's codebook; codes with a "
      "known guid are updated, not duplicated");
  import_qdc->add_option("PROJECT", qdc->first, "project id")->required();
  import_qdc->add_option("FILE", qdc->second, "the .qdc (or .qdpx) file")->required();
  import_qdc->callback([qdc, &globals, exit_code] {
    RunRemote(globals, exit_code,
              [&](Connection& c) { return ImportQdc(c, globals, qdc->first, qdc->second); });
  });

  auto flags = std::make_shared<ImportFlags>();
  CLI::App* import_qdpx = import->add_subcommand(
      "qdpx",
      "a REFI-QDA project (.qdpx): codebook, text sources as documents, and the "
      "selections' codings into ROUND (created when it does not exist)");
  auto positionals = std::make_shared<std::vector<std::string>>();
  import_qdpx
      ->add_option("PROJECT [ROUND] FILE", *positionals,
                   "project id, the round for the archive's codings (created when it does "
                   "not exist; without it only the codebook and the sources are imported), "
                   "and the .qdpx file")
      ->required()
      ->expected(2, 3);
  import_qdpx->add_option("--coder", flags->coder, "every coding is this icr user's");
  import_qdpx->add_option("--map-users", flags->map_users,
                          "CSV of REFI user (guid or name),icr user");
  import_qdpx->add_option("--coders", flags->coders, "more coders of a new round: U1,U2")
      ->delimiter(',');
  import_qdpx
      ->add_option("--offsets", flags->offsets,
                   "how the tool counted characters: codepoint or utf16; by default from the "
                   "archive's origin (NVivo utf16; ATLAS.ti, MAXQDA, QualCoder, others "
                   "codepoint)")
      ->check(CLI::IsMember(kOffsets));
  import_qdpx
      ->add_option("--crlf", flags->crlf,
                   "a CRLF line end counts as one character (ATLAS.ti) or two (the others); "
                   "by default from the archive's origin")
      ->check(CLI::IsMember({"one", "two"}));
  import_qdpx->add_flag("--skip-missing-sources", flags->skip_missing_sources,
                        "import the rest when a source's file is not in the archive");
  import_qdpx->callback([flags, positionals, &globals, exit_code] {
    flags->project = positionals->front();
    flags->file = positionals->back();
    flags->round = positionals->size() == 3 ? (*positionals)[1] : "";
    RunRemote(globals, exit_code, [&](Connection& c) { return ImportQdpx(c, globals, *flags); });
  });

  CLI::App* exp = app.add_subcommand("export", "export REFI-QDA files");
  exp->require_subcommand(1);
  auto export_flags = std::make_shared<ExportFlags>();
  CLI::App* export_qdpx = exp->add_subcommand(
      "qdpx",
      "ROUND as a REFI-QDA project (.qdpx): users, codebook, sources, each coder's codings, "
      "and the consensus of a reconciled round as user \"consensus\"");
  export_qdpx->add_option("PROJECT", export_flags->project, "project id")->required();
  export_qdpx->add_option("ROUND", export_flags->round, "round id")->required();
  export_qdpx->add_option("--out", export_flags->out, "the .qdpx to write")->required();
  export_qdpx
      ->add_option("--offsets", export_flags->offsets,
                   "positions in codepoint (default) or utf16 (for NVivo)")
      ->check(CLI::IsMember(kOffsets));
  export_qdpx
      ->add_option("--for", export_flags->for_tool,
                   "write what that tool reads: atlasti (code points, a CRLF as one), maxqda, "
                   "qualcoder (code points), nvivo (UTF-16 units, Sources/)")
      ->check(CLI::IsMember({"atlasti", "maxqda", "nvivo", "qualcoder"}));
  export_qdpx->callback([export_flags, &globals, exit_code] {
    RunRemote(globals, exit_code,
              [&](Connection& c) { return ExportQdpx(c, globals, *export_flags); });
  });

  auto export_qdc_flags = std::make_shared<ExportFlags>();
  CLI::App* export_qdc =
      exp->add_subcommand("qdc", "PROJECT's codebook as a REFI-QDA codebook (.qdc)");
  export_qdc->add_option("PROJECT", export_qdc_flags->project, "project id")->required();
  export_qdc->add_option("--out", export_qdc_flags->out, "the .qdc to write")->required();
  export_qdc
      ->add_option("--for", export_qdc_flags->for_tool,
                   "write for that tool: atlasti, maxqda, nvivo or qualcoder (the codebook of "
                   "export qdpx --for, its origin naming the tool)")
      ->check(CLI::IsMember({"atlasti", "maxqda", "nvivo", "qualcoder"}));
  export_qdc->callback([export_qdc_flags, &globals, exit_code] {
    RunRemote(globals, exit_code,
              [&](Connection& c) { return ExportQdc(c, globals, *export_qdc_flags); });
  });
}

}  // namespace icr::client
