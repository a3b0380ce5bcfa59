#include "server/coding/changes.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "icr/v1/coding.pb.h"
#include "server/coding/round_access.h"
#include "server/common/ids.h"
#include "server/common/methods.h"
#include "server/common/status_macros.h"
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"

namespace icr::coding {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// What a method changes, and which fields of its request name the round and
// the document (those a request creates are named by its "id").
struct MethodChange {
  std::string_view method;
  v1::ChangeKind kind;
  std::string_view round_field = "round";
  std::string_view document_field = "document";
};

constexpr MethodChange kMethodChanges[] = {
    {rpc::coding::kSubmitCodings, v1::CHANGE_KIND_CODINGS},
    {rpc::coding::kImportCodings, v1::CHANGE_KIND_CODINGS},
    {rpc::coding::kRetractCoding, v1::CHANGE_KIND_CODINGS},
    {rpc::coding::kSetDocumentProgress, v1::CHANGE_KIND_PROGRESS},
    {rpc::project::kCreateRound, v1::CHANGE_KIND_ROUND, "id"},
    {rpc::project::kAdvanceRound, v1::CHANGE_KIND_ROUND},
    {rpc::agreement::kResolveDisagreement, v1::CHANGE_KIND_RESOLUTION},
    {rpc::project::kCreateCode, v1::CHANGE_KIND_CODEBOOK},
    {rpc::project::kUpdateCode, v1::CHANGE_KIND_CODEBOOK},
    {rpc::project::kMergeCode, v1::CHANGE_KIND_CODEBOOK},
    {rpc::project::kCreateDomain, v1::CHANGE_KIND_CODEBOOK},
    {rpc::project::kCreateDocument, v1::CHANGE_KIND_DOCUMENTS, "round", "id"},
    {rpc::project::kAddMember, v1::CHANGE_KIND_MEMBERS},
};

const MethodChange* FindMethodChange(std::string_view method) {
  for (const MethodChange& entry : kMethodChanges) {
    if (entry.method == method) return &entry;
  }
  return nullptr;
}

// The message type of the request an event of `method` records: the
// method's input type, but for imports, whose events each record one chunk
// as the SubmitCodingsRequest it was committed as.
const Descriptor* RecordedRequestType(std::string_view method) {
  if (method == rpc::coding::kImportCodings) return v1::SubmitCodingsRequest::descriptor();
  // "/icr.v1.CodingService/SubmitCodings" -> "icr.v1.CodingService.SubmitCodings"
  const size_t slash = method.rfind('/');
  if (method.size() < 2 || method[0] != '/' || slash == 0 || slash == std::string_view::npos) {
    return nullptr;
  }
  std::string name(method.substr(1));
  name[slash - 1] = '.';
  const google::protobuf::MethodDescriptor* found =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  return found == nullptr ? nullptr : found->input_type();
}

// The value of the singular string field `name` of `message`, or "".
std::string StringField(const Message& message, std::string_view name) {
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(std::string(name));
  if (field == nullptr || field->is_repeated() || field->type() != FieldDescriptor::TYPE_STRING) {
    return "";
  }
  return message.GetReflection()->GetString(message, field);
}

// The one document the request's "codings" are on, or "" when they are on
// several (or the request has none).
std::string SoleDocumentOfCodings(const Message& message) {
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName("codings");
  if (field == nullptr || !field->is_repeated() ||
      field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return "";
  }
  const google::protobuf::Reflection* reflection = message.GetReflection();
  std::string document;
  for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
    const std::string each =
        StringField(reflection->GetRepeatedMessage(message, field, i), "document");
    if (i > 0 && each != document) return "";
    document = each;
  }
  return document;
}

bool IsCodersWork(v1::ChangeKind kind) {
  return kind == v1::CHANGE_KIND_CODINGS || kind == v1::CHANGE_KIND_PROGRESS;
}

}  // namespace

