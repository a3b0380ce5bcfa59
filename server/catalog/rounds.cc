// Rounds: creation, listing, and the OPEN -> RECONCILING -> CLOSED advance.
#include "server/catalog/catalog.h"
#include "server/catalog/catalog_internal.h"
#include "server/catalog/speakers.h"
#include "server/common/methods.h"

namespace icr::catalog {

// --- Rounds -----------------------------------------------------------------

absl::StatusOr<v1::CreateRoundResponse> Catalog::CreateRound(
    const common::Caller& actor, const v1::CreateRoundRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("id", request.id()));
  ICR_RETURN_IF_ERROR(ValidateText("title", request.title(), kMaxNameLength));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (request.documents_size() == 0) {
    return absl::InvalidArgumentError("documents: a round needs at least one document");
  }
  if (request.coders_size() == 0) {
    return absl::InvalidArgumentError("coders: a round needs at least one coder");
  }
  for (const auto* list : {&request.documents(), &request.coders()}) {
    const char* name = list == &request.documents() ? "documents" : "coders";
    std::set<std::string> seen;
    for (int i = 0; i < list->size(); ++i) {
      const std::string field = absl::StrCat(name, "[", i, "]");
      ICR_RETURN_IF_ERROR(ValidateId(field, list->Get(i)));
      if (!seen.insert(list->Get(i)).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": \"", list->Get(i), "\" is listed twice"));
      }
    }
  }
  ICR_RETURN_IF_ERROR(ValidateSpeakers(request.speakers(), request.exclude_speakers()));
  const std::string project = request.project();
  v1::Round round;
  round.set_id(request.id());
  round.set_title(request.title().empty() ? request.id() : request.title());
  *round.mutable_documents() = request.documents();
  *round.mutable_coders() = request.coders();
  *round.mutable_speakers() = request.speakers();
  *round.mutable_exclude_speakers() = request.exclude_speakers();
  round.set_state(v1::OPEN);
  round.set_etag("1");
  SetNow(round.mutable_create_time());
  const bool blind = request.blind();
  storage::Mutation mutation =
      NewMutation(project, actor, rpc::project::kCreateRound, request, request.request_id());
  mutation.apply = [project, round,
                    blind](MutationContext& context) mutable -> absl::StatusOr<MutationResult> {
    const std::string key = storage::RoundKey(project, round.id());
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing, context.Get(Family::kMetadata, key));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("round ", round.id()));
    const bool by_speaker = round.speakers_size() > 0 || round.exclude_speakers_size() > 0;
    std::set<std::string> present;  // the speakers of the documents' segments
    for (int i = 0; i < round.documents_size(); ++i) {
      ICR_ASSIGN_OR_RETURN(
          std::optional<std::string> document,
          context.Get(Family::kMetadata, storage::DocumentKey(project, round.documents(i))));
      if (!document) {
        return absl::InvalidArgumentError(
            absl::StrCat("documents[", i, "]: unknown document \"", round.documents(i), "\""));
      }
      if (!by_speaker) continue;
      v1::Document parsed;
      if (!parsed.ParseFromString(*document)) {
        return absl::DataLossError(absl::StrCat("document ", round.documents(i), " unreadable"));
      }
      for (const v1::Segment& segment : parsed.segments()) present.insert(segment.speaker());
    }
    if (by_speaker) {
      ICR_RETURN_IF_ERROR(
          CheckSpeakersPresent(round.speakers(), round.exclude_speakers(), present));
    }
    for (int i = 0; i < round.coders_size(); ++i) {
      ICR_ASSIGN_OR_RETURN(std::optional<v1::Member> member,
                           Read<v1::Member>(context, Family::kMetadata,
                                            storage::MemberKey(project, round.coders(i))));
      if (!member) {
        return absl::InvalidArgumentError(absl::StrCat("coders[", i, "]: \"", round.coders(i),
                                                       "\" is not a member of the project"));
      }
      if (member->role() == v1::REVIEWER) {
        return absl::InvalidArgumentError(absl::StrCat("coders[", i, "]: \"", round.coders(i),
                                                       "\" is a reviewer; reviewers do not code"));
      }
    }
    ICR_ASSIGN_OR_RETURN(
        std::optional<v1::Project> stored_project,
        Read<v1::Project>(context, Family::kMetadata, storage::ProjectKey(project)));
    if (!stored_project) return absl::NotFoundError(absl::StrCat("project ", project));
    round.set_blind(blind || stored_project->blind_by_default());
    round.set_codebook_revision(stored_project->codebook_revision());
    context.Put(Family::kMetadata, key, round.SerializeAsString());
    v1::CreateRoundResponse response;
    *response.mutable_round() = round;
    return MutationResult{
        response.SerializeAsString(),
        absl::StrCat(
            "created ", round.blind() ? "blind " : "", "round ", round.id(), ": ",
            round.documents_size(), " documents x ", round.coders_size(),
            " coders, codebook revision ", round.codebook_revision(),
            round.speakers_size() > 0
                ? absl::StrCat(", units: turns of ", absl::StrJoin(round.speakers(), ", "))
                : "",
            round.exclude_speakers_size() > 0
                ? absl::StrCat(", not the turns of ", absl::StrJoin(round.exclude_speakers(), ", "))
                : ""),
        std::nullopt};
  };
  return CommitAndParse<v1::CreateRoundResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::GetRoundResponse> Catalog::GetRound(const v1::GetRoundRequest& request) const {
  ICR_RETURN_IF_ERROR(ValidateId("round", request.round()));
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Round> round,
                       Read<v1::Round>(store_, Family::kMetadata,
                                       storage::RoundKey(request.project(), request.round())));
  if (!round) return absl::NotFoundError(absl::StrCat("round ", request.round()));
  v1::GetRoundResponse response;
  *response.mutable_round() = *std::move(round);
  return response;
}

