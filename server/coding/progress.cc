// Coding progress (issue "coding progress"): each (round, coder, document)
// is NOT_STARTED, IN_PROGRESS (from its first coding) or DONE (said by the
// coder, or a lead for the coder), so that live agreement counts finished
// work only. Every change is an audit event; setting the state a pair
// already has changes nothing.

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/catalog/validation.h"
#include "server/coding/codings.h"
#include "server/coding/progress_records.h"
#include "server/coding/round_access.h"
#include "server/common/methods.h"
#include "server/common/status_macros.h"
#include "server/common/timestamp.h"
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"

namespace icr::coding {
namespace {

bool InRound(const v1::Round& round, const std::string& document) {
  return std::find(round.documents().begin(), round.documents().end(), document) !=
         round.documents().end();
}

}  // namespace

absl::StatusOr<v1::SetDocumentProgressResponse> Codings::SetProgress(
    const common::Caller& caller, const v1::SetDocumentProgressRequest& request) {
  ICR_RETURN_IF_ERROR(catalog::ValidateId("round", request.round()));
  ICR_RETURN_IF_ERROR(catalog::ValidateId("document", request.document()));
  ICR_RETURN_IF_ERROR(catalog::ValidateRequestId(request.request_id()));
  if (request.state() != v1::DONE && request.state() != v1::IN_PROGRESS) {
    return absl::InvalidArgumentError(
        "state: must be DONE (finished) or IN_PROGRESS (reopened or started)");
  }
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, request.project(), request.round()));
  if (!InRound(round, request.document())) {
    return absl::InvalidArgumentError(absl::StrCat("document: \"", request.document(),
                                                   "\" is not a document of round ", round.id()));
  }
  ICR_ASSIGN_OR_RETURN(const std::string coder,
                       CoderOfRequest(caller, round, request.on_behalf_of(), "set progress"));
  ICR_RETURN_IF_ERROR(RequireOpen(round));
  ICR_ASSIGN_OR_RETURN(
      v1::DocumentProgress progress,
      CommitProgress(rpc::coding::kSetDocumentProgress, caller, request, coder, ""));
  v1::SetDocumentProgressResponse response;
  *response.mutable_progress() = std::move(progress);
  return response;
}

absl::StatusOr<v1::DocumentProgress> Codings::CommitProgress(
    const char* method, const common::Caller& caller, const v1::SetDocumentProgressRequest& request,
    const std::string& coder, const std::string& note) {
  const std::string project = request.project();
  const std::string round_id = request.round();
  const std::string document = request.document();
  // The state it already has: answered without a mutation (and no event).
  {
    ICR_ASSIGN_OR_RETURN(std::optional<v1::DocumentProgress> stored,
                         storage::ReadProto<v1::DocumentProgress>(
                             store_, storage::Family::kCodings,
                             storage::ProgressKey(project, round_id, coder, document)));
    if (stored && stored->state() == request.state()) return *stored;
  }
  storage::Mutation mutation = NewCodingMutation(project, caller, request.on_behalf_of(), method,
                                                 request.request_id(), request);
  const v1::ProgressState state = request.state();
  mutation.apply =
      [this, project, round_id, document, coder, state, note, actor = caller.user](
          storage::MutationContext& context) -> absl::StatusOr<storage::MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Round> current,
                         storage::ReadProto<v1::Round>(context, storage::Family::kMetadata,
                                                       storage::RoundKey(project, round_id)));
    if (!current) return absl::NotFoundError(absl::StrCat("round ", round_id));
    ICR_RETURN_IF_ERROR(RequireOpen(*current));
    ICR_ASSIGN_OR_RETURN(std::optional<v1::DocumentProgress> before,
                         ReadProgressRecord(context, project, round_id, coder, document));
    const v1::ProgressState from = before ? before->state() : v1::NOT_STARTED;
    v1::DocumentProgress progress;
    progress.set_coder(coder);
    progress.set_document(document);
    progress.set_state(state);
    *progress.mutable_update_time() = ToTimestamp();
    progress.set_updated_by(actor);
    WriteProgressRecord(context, project, round_id, progress);
    auto change = std::make_shared<CodingsChange>();
    change->project = project;
    change->round = round_id;
    change->progress.push_back(progress);
    v1::SetDocumentProgressResponse response;
    *response.mutable_progress() = progress;
    storage::MutationResult result;
    result.response = response.SerializeAsString();
    result.summary =
        absl::StrCat("document ", document, " of ", coder, " in round ", round_id, ": ",
                     v1::ProgressState_Name(from), " -> ", v1::ProgressState_Name(state), note);
    result.on_committed = [this, change] { Notify(*change); };
    return result;
  };
  ICR_ASSIGN_OR_RETURN(std::string bytes, writer_.Commit(std::move(mutation)));
  v1::SetDocumentProgressResponse response;
  if (!response.ParseFromString(bytes)) return absl::InternalError("unreadable response");
  return response.progress();
}

