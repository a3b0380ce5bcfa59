#include "server/coding/codings.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/catalog/validation.h"
#include "server/coding/progress_records.h"
#include "server/coding/round_access.h"
#include "server/common/ids.h"
#include "server/common/methods.h"
#include "server/common/status_macros.h"
#include "server/common/timestamp.h"
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"
#include "server/text/utf8.h"

namespace icr::coding {

using storage::Family;
using storage::MutationContext;
using storage::MutationResult;
using storage::ReadProto;

namespace {

constexpr int32_t kDefaultPageSize = 100;
constexpr int32_t kMaxPageSize = 10000;

// The checks of one batch against the round, documents and codebook, with
// documents and codes looked up once per batch.
}  // namespace

class BatchValidator {
 public:
  BatchValidator(Codings& codings, const storage::Store& store, const std::string& project,
                 const v1::Round& round, const CodingsOptions& options)
      : codings_(codings), store_(store), project_(project), options_(options) {
    round_documents_.insert(round.documents().begin(), round.documents().end());
  }

  absl::Status Check(int index, const v1::CodingInput& input) {
    const std::string where = absl::StrCat("codings[", index, "]");
    ICR_RETURN_IF_ERROR(catalog::ValidateId(where + ".document", input.document()));
    ICR_RETURN_IF_ERROR(catalog::ValidateId(where + ".code", input.code()));
    if (!round_documents_.count(input.document())) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".document: \"", input.document(),
                                                     "\" is not a document of this round"));
    }
    if (input.memo().size() > options_.max_memo_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ".memo: longer than ", options_.max_memo_bytes, " bytes"));
    }
    if (!text::IsValidUtf8(input.memo())) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".memo: not valid UTF-8"));
    }
    ICR_ASSIGN_OR_RETURN(const Codings::DocumentShape document,
                         codings_.Shape(project_, input.document()));
    switch (input.unit_case()) {
      case v1::CodingInput::kSegment:
        if (input.segment() < 0 || input.segment() >= document.segments) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, ".segment: ", input.segment(), " is out of range; document ",
                           input.document(), " has ", document.segments, " segments"));
        }
        break;
      case v1::CodingInput::kSpan:
        if (input.span().start() < 0 || input.span().start() >= input.span().end() ||
            input.span().end() > document.length_code_points) {
          return absl::InvalidArgumentError(
              absl::StrCat(where, ".span: [", input.span().start(), ", ", input.span().end(),
                           ") must be non-empty and within the document's ",
                           document.length_code_points, " code points"));
        }
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(where, ": give a segment or a span"));
    }
    ICR_RETURN_IF_ERROR(CheckCode(where, input.code()));
    // The same coding twice in one batch is a client error, not a retry.
    auto key =
        std::make_tuple(input.document(), input.code(),
                        input.unit_case() == v1::CodingInput::kSegment ? input.segment() : -1,
                        input.unit_case() == v1::CodingInput::kSpan ? input.span().start() : -1,
                        input.unit_case() == v1::CodingInput::kSpan ? input.span().end() : -1);
    auto [it, inserted] = seen_.emplace(std::move(key), index);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": the same coding as codings[", it->second, "]"));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status CheckCode(const std::string& where, const std::string& code) {
    auto it = codes_.find(code);
    if (it == codes_.end()) {
      ICR_ASSIGN_OR_RETURN(
          std::optional<v1::Code> stored,
          ReadProto<v1::Code>(store_, Family::kMetadata, storage::CodeKey(project_, code)));
      std::string problem;
      if (!stored) {
        problem = "is not in the codebook";
      } else if (stored->state() == v1::CODE_MERGED) {
        problem = absl::StrCat("was merged into \"", stored->merged_into(), "\"");
      } else if (stored->grouping_only()) {
        problem = absl::StrCat("(", stored->name().empty() ? stored->id() : stored->name(),
                               ") only groups other codes and cannot be applied; code with one "
                               "of the codes under it");
      }
      it = codes_.emplace(code, problem).first;
    }
    if (!it->second.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ".code: \"", code, "\" ", it->second));
    }
    return absl::OkStatus();
  }

  Codings& codings_;
  const storage::Store& store_;
  const std::string& project_;
  const CodingsOptions& options_;
  std::set<std::string> round_documents_;
  std::map<std::string, std::string> codes_;  // code -> problem ("" when usable)
  std::map<std::tuple<std::string, std::string, int64_t, int64_t, int64_t>, int> seen_;
};