v1::Change ChangeOfEvent(const v1::AuditEvent& event) {
  v1::Change change;
  change.set_seq(event.seq());
  *change.mutable_time() = event.time();
  change.set_method(event.method());
  const MethodChange* entry = FindMethodChange(event.method());
  change.set_kind(entry == nullptr ? v1::CHANGE_KIND_PROJECT : entry->kind);
  if (IsCodersWork(change.kind())) {
    change.set_coder(event.on_behalf_of().empty() ? event.actor() : event.on_behalf_of());
  }
  const Descriptor* type = RecordedRequestType(event.method());
  if (type == nullptr) return change;
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  if (prototype == nullptr) return change;
  std::unique_ptr<Message> request(prototype->New());
  if (!request->ParseFromString(event.request())) return change;
  change.set_round(StringField(*request, entry == nullptr ? "round" : entry->round_field));
  change.set_document(StringField(*request, entry == nullptr ? "document" : entry->document_field));
  if (change.document().empty()) change.set_document(SoleDocumentOfCodings(*request));
  return change;
}

namespace {

// A retraction's request names only the coding: its coder (whom a lead may
// retract for without on_behalf_of) and document are the stored coding's.
absl::Status FillRetractedCoding(const storage::Store& store, const v1::AuditEvent& event,
                                 v1::Change& change) {
  v1::RetractCodingRequest request;
  if (!request.ParseFromString(event.request())) return absl::OkStatus();
  const int64_t seq = ParseDecimalId(request.coding());
  if (seq <= 0) return absl::OkStatus();
  ICR_ASSIGN_OR_RETURN(
      std::optional<v1::Coding> coding,
      storage::ReadProto<v1::Coding>(store, storage::Family::kCodings,
                                     storage::CodingKey(event.project(), request.round(), seq)));
  if (!coding.has_value()) return absl::OkStatus();
  change.set_coder(coding->coder());
  change.set_document(coding->document());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ListChangesResponse> ChangeFeed::List(
    const common::Caller& caller, const v1::ListChangesRequest& request) const {
  if (request.after_seq() < -1) {
    return absl::InvalidArgumentError("after_seq: must be an event seq, or -1 for the end");
  }
  if (request.after_seq() == -1) {
    // A stream starting now: no changes, and the project's last seq to
    // resume from.
    v1::ListChangesResponse response;
    auto last = store_.Last(storage::Family::kEvents, storage::EventPrefix(request.project()));
    if (!last.ok()) return last.status();
    if (last->has_value()) {
      response.set_last_seq(static_cast<int64_t>(
          storage::ReadBigEndian64(std::string_view((*last)->first)
                                       .substr(storage::EventPrefix(request.project()).size()))));
    }
    return response;
  }
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  const int32_t page_size =
      request.page_size() == 0 ? kMaxPageSize : std::min(request.page_size(), kMaxPageSize);
  const std::string& project = request.project();

  // Per round, whether its coders' work is hidden from this caller: read
  // once per call, and only for a CODER.
  absl::flat_hash_map<std::string, bool> hidden_rounds;
  auto visible = [&](const v1::Change& change) -> absl::StatusOr<bool> {
    if (caller.role != v1::CODER || !IsCodersWork(change.kind()) || change.coder() == caller.user) {
      return true;
    }
    auto [it, inserted] = hidden_rounds.try_emplace(change.round(), true);
    if (inserted) {
      absl::StatusOr<v1::Round> round = LoadRound(store_, project, change.round());
      if (round.ok()) {
        it->second = round->blind() && round->state() == v1::OPEN;
      } else if (!absl::IsNotFound(round.status()) && !absl::IsInvalidArgument(round.status())) {
        return round.status();
      }
      // A round that cannot be read stays hidden.
    }
    return !it->second;
  };

  v1::ListChangesResponse response;
  response.set_last_seq(request.after_seq());
  absl::Status failure;
  int32_t read = 0;
  ICR_RETURN_IF_ERROR(
      log_.ReadEventsAfter(project, request.after_seq(), [&](v1::EventRecord& record) {
        v1::Change change = ChangeOfEvent(record.event());
        if (record.event().method() == rpc::coding::kRetractCoding) {
          failure = FillRetractedCoding(store_, record.event(), change);
          if (!failure.ok()) return false;
        }
        absl::StatusOr<bool> keep = visible(change);
        if (!keep.ok()) {
          failure = keep.status();
          return false;
        }
        if (*keep) *response.add_changes() = std::move(change);
        response.set_last_seq(record.seq());
        return ++read < page_size;
      }));
  ICR_RETURN_IF_ERROR(failure);
  return response;
}

}  // namespace icr::coding