absl::StatusOr<v1::ListRoundsResponse> Catalog::ListRounds(
    const v1::ListRoundsRequest& request) const {
  v1::ListRoundsResponse response;
  ICR_ASSIGN_OR_RETURN(std::string next,
                       ListPage<v1::Round>(store_, Family::kMetadata,
                                           storage::ProjectScopedPrefix("round", request.project()),
                                           request.page_size(), request.page_token(),
                                           KeepAll<v1::Round>, response.mutable_rounds()));
  response.set_next_page_token(next);
  return response;
}

namespace {

// The round's (coder, document) pairs that are not DONE, in round order,
// from the progress records (storage::ProgressKey; no record: NOT_STARTED).
absl::StatusOr<std::vector<v1::UnfinishedWork>> UnfinishedWorkOf(const MutationContext& context,
                                                                 const std::string& project,
                                                                 const v1::Round& round) {
  std::vector<v1::UnfinishedWork> unfinished;
  for (const std::string& coder : round.coders()) {
    for (const std::string& document : round.documents()) {
      ICR_ASSIGN_OR_RETURN(
          std::optional<v1::DocumentProgress> record,
          Read<v1::DocumentProgress>(context, Family::kCodings,
                                     storage::ProgressKey(project, round.id(), coder, document)));
      if (record && record->state() == v1::DONE) continue;
      v1::UnfinishedWork& w = unfinished.emplace_back();
      w.set_coder(coder);
      w.set_document(document);
      w.set_state(record ? v1::ProgressState_Name(record->state()) : "NOT_STARTED");
    }
  }
  return unfinished;
}

}  // namespace

absl::StatusOr<v1::AdvanceRoundResponse> Catalog::AdvanceRound(
    const common::Caller& actor, const v1::AdvanceRoundRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("round", request.round()));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!v1::RoundState_IsValid(request.from_state())) {
    return absl::InvalidArgumentError("from_state: unknown value");
  }
  const std::string project = request.project();
  const std::string round_id = request.round();
  const v1::RoundState from_state = request.from_state();
  const std::string etag = request.etag();
  const bool force = request.force();
  storage::Mutation mutation =
      NewMutation(project, actor, rpc::project::kAdvanceRound, request, request.request_id());
  mutation.apply = [project, round_id, from_state, etag,
                    force](MutationContext& context) -> absl::StatusOr<MutationResult> {
    const std::string key = storage::RoundKey(project, round_id);
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Round> round,
                         Read<v1::Round>(context, Family::kMetadata, key));
    if (!round) return absl::NotFoundError(absl::StrCat("round ", round_id));
    if (!etag.empty() && etag != round->etag()) {
      return absl::AbortedError(
          absl::StrCat("etag: round ", round_id, " changed since etag ", etag));
    }
    if (from_state != v1::ROUND_STATE_UNSPECIFIED && from_state != round->state()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "round ", round_id, " is ", StateName(round->state()), ", not ", StateName(from_state)));
    }
    const v1::RoundState before = round->state();
    v1::AdvanceRoundResponse response;
    std::string unfinished_note;
    switch (before) {
      case v1::OPEN: {
        // Leaving OPEN ends coding: say which coders have not finished.
        ICR_ASSIGN_OR_RETURN(std::vector<v1::UnfinishedWork> unfinished,
                             UnfinishedWorkOf(context, project, *round));
        if (!unfinished.empty()) {
          // The pairs as text, the first `most` of them (an error travels in
          // gRPC trailers of a few KiB; the event keeps many more).
          auto listed = [&](size_t most) {
            std::string pairs;
            for (size_t i = 0; i < unfinished.size() && i < most; ++i) {
              const v1::UnfinishedWork& w = unfinished[i];
              absl::StrAppend(&pairs, i ? ", " : "", w.coder(), "/", w.document(), " (", w.state(),
                              ")");
            }
            if (unfinished.size() > most) {
              absl::StrAppend(&pairs, " and ", unfinished.size() - most, " more");
            }
            return pairs;
          };
          if (!force) {
            return absl::FailedPreconditionError(
                absl::StrCat("round ", round_id, ": ", unfinished.size(),
                             " (coder, document) pairs are not done: ", listed(20),
                             "; set force to advance anyway"));
          }
          unfinished_note = absl::StrCat(" (forced; not done: ", listed(5000), ")");
          for (v1::UnfinishedWork& w : unfinished) *response.add_unfinished() = std::move(w);
        }
        round->set_state(v1::RECONCILING);
        break;
      }
      case v1::RECONCILING:
        round->set_state(v1::CLOSED);
        break;
      default:
        return absl::FailedPreconditionError(
            absl::StrCat("round ", round_id, " is ", StateName(before), "; it cannot advance"));
    }
    round->set_etag(NextEtag(round->etag()));
    context.Put(Family::kMetadata, key, round->SerializeAsString());
    *response.mutable_round() = *round;
    return MutationResult{response.SerializeAsString(),
                          absl::StrCat("round ", round_id, ": ", StateName(before), " -> ",
                                       StateName(round->state()), unfinished_note),
                          std::nullopt};
  };
  return CommitAndParse<v1::AdvanceRoundResponse>(writer_, std::move(mutation));
}

}  // namespace icr::catalog
