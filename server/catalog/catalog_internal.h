#ifndef ICR_SERVER_CATALOG_CATALOG_INTERNAL_H_
#define ICR_SERVER_CATALOG_CATALOG_INTERNAL_H_

// What the catalog's files share (internal to server/catalog): reading
// through a mutation, a page of a listing, a new audited mutation and its
// commit, etags and timestamps, and the codebook checks several RPCs run.

#include <openssl/rand.h>

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "icr/storage/records.pb.h"
#include "icr/v1/coding.pb.h"
#include "server/audit/hash.h"
#include "server/catalog/validation.h"
#include "server/common/status_macros.h"
#include "server/common/string_view.h"
#include "server/common/timestamp.h"
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"
#include "server/text/segmentation.h"
#include "server/text/utf8.h"

namespace icr::catalog {

using storage::Family;
using storage::MutationContext;
using storage::MutationResult;

inline constexpr int32_t kDefaultPageSize = 100;
inline constexpr int32_t kMaxPageSize = 1000;
inline void SetNow(google::protobuf::Timestamp* timestamp) { *timestamp = ToTimestamp(); }

inline std::string NextEtag(std::string_view etag) {
  int64_t n = 0;
  for (char c : etag) n = n * 10 + (c - '0');
  return std::to_string(n + 1);
}

template <typename Message>
absl::StatusOr<std::optional<Message>> Read(const MutationContext& context, Family family,
                                            const std::string& key) {
  return storage::ReadProto<Message>(context, family, key);
}

template <typename Message>
absl::StatusOr<std::optional<Message>> Read(const storage::Store& store, Family family,
                                            const std::string& key) {
  return storage::ReadProto<Message>(store, family, key);
}

// Reads one page of `prefix` in key order. The page token is the id (the key
// after the prefix) of the last item of the previous page.
template <typename Message>
absl::StatusOr<std::string> ListPage(const storage::Store& store, Family family,
                                     const std::string& prefix, int32_t page_size,
                                     std::string_view page_token,
                                     const std::function<bool(const Message&)>& keep,
                                     google::protobuf::RepeatedPtrField<Message>* out) {
  if (page_size < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (page_size == 0) page_size = kDefaultPageSize;
  page_size = std::min(page_size, kMaxPageSize);
  if (!page_token.empty()) ICR_RETURN_IF_ERROR(ValidateId("page_token", page_token));
  const std::string start_after =
      page_token.empty() ? "" : absl::StrCat(prefix, AbslView(page_token));
  std::string next_token;
  absl::Status parse_status;
  ICR_RETURN_IF_ERROR(
      store.Scan(family, prefix, start_after, [&](std::string_view key, std::string_view value) {
        Message message;
        if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parse_status = absl::DataLossError(absl::StrCat("unreadable ", AbslView(key)));
          return false;
        }
        if (!keep(message)) return true;
        if (out->size() == page_size) {
          next_token = std::string(out->rbegin()->id());
          return false;
        }
        *out->Add() = std::move(message);
        return true;
      }));
  ICR_RETURN_IF_ERROR(parse_status);
  return next_token;
}

// The OWNERs of `project` as this mutation sees them. Members are scanned in
// the store and each is read through the context, so a demotion earlier in
// the same write group counts; an owner added earlier in the group is not
// seen, which can only make the count too small (a refusal, never a
// project without owners).
inline absl::StatusOr<int> CountOwners(const MutationContext& context, const std::string& project) {
  std::vector<std::string> keys;
  ICR_RETURN_IF_ERROR(context.store().Scan(Family::kMetadata,
                                           storage::ProjectScopedPrefix("member", project), "",
                                           [&](std::string_view key, std::string_view) {
                                             keys.emplace_back(key);
                                             return true;
                                           }));
  int owners = 0;
  for (const std::string& key : keys) {
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Member> member,
                         Read<v1::Member>(context, Family::kMetadata, key));
    if (member && member->role() == v1::OWNER) ++owners;
  }
  return owners;
}

// A token_id: the first hex digits of the token's SHA-256 (what the server
// keeps), enough to name one token and useless for guessing its secret.
inline constexpr size_t kTokenIdLength = 16;

// Records made before kinds existed are API tokens.
inline v1::TokenKind KindOf(const storage::TokenRecord& record) {
  return record.kind() == v1::TOKEN_KIND_UNSPECIFIED ? v1::TOKEN_KIND_API : record.kind();
}

// Neither revoked (nor spent) nor expired at `now_unix`.
inline bool TokenIsLive(const storage::TokenRecord& record, int64_t now_unix) {
  if (record.revoked()) return false;
  return record.expire_time_unix() == 0 || now_unix < record.expire_time_unix();
}