absl::StatusOr<std::vector<std::string>> Codings::MarkImportedDone(
    const common::Caller& caller, const std::string& project, const std::string& round,
    const std::string& on_behalf_of, const std::vector<std::string>& documents) {
  ICR_ASSIGN_OR_RETURN(v1::Round stored_round, LoadRound(store_, project, round));
  ICR_ASSIGN_OR_RETURN(const std::string coder,
                       CoderOfRequest(caller, stored_round, on_behalf_of, "import"));
  std::vector<std::string> marked;
  for (const std::string& document : documents) {
    v1::SetDocumentProgressRequest request;
    request.set_project(project);
    request.set_round(round);
    request.set_document(document);
    request.set_state(v1::DONE);
    request.set_on_behalf_of(on_behalf_of);
    ICR_ASSIGN_OR_RETURN(std::optional<v1::DocumentProgress> stored,
                         storage::ReadProto<v1::DocumentProgress>(
                             store_, storage::Family::kCodings,
                             storage::ProgressKey(project, round, coder, document)));
    if (stored && stored->state() == v1::DONE) continue;
    // Audited as the SetDocumentProgress it amounts to (an event's request
    // bytes are always the named method's request message).
    ICR_RETURN_IF_ERROR(
        CommitProgress(rpc::coding::kSetDocumentProgress, caller, request, coder, " (imported)")
            .status());
    marked.push_back(document);
  }
  return marked;
}

absl::StatusOr<v1::ListProgressResponse> Codings::ListProgress(
    const common::Caller& caller, const v1::ListProgressRequest& request) const {
  ICR_RETURN_IF_ERROR(catalog::ValidateId("round", request.round()));
  if (!request.coder().empty()) ICR_RETURN_IF_ERROR(catalog::ValidateId("coder", request.coder()));
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, request.project(), request.round()));
  std::string only = request.coder();
  // Blind rules: while a blind round is OPEN a coder sees only its own
  // progress (others' pace says something about their codings).
  if (round.blind() && round.state() == v1::OPEN && caller.role == v1::CODER) {
    if (!only.empty() && only != caller.user) {
      return absl::PermissionDeniedError(absl::StrCat(
          "round ", round.id(), " is blind and OPEN; coders see only their own progress"));
    }
    only = caller.user;
  }
  if (!only.empty() && !IsCoderOf(round, only)) {
    return absl::InvalidArgumentError(
        absl::StrCat("coder: \"", only, "\" is not a coder of round ", round.id()));
  }

  std::map<std::pair<std::string, std::string>, v1::DocumentProgress> records;
  ICR_RETURN_IF_ERROR(
      ForEachProgress(request.project(), round.id(), [&](const v1::DocumentProgress& p) {
        records[{p.coder(), p.document()}] = p;
      }));
  // Rounds coded before progress was kept have codings but no records: their
  // pairs with codings are IN_PROGRESS.
  std::set<std::pair<std::string, std::string>> coded;
  if (records.empty()) {
    ICR_RETURN_IF_ERROR(ForEach(request.project(), round.id(), [&](const v1::Coding& c) {
      coded.emplace(c.coder(), c.document());
      return true;
    }));
  }

  v1::ListProgressResponse response;
  for (const std::string& coder : round.coders()) {
    if (!only.empty() && coder != only) continue;
    v1::CoderProgress* tally = response.add_coders();
    tally->set_coder(coder);
    for (const std::string& document : round.documents()) {
      auto it = records.find({coder, document});
      const v1::DocumentProgress* record = it == records.end() ? nullptr : &it->second;
      v1::DocumentProgress* out = response.add_progress();
      if (record != nullptr) *out = *record;
      out->set_coder(coder);
      out->set_document(document);
      out->set_state(EffectiveProgress(record, coded.count({coder, document}) > 0));
      tally->set_documents(tally->documents() + 1);
      switch (out->state()) {
        case v1::DONE:
          tally->set_done(tally->done() + 1);
          break;
        case v1::IN_PROGRESS:
          tally->set_in_progress(tally->in_progress() + 1);
          break;
        default:
          tally->set_not_started(tally->not_started() + 1);
      }
    }
  }
  return response;
}

}  // namespace icr::coding