absl::StatusOr<Codings::DocumentShape> Codings::Shape(const std::string& project,
                                                      const std::string& document) {
  const std::string key = storage::DocumentKey(project, document);
  {
    std::lock_guard<std::mutex> lock(shapes_mutex_);
    if (auto it = shapes_.find(key); it != shapes_.end()) return it->second;
  }
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Document> stored,
                       ReadProto<v1::Document>(store_, Family::kMetadata, key));
  if (!stored)
    return absl::DataLossError(absl::StrCat("document ", document, " of the round is missing"));
  DocumentShape shape{stored->segments_size(), stored->length_code_points()};
  std::lock_guard<std::mutex> lock(shapes_mutex_);
  if (shapes_.size() >= options_.max_cached_documents) shapes_.clear();
  shapes_.emplace(key, shape);
  return shape;
}

Codings::Codings(storage::Store& store, storage::Writer& writer, const CodingsOptions& options)
    : store_(store), writer_(writer), options_(options) {}

void Codings::AddListener(std::function<void(const CodingsChange&)> listener) {
  std::lock_guard<std::mutex> lock(listeners_mutex_);
  listeners_.push_back(std::move(listener));
}

void Codings::Notify(const CodingsChange& change) {
  std::lock_guard<std::mutex> lock(listeners_mutex_);
  for (const auto& listener : listeners_) listener(change);
}

absl::StatusOr<v1::SubmitCodingsResponse> Codings::Submit(const common::Caller& caller,
                                                          const v1::SubmitCodingsRequest& request) {
  return SubmitAs(rpc::coding::kSubmitCodings, caller, request);
}

absl::StatusOr<v1::SubmitCodingsResponse> Codings::ImportChunk(
    const common::Caller& caller, const v1::SubmitCodingsRequest& chunk) {
  return SubmitAs(rpc::coding::kImportCodings, caller, chunk);
}

absl::StatusOr<v1::SubmitCodingsResponse> Codings::SubmitAs(
    const char* method, const common::Caller& caller, const v1::SubmitCodingsRequest& request) {
  ICR_RETURN_IF_ERROR(catalog::ValidateId("round", request.round()));
  ICR_RETURN_IF_ERROR(catalog::ValidateRequestId(request.request_id()));
  if (request.codings_size() == 0) {
    return absl::InvalidArgumentError("codings: the batch is empty");
  }
  if (request.codings_size() > options_.max_batch) {
    return absl::ResourceExhaustedError(
        absl::StrCat("codings: ", request.codings_size(), " in one batch, over the limit of ",
                     options_.max_batch, "; use ImportCodings for bulk loads"));
  }
  const std::string& project = request.project();
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, project, request.round()));

  // The coder is the caller, or whom a lead submits for.
  ICR_ASSIGN_OR_RETURN(const std::string coder,
                       CoderOfRequest(caller, round, request.on_behalf_of(), "submit"));
  ICR_RETURN_IF_ERROR(RequireOpen(round));

  BatchValidator validator(*this, store_, project, round, options_);
  for (int i = 0; i < request.codings_size(); ++i) {
    ICR_RETURN_IF_ERROR(validator.Check(i, request.codings(i)));
  }

  storage::Mutation mutation = NewCodingMutation(project, caller, request.on_behalf_of(), method,
                                                 request.request_id(), request);
  const std::string submitted_by = request.on_behalf_of().empty() ? "" : caller.user;
  mutation.apply = [this, &request, project, coder, submitted_by, round_id = round.id()](
                       MutationContext& context) -> absl::StatusOr<MutationResult> {
    // The round may have advanced since validation.
    ICR_ASSIGN_OR_RETURN(
        std::optional<v1::Round> current,
        ReadProto<v1::Round>(context, Family::kMetadata, storage::RoundKey(project, round_id)));
    if (!current) return absl::NotFoundError(absl::StrCat("round ", round_id));
    ICR_RETURN_IF_ERROR(RequireOpen(*current));
    ICR_ASSIGN_OR_RETURN(
        std::optional<v1::Project> stored_project,
        ReadProto<v1::Project>(context, Family::kMetadata, storage::ProjectKey(project)));
    const int64_t revision = stored_project ? stored_project->codebook_revision() : 0;

    const std::string counter_key = storage::CodingCounterKey(project, round_id);
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> counter,
                         context.Get(Family::kCodings, counter_key));
    int64_t seq = counter ? static_cast<int64_t>(storage::ReadBigEndian64(*counter)) : 0;

    const google::protobuf::Timestamp now = ToTimestamp();

    auto change = std::make_shared<CodingsChange>();
    change->project = project;
    change->round = round_id;
    // A DONE document takes no more codings until it is reopened; a pair's
    // first coding makes it IN_PROGRESS.
    ICR_ASSIGN_OR_RETURN(change->progress,
                         StartDocuments(context, project, round_id, coder, request));
    change->added.reserve(request.codings_size());
    v1::SubmitCodingsResponse response;
    std::string value;
    for (const v1::CodingInput& input : request.codings()) {
      ++seq;
      v1::Coding& coding = change->added.emplace_back();
      coding.set_id(std::to_string(seq));
      coding.set_round(round_id);
      coding.set_coder(coder);
      coding.set_document(input.document());
      coding.set_code(input.code());
      if (input.unit_case() == v1::CodingInput::kSegment) {
        coding.set_segment(input.segment());
      } else {
        *coding.mutable_span() = input.span();
      }
      coding.set_memo(input.memo());
      coding.set_codebook_revision(revision);
      *coding.mutable_create_time() = now;
      coding.set_state(v1::ACTIVE);
      coding.set_submitted_by(submitted_by);
      coding.SerializeToString(&value);
      context.Put(Family::kCodings, storage::CodingKey(project, round_id, seq), value);
      context.Put(Family::kCodings, storage::CoderIndexKey(project, round_id, coder, seq), "");
      response.add_coding_ids(coding.id());
    }
    std::string encoded;
    storage::AppendBigEndian64(encoded, static_cast<uint64_t>(seq));
    context.Put(Family::kCodings, counter_key, encoded);

    MutationResult result;
    result.response = response.SerializeAsString();
    result.summary = absl::StrCat("stored ", request.codings_size(), " codings of ", coder,
                                  " in round ", round_id, " (ids ", response.coding_ids(0), "..",
                                  response.coding_ids(response.coding_ids_size() - 1), ")");
    result.on_committed = [this, change] { Notify(*change); };
    return result;
  };
  ICR_ASSIGN_OR_RETURN(std::string bytes, writer_.Commit(std::move(mutation)));
  v1::SubmitCodingsResponse response;
  if (!response.ParseFromString(bytes)) return absl::InternalError("unreadable response");
  return response;
}

