#include "client/refi/import_plan.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/refi/ids.h"
#include "server/catalog/validation.h"
#include "server/common/status_macros.h"

namespace icr::client {
namespace {

// The archive's users with their number of selections, and the lines of a
// --map-users file that would map them: the message of an unmapped user.
std::string UsersHelp(const refi::ImportPlan& sources,
                      const std::map<std::string, std::string>& user_names) {
  std::map<std::string, std::set<std::string>> selections_of;
  for (const refi::PlannedSource& source : sources.sources) {
    for (const refi::PlannedCoding& coding : source.codings) {
      selections_of[coding.user_guid].insert(coding.selection_guid);
    }
  }
  std::vector<std::string> listed, lines;
  for (const auto& [guid, selections] : selections_of) {
    auto found = user_names.find(guid);
    const std::string name = found == user_names.end() ? "" : found->second;
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
}

// The documents of `sources`, each matched by its text's SHA-256 to a
// document of the project or given a new id.
struct DocumentPlan {
  std::vector<std::string> of_source;  // per source
  std::vector<v1::CreateDocumentRequest> created;
  int matched = 0;
};

DocumentPlan PlanDocuments(const refi::ImportPlan& sources,
                           const std::vector<v1::Document>& existing, const std::string& project,
                           const std::string& file_sha256) {
  std::map<std::string, std::string> document_of_hash;
  std::set<std::string> document_ids;
  for (const v1::Document& d : existing) {
    document_of_hash.emplace(d.sha256(), d.id());
    document_ids.insert(d.id());
  }
  DocumentPlan plan;
  for (const refi::PlannedSource& source : sources.sources) {
    if (auto it = document_of_hash.find(source.sha256); it != document_of_hash.end()) {
      plan.of_source.push_back(it->second);
      ++plan.matched;
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
    plan.of_source.push_back(id);
    v1::CreateDocumentRequest request;
    request.set_project(project);
    request.set_id(id);
    request.set_title(source.name.empty() ? id : source.name);
    request.set_text(source.text);
    request.set_segmentation(v1::SEGMENT_NONE);
    request.set_request_id(
        DerivedRequestId(file_sha256, absl::StrCat(project, "|document|", source.guid, "|", id)));
    plan.created.push_back(std::move(request));
  }
  return plan;
}

struct PendingCoding {
  std::string document;
  std::string code;
  int64_t start, end;
  std::string memo;
};

// FAILED_PRECONDITION unless `round` is OPEN and has every document and
// coder of the codings.
absl::Status CheckRoundTakes(const v1::Round& round, const std::set<std::string>& coded_documents,
                             const std::map<std::string, std::vector<PendingCoding>>& by_coder,
                             const std::string& where) {
  if (round.state() != v1::OPEN) {
    return absl::FailedPreconditionError(
        absl::StrCat("round ", round.id(), " is ", v1::RoundState_Name(round.state()),
                     ": codings can be imported only into an OPEN round; nothing was stored"));
  }
  std::set<std::string> round_documents(round.documents().begin(), round.documents().end());
  std::set<std::string> round_coders(round.coders().begin(), round.coders().end());
  std::vector<std::string> missing_documents, missing_coders;
  for (const std::string& d : coded_documents) {
    if (!round_documents.count(d)) missing_documents.push_back(d);
  }
  for (const auto& [coder, codings] : by_coder) {
    if (!round_coders.count(coder)) missing_coders.push_back(coder);
  }
  if (missing_documents.empty() && missing_coders.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      where, ": round ", round.id(), " does not include ",
      missing_documents.empty() ? ""
                                : absl::StrCat("documents ", absl::StrJoin(missing_documents, ", "),
                                               " (new or matched by content)"),
      !missing_documents.empty() && !missing_coders.empty() ? " and " : "",
      missing_coders.empty() ? "" : absl::StrCat("coders ", absl::StrJoin(missing_coders, ", ")),
      "; import into a new round name to have it created; nothing was stored"));
}

// One coder's codings in batches, then the documents they coded marked DONE.
CoderImport PlanCoder(const std::string& coder, const std::vector<PendingCoding>& codings,
                      const std::string& project, const std::string& round,
                      const std::string& caller, const std::string& file_sha256) {
  CoderImport out;
  out.coder = coder;
  out.codings = static_cast<int64_t>(codings.size());
  for (size_t first = 0; first < codings.size(); first += kCodingsPerBatch) {
    v1::SubmitCodingsRequest request;
    request.set_project(project);
    request.set_round(round);
    if (coder != caller) request.set_on_behalf_of(coder);
    const size_t last = std::min(codings.size(), first + kCodingsPerBatch);
    for (size_t i = first; i < last; ++i) {
      v1::CodingInput* input = request.add_codings();
      input->set_document(codings[i].document);
      input->set_code(codings[i].code);
      input->mutable_span()->set_start(codings[i].start);
      input->mutable_span()->set_end(codings[i].end);
      input->set_memo(codings[i].memo);
    }
    request.set_request_id(DerivedRequestId(
        file_sha256, absl::StrCat(project, "|", round, "|codings|", coder, "|", first)));
    out.batches.push_back(std::move(request));
  }
  std::set<std::string> documents;
  for (const PendingCoding& coding : codings) documents.insert(coding.document);
  for (const std::string& document : documents) {
    v1::SetDocumentProgressRequest request;
    request.set_project(project);
    request.set_round(round);
    request.set_document(document);
    request.set_state(v1::DONE);
    if (coder != caller) request.set_on_behalf_of(coder);
    request.set_request_id(DerivedRequestId(
        file_sha256, absl::StrCat(project, "|", round, "|done|", coder, "|", document)));
    out.done.push_back(std::move(request));
  }
  return out;
}

}  // namespace

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

absl::StatusOr<CodebookPlan> PlanCodebook(const std::vector<refi::Code>& codes,
                                          const std::vector<v1::Code>& existing,
                                          const std::string& project,
                                          const std::string& file_sha256, const std::string& where,
                                          const std::set<std::string>& coded_guids) {
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

    // Every field of the code as the archive has it, its id aside.
    auto set_archive_fields = [&](v1::Code& out) {
      out.set_name(code.name);
      out.set_definition(description);
      out.set_color(color);
      out.set_parent(parent);
      out.set_guid(code.guid);
      out.set_grouping_only(grouping);
    };

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
      set_archive_fields(step.code);
      plan.code_of_guid[code.guid] = match->id();
      if (step.mask.empty()) {
        ++plan.unchanged;
      } else {
        step.request_id =
            DerivedRequestId(file_sha256, absl::StrCat(project, "|update-code|", step.code.id(),
                                                       "|", absl::StrJoin(step.mask, ","), "|",
                                                       step.code.SerializeAsString()));
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
    set_archive_fields(step.code);
    step.request_id =
        DerivedRequestId(file_sha256, absl::StrCat(project, "|create-code|", step.code.guid()));
    if (grouping) ++plan.grouping;
    plan.code_of_guid[code.guid] = id;
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

absl::StatusOr<QdpxImportPlan> PlanQdpxImport(const refi::Project& archive,
                                              const refi::ImportPlan& sources,
                                              const std::string& project, const std::string& round,
                                              const CoderChoice& choice, const ServerView& server,
                                              const std::string& file_sha256,
                                              const std::string& where) {
  const bool take_codings = !round.empty() && !sources.sources.empty();
  std::map<std::string, std::string> user_names;  // guid -> name
  for (const refi::User& user : archive.users) user_names[user.guid] = user.name;
  auto coder_of = [&](const refi::PlannedCoding& coding) -> absl::StatusOr<std::string> {
    if (!choice.coder.empty()) return choice.coder;
    if (auto it = choice.user_map.find(coding.user_guid); it != choice.user_map.end()) {
      return it->second;
    }
    const std::string& name = user_names[coding.user_guid];
    if (!name.empty()) {
      if (auto it = choice.user_map.find(name); it != choice.user_map.end()) return it->second;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": PlainTextSelection ", coding.selection_guid, ": Coding ", coding.coding_guid,
        ": its user ", coding.user_guid.empty() ? "(none given)" : coding.user_guid,
        name.empty() ? "" : absl::StrCat(" (\"", name, "\")"), " is not in ", choice.user_map_file,
        UsersHelp(sources, user_names)));
  };

  // The codebook: NVivo's wrapping "Nodes" code goes unless a coding keeps it.
  bool wrapper_coded = false;
  std::set<std::string> coded_guids;
  for (const refi::PlannedSource& source : sources.sources) {
    for (const refi::PlannedCoding& coding : source.codings) {
      wrapper_coded |= archive.codes.size() == 1 && coding.code_guid == archive.codes[0].guid;
      coded_guids.insert(coding.code_guid);
    }
  }
  const std::vector<refi::Code> codes =
      wrapper_coded ? archive.codes : refi::WithoutWrappingNodesCode(archive.codes);
  QdpxImportPlan plan;
  absl::StatusOr<CodebookPlan> codebook =
      PlanCodebook(codes, server.codes, project, file_sha256, where,
                   take_codings ? coded_guids : std::set<std::string>());
  if (!codebook.ok()) return codebook.status();
  plan.codebook = *std::move(codebook);

  DocumentPlan documents = PlanDocuments(sources, server.documents, project, file_sha256);
  plan.new_documents = std::move(documents.created);
  plan.matched_documents = documents.matched;

  // Codings per coder, in file order, duplicates (same coder, document,
  // code and span) dropped.
  std::map<std::string, std::vector<PendingCoding>> by_coder;
  std::set<std::tuple<std::string, std::string, std::string, int64_t, int64_t>> seen;
  std::set<std::string> coded_documents;
  for (size_t i = 0; i < sources.sources.size() && take_codings; ++i) {
    const std::string& document = documents.of_source[i];
    for (const refi::PlannedCoding& coding : sources.sources[i].codings) {
      absl::StatusOr<std::string> coder = coder_of(coding);
      if (!coder.ok()) return coder.status();
      const std::string& code = plan.codebook.code_of_guid.at(coding.code_guid);
      if (!seen.emplace(*coder, document, code, coding.start, coding.end).second) {
        ++plan.duplicates;
        continue;
      }
      coded_documents.insert(document);
      by_coder[*coder].push_back({document, code, coding.start, coding.end, coding.memo});
    }
  }

  for (const auto& [coder, codings] : by_coder) plan.round_coders.insert(coder);
  if (!choice.coder.empty()) plan.round_coders.insert(choice.coder);
  for (const auto& [refi_user, user] : choice.user_map) plan.round_coders.insert(user);
  for (const std::string& coder : choice.more_coders) plan.round_coders.insert(coder);

  if (take_codings && server.round) {
    ICR_RETURN_IF_ERROR(CheckRoundTakes(*server.round, coded_documents, by_coder, where));
  } else if (take_codings) {
    v1::CreateRoundRequest request;
    request.set_project(project);
    request.set_id(round);
    request.set_title(archive.name.empty() ? round : archive.name);
    for (const std::string& d : documents.of_source) {
      if (std::find(request.documents().begin(), request.documents().end(), d) ==
          request.documents().end()) {
        request.add_documents(d);
      }
    }
    for (const std::string& coder : plan.round_coders) request.add_coders(coder);
    request.set_blind(server.blind_by_default);
    request.set_request_id(DerivedRequestId(file_sha256, absl::StrCat(project, "|round|", round)));
    plan.new_round = std::move(request);
  }
  for (const auto& [coder, codings] : by_coder) {
    plan.coders.push_back(PlanCoder(coder, codings, project, round, server.caller, file_sha256));
  }
  return plan;
}

}  // namespace icr::client