inline v1::TokenInfo TokenInfoOf(std::string_view hash, const storage::TokenRecord& record) {
  v1::TokenInfo info;
  info.set_token_id(std::string(hash.substr(0, kTokenIdLength)));
  info.set_user(record.user());
  info.mutable_create_time()->set_seconds(record.create_time_unix());
  if (record.expire_time_unix() > 0) {
    info.mutable_expire_time()->set_seconds(record.expire_time_unix());
  }
  info.set_revoked(record.revoked());
  info.set_kind(KindOf(record));
  return info;
}

template <typename Message>
bool KeepAll(const Message&) {
  return true;
}

inline storage::Mutation NewMutation(std::string chain, const common::Caller& actor,
                                     std::string method,
                                     const google::protobuf::Message& audited_request,
                                     std::string request_id) {
  storage::Mutation mutation;
  mutation.chain = std::move(chain);
  mutation.event.set_project(mutation.chain);
  mutation.event.set_actor(actor.user);
  mutation.event.set_method(std::move(method));
  mutation.event.set_request_id(std::move(request_id));
  mutation.event.set_request(audited_request.SerializeAsString());
  return mutation;
}

template <typename Response>
absl::StatusOr<Response> CommitAndParse(storage::Writer& writer, storage::Mutation mutation) {
  ICR_ASSIGN_OR_RETURN(std::string bytes, writer.Commit(std::move(mutation)));
  Response response;
  if (!response.ParseFromString(bytes)) return absl::InternalError("unreadable response");
  return response;
}

// Bumps the project's codebook revision inside a mutation; returns the new one.
inline absl::StatusOr<int64_t> BumpCodebookRevision(MutationContext& context,
                                                    std::string_view project) {
  const std::string key = storage::ProjectKey(project);
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Project> stored,
                       Read<v1::Project>(context, Family::kMetadata, key));
  if (!stored) return absl::NotFoundError(absl::StrCat("project ", AbslView(project)));
  stored->set_codebook_revision(stored->codebook_revision() + 1);
  context.Put(Family::kMetadata, key, stored->SerializeAsString());
  return stored->codebook_revision();
}

inline absl::Status ValidateCodeFields(const v1::Code& code, bool check_name) {
  if (check_name) ICR_RETURN_IF_ERROR(ValidateName("code.name", code.name()));
  ICR_RETURN_IF_ERROR(ValidateText("code.definition", code.definition()));
  ICR_RETURN_IF_ERROR(ValidateText("code.inclusion_criteria", code.inclusion_criteria()));
  ICR_RETURN_IF_ERROR(ValidateText("code.exclusion_criteria", code.exclusion_criteria()));
  ICR_RETURN_IF_ERROR(ValidateText("code.example", code.example()));
  if (!code.parent().empty()) ICR_RETURN_IF_ERROR(ValidateId("code.parent", code.parent()));
  ICR_RETURN_IF_ERROR(ValidateText("code.guid", code.guid(), 64));
  ICR_RETURN_IF_ERROR(ValidateText("code.color", code.color(), 16));
  return absl::OkStatus();
}

// An active code of the project, or INVALID_ARGUMENT naming `field`.
inline absl::StatusOr<v1::Code> ActiveCode(const MutationContext& context, std::string_view project,
                                           std::string_view field, std::string_view code) {
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Code> stored,
                       Read<v1::Code>(context, Family::kMetadata, storage::CodeKey(project, code)));
  if (!stored) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field), ": unknown code \"", AbslView(code), "\""));
  }
  if (stored->state() == v1::CODE_MERGED) {
    return absl::InvalidArgumentError(absl::StrCat(AbslView(field), ": code \"", AbslView(code),
                                                   "\" was merged into \"", stored->merged_into(),
                                                   "\""));
  }
  return *stored;
}

// True when `ancestor` is `code` or one of its ancestors.
inline absl::StatusOr<bool> IsAncestorOrSelf(const MutationContext& context,
                                             std::string_view project, std::string_view ancestor,
                                             std::string code) {
  std::set<std::string> seen;
  while (!code.empty()) {
    if (code == ancestor) return true;
    if (!seen.insert(code).second) return absl::DataLossError("code hierarchy has a cycle");
    ICR_ASSIGN_OR_RETURN(
        std::optional<v1::Code> stored,
        Read<v1::Code>(context, Family::kMetadata, storage::CodeKey(project, code)));
    if (!stored) return false;
    code = stored->parent();
  }
  return false;
}

inline text::OffsetUnit FromProtoUnit(v1::OffsetUnit unit) {
  switch (unit) {
    case v1::UTF16_UNITS:
      return text::OffsetUnit::kUtf16Units;
    case v1::UTF8_BYTES:
      return text::OffsetUnit::kUtf8Bytes;
    default:
      return text::OffsetUnit::kCodePoints;
  }
}

inline const char* StateName(v1::RoundState state) { return v1::RoundState_Name(state).c_str(); }

}  // namespace icr::catalog

#endif  // ICR_SERVER_CATALOG_CATALOG_INTERNAL_H_