absl::StatusOr<v1::RetractCodingResponse> Codings::Retract(
    const common::Caller& caller, const v1::RetractCodingRequest& request) {
  ICR_RETURN_IF_ERROR(catalog::ValidateId("round", request.round()));
  ICR_RETURN_IF_ERROR(catalog::ValidateRequestId(request.request_id()));
  const int64_t seq = ParseDecimalId(request.coding());
  if (seq <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("coding: \"", request.coding(), "\" is not a coding id"));
  }
  if (request.reason().empty()) return absl::InvalidArgumentError("reason: required");
  ICR_RETURN_IF_ERROR(catalog::ValidateText("reason", request.reason(), 2000));
  const std::string& project = request.project();
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, project, request.round()));

  storage::Mutation mutation = NewCodingMutation(project, caller, "", rpc::coding::kRetractCoding,
                                                 request.request_id(), request);
  mutation.apply = [this, &request, &caller, project,
                    seq](MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Round> round,
                         ReadProto<v1::Round>(context, Family::kMetadata,
                                              storage::RoundKey(project, request.round())));
    if (!round) return absl::NotFoundError(absl::StrCat("round ", request.round()));
    const std::string key = storage::CodingKey(project, request.round(), seq);
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Coding> coding,
                         ReadProto<v1::Coding>(context, Family::kCodings, key));
    if (!coding) {
      return absl::NotFoundError(
          absl::StrCat("coding ", request.coding(), " in round ", request.round()));
    }
    if (coding->coder() != caller.user && !caller.is_lead()) {
      return absl::PermissionDeniedError("coding: only its coder or a lead may retract it");
    }
    ICR_RETURN_IF_ERROR(RequireOpen(*round));
    ICR_RETURN_IF_ERROR(RequireNotDone(context, project, request.round(), coding->coder(),
                                       coding->document(), "coding"));
    if (coding->state() == v1::RETRACTED) {
      return absl::FailedPreconditionError(
          absl::StrCat("coding ", request.coding(), " is already retracted"));
    }
    coding->set_state(v1::RETRACTED);
    coding->set_retract_reason(request.reason());
    coding->set_retracted_by(caller.user);
    context.Put(Family::kCodings, key, coding->SerializeAsString());
    auto change = std::make_shared<CodingsChange>();
    change->project = project;
    change->round = request.round();
    change->retracted.push_back(*coding);
    v1::RetractCodingResponse response;
    *response.mutable_coding() = *coding;
    MutationResult result;
    result.response = response.SerializeAsString();
    result.summary = absl::StrCat("retracted coding ", request.coding(), " of ", coding->coder(),
                                  " in round ", request.round());
    result.on_committed = [this, change] { Notify(*change); };
    return result;
  };
  ICR_ASSIGN_OR_RETURN(std::string bytes, writer_.Commit(std::move(mutation)));
  v1::RetractCodingResponse response;
  if (!response.ParseFromString(bytes)) return absl::InternalError("unreadable response");
  return response;
}

absl::StatusOr<v1::ListCodingsResponse> Codings::List(const common::Caller& caller,
                                                      const v1::ListCodingsRequest& request) const {
  ICR_RETURN_IF_ERROR(catalog::ValidateId("round", request.round()));
  if (!request.coder().empty()) ICR_RETURN_IF_ERROR(catalog::ValidateId("coder", request.coder()));
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  int64_t after = 0;
  if (!request.page_token().empty()) {
    after = ParseDecimalId(request.page_token());
    if (after <= 0) return absl::InvalidArgumentError("page_token: not a token this server issued");
  }
  const std::string& project = request.project();
  ICR_ASSIGN_OR_RETURN(v1::Round round, LoadRound(store_, project, request.round()));

  // Blind rules (DESIGN §2): while a blind round is OPEN, a coder reads only
  // its own codings and a reviewer none; leads and owners read all.
  std::string coder = request.coder();
  if (round.blind() && round.state() == v1::OPEN && !caller.is_lead()) {
    if (caller.role == v1::REVIEWER) {
      return absl::PermissionDeniedError(
          absl::StrCat("round ", round.id(),
                       " is blind and OPEN; reviewers read codings once it has left OPEN"));
    }
    if (!coder.empty() && coder != caller.user) {
      return absl::PermissionDeniedError(absl::StrCat(
          "round ", round.id(), " is blind and OPEN; coders read only their own codings"));
    }
    coder = caller.user;
  }

  const int32_t page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  v1::ListCodingsResponse response;
  absl::Status failure;
  auto keep = [&](v1::Coding coding) {
    if (!request.include_retracted() && coding.state() == v1::RETRACTED) return true;
    if (!request.document().empty() && coding.document() != request.document()) return true;
    if (!request.code().empty() && coding.code() != request.code()) return true;
    if (response.codings_size() == page_size) {
      response.set_next_page_token(response.codings().rbegin()->id());
      return false;
    }
    *response.add_codings() = std::move(coding);
    return true;
  };
  if (coder.empty()) {
    const std::string prefix = storage::CodingPrefix(project, round.id());
    const std::string start = after > 0 ? storage::CodingKey(project, round.id(), after) : "";
    ICR_RETURN_IF_ERROR(
        store_.Scan(Family::kCodings, prefix, start, [&](std::string_view, std::string_view value) {
          v1::Coding coding;
          if (!coding.ParseFromArray(value.data(), value.size())) {
            failure = absl::DataLossError("unreadable coding");
            return false;
          }
          return keep(std::move(coding));
        }));
  } else {
    const std::string prefix = storage::CoderIndexPrefix(project, round.id(), coder);
    const std::string start =
        after > 0 ? storage::CoderIndexKey(project, round.id(), coder, after) : "";
    ICR_RETURN_IF_ERROR(
        store_.Scan(Family::kCodings, prefix, start, [&](std::string_view key, std::string_view) {
          const int64_t seq =
              static_cast<int64_t>(storage::ReadBigEndian64(key.substr(prefix.size())));
          auto coding = ReadProto<v1::Coding>(store_, Family::kCodings,
                                              storage::CodingKey(project, round.id(), seq));
          if (!coding.ok() || !coding->has_value()) {
            failure =
                coding.ok() ? absl::DataLossError("coding index points nowhere") : coding.status();
            return false;
          }
          return keep(**std::move(coding));
        }));
  }
  ICR_RETURN_IF_ERROR(failure);
  return response;
}

absl::Status Codings::ForEach(std::string_view project, std::string_view round,
                              const std::function<bool(const v1::Coding&)>& visit) const {
  absl::Status failure;
  ICR_RETURN_IF_ERROR(store_.Scan(Family::kCodings, storage::CodingPrefix(project, round), "",
                                  [&](std::string_view, std::string_view value) {
                                    v1::Coding coding;
                                    if (!coding.ParseFromArray(value.data(), value.size())) {
                                      failure = absl::DataLossError("unreadable coding");
                                      return false;
                                    }
                                    return visit(coding);
                                  }));
  return failure;
}

absl::Status Codings::ForEachProgress(
    std::string_view project, std::string_view round,
    const std::function<void(const v1::DocumentProgress&)>& visit) const {
  absl::Status failure;
  ICR_RETURN_IF_ERROR(store_.Scan(Family::kCodings, storage::ProgressPrefix(project, round), "",
                                  [&](std::string_view, std::string_view value) {
                                    v1::DocumentProgress progress;
                                    if (!progress.ParseFromArray(value.data(), value.size())) {
                                      failure = absl::DataLossError("unreadable progress record");
                                      return false;
                                    }
                                    visit(progress);
                                    return true;
                                  }));
  return failure;
}

v1::ProgressState EffectiveProgress(const v1::DocumentProgress* record, bool has_codings) {
  if (record != nullptr && record->state() != v1::PROGRESS_STATE_UNSPECIFIED) {
    return record->state();
  }
  return has_codings ? v1::IN_PROGRESS : v1::NOT_STARTED;
}

}  // namespace icr::coding
