#include "server/catalog/catalog.h"

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
#include "server/storage/keys.h"
#include "server/storage/proto_io.h"
#include "server/text/segmentation.h"
#include "server/text/utf8.h"

namespace icr::catalog {

using storage::Family;
using storage::MutationContext;
using storage::MutationResult;

namespace {

constexpr int32_t kDefaultPageSize = 100;
constexpr int32_t kMaxPageSize = 1000;
constexpr char kServiceAdmin[] = "/icr.v1.AdminService/";
constexpr char kServiceProject[] = "/icr.v1.ProjectService/";

absl::string_view V(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string Method(const char* service, const char* rpc) { return absl::StrCat(service, rpc); }

void SetNow(google::protobuf::Timestamp* timestamp) {
  const absl::Time now = absl::Now();
  timestamp->set_seconds(absl::ToUnixSeconds(now));
  timestamp->set_nanos(static_cast<int32_t>(absl::ToUnixNanos(now) % 1000000000));
}

std::string NextEtag(std::string_view etag) {
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
  const std::string start_after = page_token.empty() ? "" : absl::StrCat(prefix, V(page_token));
  std::string next_token;
  absl::Status parse_status;
  ICR_RETURN_IF_ERROR(store.Scan(
      family, prefix, start_after, [&](std::string_view key, std::string_view value) {
        Message message;
        if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parse_status = absl::DataLossError(absl::StrCat("unreadable ", V(key)));
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
absl::StatusOr<int> CountOwners(const MutationContext& context, const std::string& project) {
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

template <typename Message>
bool KeepAll(const Message&) {
  return true;
}

storage::Mutation NewMutation(std::string chain, const Actor& actor, std::string method,
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
absl::StatusOr<int64_t> BumpCodebookRevision(MutationContext& context, std::string_view project) {
  const std::string key = storage::ProjectKey(project);
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Project> stored,
                       Read<v1::Project>(context, Family::kMetadata, key));
  if (!stored) return absl::NotFoundError(absl::StrCat("project ", V(project)));
  stored->set_codebook_revision(stored->codebook_revision() + 1);
  context.Put(Family::kMetadata, key, stored->SerializeAsString());
  return stored->codebook_revision();
}

absl::Status ValidateCodeFields(const v1::Code& code, bool check_name) {
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
absl::StatusOr<v1::Code> ActiveCode(const MutationContext& context, std::string_view project,
                                    std::string_view field, std::string_view code) {
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Code> stored,
                       Read<v1::Code>(context, Family::kMetadata, storage::CodeKey(project, code)));
  if (!stored) {
    return absl::InvalidArgumentError(absl::StrCat(V(field), ": unknown code \"", V(code), "\""));
  }
  if (stored->state() == v1::CODE_MERGED) {
    return absl::InvalidArgumentError(absl::StrCat(V(field), ": code \"", V(code),
                                                   "\" was merged into \"",
                                                   stored->merged_into(), "\""));
  }
  return *stored;
}

// True when `ancestor` is `code` or one of its ancestors.
absl::StatusOr<bool> IsAncestorOrSelf(const MutationContext& context, std::string_view project,
                                      std::string_view ancestor, std::string code) {
  std::set<std::string> seen;
  while (!code.empty()) {
    if (code == ancestor) return true;
    if (!seen.insert(code).second) return absl::DataLossError("code hierarchy has a cycle");
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Code> stored,
                         Read<v1::Code>(context, Family::kMetadata, storage::CodeKey(project, code)));
    if (!stored) return false;
    code = stored->parent();
  }
  return false;
}


text::OffsetUnit FromProtoUnit(v1::OffsetUnit unit) {
  switch (unit) {
    case v1::UTF16_UNITS:
      return text::OffsetUnit::kUtf16Units;
    case v1::UTF8_BYTES:
      return text::OffsetUnit::kUtf8Bytes;
    default:
      return text::OffsetUnit::kCodePoints;
  }
}

const char* StateName(v1::RoundState state) { return v1::RoundState_Name(state).c_str(); }

}  // namespace

std::string NewToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();  // no entropy: never issue a weak token
  return absl::StrCat(
      "icr_", audit::HexEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes))));
}

std::string TokenHash(std::string_view token) { return audit::HexEncode(audit::Sha256(token)); }

namespace {

constexpr size_t kTokenIdLength = 16;

v1::TokenInfo TokenInfoOf(std::string_view hash, const storage::TokenRecord& record) {
  v1::TokenInfo info;
  info.set_token_id(std::string(hash.substr(0, kTokenIdLength)));
  info.set_user(record.user());
  info.mutable_create_time()->set_seconds(record.create_time_unix());
  if (record.expire_time_unix() > 0) {
    info.mutable_expire_time()->set_seconds(record.expire_time_unix());
  }
  info.set_revoked(record.revoked());
  return info;
}

}  // namespace

Catalog::Catalog(storage::Store& store, storage::Writer& writer, const CatalogOptions& options)
    : store_(store), writer_(writer), options_(options) {}

// --- Users and tokens -------------------------------------------------------

absl::StatusOr<v1::CreateUserResponse> Catalog::CreateUser(const Actor& actor,
                                                           const v1::CreateUserRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("id", request.id()));
  ICR_RETURN_IF_ERROR(ValidateText("display_name", request.display_name(), kMaxNameLength));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  v1::User user;
  user.set_id(request.id());
  user.set_display_name(request.display_name().empty() ? request.id() : request.display_name());
  user.set_role(request.role() == v1::ADMIN ? v1::ADMIN : v1::USER);
  SetNow(user.mutable_create_time());

  storage::Mutation mutation =
      NewMutation(std::string(storage::kServerChain), actor,
                  Method(kServiceAdmin, "CreateUser"), request, request.request_id());
  mutation.apply = [user](MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                         context.Get(Family::kMetadata, storage::UserKey(user.id())));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("user ", user.id()));
    const std::string token = NewToken();
    storage::TokenRecord record;
    record.set_user(user.id());
    record.set_create_time_unix(user.create_time().seconds());
    context.Put(Family::kMetadata, storage::UserKey(user.id()), user.SerializeAsString());
    context.Put(Family::kMetadata, storage::TokenKey(TokenHash(token)), record.SerializeAsString());
    v1::CreateUserResponse response;
    *response.mutable_user() = user;
    MutationResult result;
    result.replay_response = response.SerializeAsString();
    response.set_token(token);
    result.response = response.SerializeAsString();
    result.summary = absl::StrCat("created user ", user.id(), " (", v1::ServerRole_Name(user.role()),
                                  ")");
    return result;
  };
  return CommitAndParse<v1::CreateUserResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::CreateTokenResponse> Catalog::CreateToken(
    const Actor& actor, const v1::CreateTokenRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("user", request.user()));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!actor.server_admin && request.user() != actor.user) {
    return absl::PermissionDeniedError("user: only an admin may create tokens for another user");
  }
  if (request.ttl_seconds() < 0) {
    return absl::InvalidArgumentError("ttl_seconds: must not be negative");
  }
  const int64_t ttl = request.ttl_seconds();
  storage::Mutation mutation =
      NewMutation(std::string(storage::kServerChain), actor,
                  Method(kServiceAdmin, "CreateToken"), request, request.request_id());
  const std::string user = request.user();
  mutation.apply = [user, ttl](MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                         context.Get(Family::kMetadata, storage::UserKey(user)));
    if (!existing) return absl::NotFoundError(absl::StrCat("user ", user));
    const std::string token = NewToken();
    storage::TokenRecord record;
    record.set_user(user);
    record.set_create_time_unix(absl::ToUnixSeconds(absl::Now()));
    if (ttl > 0) record.set_expire_time_unix(record.create_time_unix() + ttl);
    const std::string hash = TokenHash(token);
    context.Put(Family::kMetadata, storage::TokenKey(hash), record.SerializeAsString());
    v1::CreateTokenResponse response;
    *response.mutable_info() = TokenInfoOf(hash, record);
    MutationResult result;
    result.replay_response = response.SerializeAsString();
    response.set_token(token);
    result.response = response.SerializeAsString();
    result.summary = absl::StrCat("created a token for user ", user);
    return result;
  };
  return CommitAndParse<v1::CreateTokenResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::ListUsersResponse> Catalog::ListUsers(
    const v1::ListUsersRequest& request) const {
  v1::ListUsersResponse response;
  ICR_ASSIGN_OR_RETURN(
      std::string next,
      ListPage<v1::User>(store_, Family::kMetadata, "user/", request.page_size(),
                         request.page_token(), KeepAll<v1::User>, response.mutable_users()));
  response.set_next_page_token(next);
  return response;
}

absl::StatusOr<std::optional<v1::User>> Catalog::GetUser(std::string_view user) const {
  return Read<v1::User>(store_, Family::kMetadata, storage::UserKey(user));
}

absl::StatusOr<std::optional<v1::User>> Catalog::UserForToken(std::string_view token) const {
  ICR_ASSIGN_OR_RETURN(
      std::optional<storage::TokenRecord> record,
      Read<storage::TokenRecord>(store_, Family::kMetadata, storage::TokenKey(TokenHash(token))));
  if (!record || record->revoked()) return std::nullopt;
  if (record->expire_time_unix() > 0 &&
      absl::ToUnixSeconds(absl::Now()) >= record->expire_time_unix()) {
    return std::nullopt;
  }
  return GetUser(record->user());
}

absl::StatusOr<v1::ListTokensResponse> Catalog::ListTokens(
    const Actor& actor, const v1::ListTokensRequest& request) const {
  const std::string user = request.user().empty() ? actor.user : request.user();
  ICR_RETURN_IF_ERROR(ValidateId("user", user));
  if (!actor.server_admin && user != actor.user) {
    return absl::PermissionDeniedError("user: only an admin may list another user's tokens");
  }
  v1::ListTokensResponse response;
  absl::Status failure;
  ICR_RETURN_IF_ERROR(store_.Scan(
      Family::kMetadata, "token/", "", [&](std::string_view key, std::string_view value) {
        storage::TokenRecord record;
        if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError("unreadable token record");
          return false;
        }
        if (record.user() == user) {
          *response.add_tokens() = TokenInfoOf(key.substr(std::string_view("token/").size()), record);
        }
        return true;
      }));
  ICR_RETURN_IF_ERROR(failure);
  return response;
}

absl::StatusOr<v1::RevokeTokenResponse> Catalog::RevokeToken(
    const Actor& actor, const v1::RevokeTokenRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string& id = request.token_id();
  if (id.size() != kTokenIdLength ||
      id.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return absl::InvalidArgumentError(
        "token_id: 16 lower-case hex digits, as `icr user tokens` lists them");
  }
  storage::Mutation mutation = NewMutation(std::string(storage::kServerChain), actor,
                                           Method(kServiceAdmin, "RevokeToken"), request,
                                           request.request_id());
  mutation.apply = [this, actor, id](MutationContext& context) -> absl::StatusOr<MutationResult> {
    // The id is a prefix of the key: find the one token it names.
    std::string key;
    ICR_RETURN_IF_ERROR(store_.Scan(Family::kMetadata, absl::StrCat("token/", id), "",
                                    [&](std::string_view found, std::string_view) {
                                      key = std::string(found);
                                      return false;
                                    }));
    if (key.empty()) return absl::NotFoundError(absl::StrCat("token ", id));
    ICR_ASSIGN_OR_RETURN(std::optional<storage::TokenRecord> record,
                         Read<storage::TokenRecord>(context, Family::kMetadata, key));
    if (!record) return absl::NotFoundError(absl::StrCat("token ", id));
    if (!actor.server_admin && record->user() != actor.user) {
      // Someone else's token: as good as absent.
      return absl::NotFoundError(absl::StrCat("token ", id));
    }
    record->set_revoked(true);
    context.Put(Family::kMetadata, key, record->SerializeAsString());
    v1::RevokeTokenResponse response;
    *response.mutable_token() = TokenInfoOf(std::string_view(key).substr(6), *record);
    return MutationResult{response.SerializeAsString(),
                          absl::StrCat("revoked token ", id, " of user ", record->user()),
                          std::nullopt};
  };
  return CommitAndParse<v1::RevokeTokenResponse>(writer_, std::move(mutation));
}

absl::Status Catalog::RecordServerEvent(const Actor& actor, std::string method,
                                        const google::protobuf::Message& request,
                                        std::string summary) {
  storage::Mutation mutation =
      NewMutation(std::string(storage::kServerChain), actor, std::move(method), request, "");
  mutation.apply = [summary](MutationContext&) -> absl::StatusOr<MutationResult> {
    return MutationResult{"", summary, std::nullopt};
  };
  return writer_.Commit(std::move(mutation)).status();
}

absl::StatusOr<std::optional<std::string>> Catalog::BootstrapAdmin() {
  bool any_user = false;
  ICR_RETURN_IF_ERROR(store_.Scan(Family::kMetadata, "user/", "",
                                  [&](std::string_view, std::string_view) {
                                    any_user = true;
                                    return false;
                                  }));
  if (any_user) return std::nullopt;
  v1::CreateUserRequest request;
  request.set_id("admin");
  request.set_display_name("Administrator");
  request.set_role(v1::ADMIN);
  ICR_ASSIGN_OR_RETURN(v1::CreateUserResponse response,
                       CreateUser(Actor{"icr-server", true}, request));
  return response.token();
}

// --- Projects and members ---------------------------------------------------

absl::StatusOr<v1::CreateProjectResponse> Catalog::CreateProject(
    const Actor& actor, const v1::CreateProjectRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("id", request.id()));
  ICR_RETURN_IF_ERROR(ValidateName("title", request.title()));
  ICR_RETURN_IF_ERROR(ValidateText("description", request.description()));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  v1::Project project;
  project.set_id(request.id());
  project.set_title(request.title());
  project.set_description(request.description());
  project.set_blind_by_default(request.blind_by_default());
  project.set_etag("1");
  SetNow(project.mutable_create_time());
  v1::Member owner;
  owner.set_project(request.id());
  owner.set_user(actor.user);
  owner.set_role(v1::OWNER);

  storage::Mutation mutation = NewMutation(request.id(), actor, Method(kServiceProject, "CreateProject"),
                                           request, request.request_id());
  mutation.apply = [project, owner](MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                         context.Get(Family::kMetadata, storage::ProjectKey(project.id())));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("project ", project.id()));
    context.Put(Family::kMetadata, storage::ProjectKey(project.id()), project.SerializeAsString());
    context.Put(Family::kMetadata, storage::MemberKey(project.id(), owner.user()),
                owner.SerializeAsString());
    v1::CreateProjectResponse response;
    *response.mutable_project() = project;
    return MutationResult{response.SerializeAsString(),
                          absl::StrCat("created project ", project.id(), " owned by ",
                                       owner.user()),
                          std::nullopt};
  };
  return CommitAndParse<v1::CreateProjectResponse>(writer_, std::move(mutation));
}

absl::StatusOr<std::optional<v1::Project>> Catalog::GetProject(std::string_view project) const {
  return Read<v1::Project>(store_, Family::kMetadata, storage::ProjectKey(project));
}

absl::StatusOr<v1::ListProjectsResponse> Catalog::ListProjects(
    const Actor& actor, const v1::ListProjectsRequest& request) const {
  v1::ListProjectsResponse response;
  absl::Status role_status;
  auto visible = [&](const v1::Project& project) {
    if (actor.server_admin) return true;
    absl::StatusOr<std::optional<v1::MemberRole>> role = RoleOf(project.id(), actor.user);
    if (!role.ok()) {
      role_status = role.status();
      return false;
    }
    return role->has_value();
  };
  ICR_ASSIGN_OR_RETURN(std::string next, ListPage<v1::Project>(store_, Family::kMetadata, "project/",
                                                               request.page_size(),
                                                               request.page_token(), visible,
                                                               response.mutable_projects()));
  ICR_RETURN_IF_ERROR(role_status);
  response.set_next_page_token(next);
  return response;
}

absl::StatusOr<std::optional<v1::MemberRole>> Catalog::RoleOf(std::string_view project,
                                                              std::string_view user) const {
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Member> member,
                       Read<v1::Member>(store_, Family::kMetadata, storage::MemberKey(project, user)));
  if (!member) return std::nullopt;
  return member->role();
}

absl::StatusOr<v1::AddMemberResponse> Catalog::AddMember(const Actor& actor,
                                                         v1::MemberRole actor_role,
                                                         const v1::AddMemberRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("user", request.user()));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!v1::MemberRole_IsValid(request.role()) || request.role() == v1::MEMBER_ROLE_UNSPECIFIED) {
    return absl::InvalidArgumentError("role: one of OWNER, LEAD, CODER, REVIEWER is required");
  }
  // A server admin acts with an owner's powers in every project.
  const bool acts_as_lead = !actor.server_admin && actor_role == v1::LEAD;
  if (acts_as_lead && (request.role() == v1::OWNER || request.role() == v1::LEAD)) {
    return absl::PermissionDeniedError("role: a lead may add only coders and reviewers");
  }
  v1::Member member;
  member.set_project(request.project());
  member.set_user(request.user());
  member.set_role(request.role());
  storage::Mutation mutation = NewMutation(request.project(), actor,
                                           Method(kServiceProject, "AddMember"), request,
                                           request.request_id());
  mutation.apply = [member, acts_as_lead, actor_user = actor.user](
                       MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> user,
                         context.Get(Family::kMetadata, storage::UserKey(member.user())));
    if (!user) {
      return absl::InvalidArgumentError(absl::StrCat("user: unknown user \"", member.user(), "\""));
    }
    // The rules that depend on the member's current role are read inside
    // the mutation, so two concurrent changes cannot both pass them.
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Member> existing,
                         Read<v1::Member>(context, Family::kMetadata,
                                          storage::MemberKey(member.project(), member.user())));
    if (existing && acts_as_lead && member.user() != actor_user &&
        (existing->role() == v1::OWNER || existing->role() == v1::LEAD)) {
      return absl::PermissionDeniedError(
          absl::StrCat("user: ", member.user(), " is a ", v1::MemberRole_Name(existing->role()),
                       "; a lead may change only coders, reviewers and itself"));
    }
    if (existing && existing->role() == v1::OWNER && member.role() != v1::OWNER) {
      ICR_ASSIGN_OR_RETURN(int owners, CountOwners(context, member.project()));
      if (owners <= 1) {
        return absl::FailedPreconditionError(
            absl::StrCat("user: ", member.user(),
                         " is the project's last owner; make another member OWNER first"));
      }
    }
    context.Put(Family::kMetadata, storage::MemberKey(member.project(), member.user()),
                member.SerializeAsString());
    v1::AddMemberResponse response;
    *response.mutable_member() = member;
    return MutationResult{response.SerializeAsString(),
                          absl::StrCat("member ", member.user(), " is ",
                                       v1::MemberRole_Name(member.role())),
                          std::nullopt};
  };
  return CommitAndParse<v1::AddMemberResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::ListMembersResponse> Catalog::ListMembers(
    const v1::ListMembersRequest& request) const {
  v1::ListMembersResponse response;
  // Members are keyed by user; ListPage's token is the message id, which a
  // Member does not have, so page by hand on the user.
  google::protobuf::RepeatedPtrField<v1::Member>* out = response.mutable_members();
  int32_t page_size = request.page_size() <= 0 ? kDefaultPageSize
                                               : std::min(request.page_size(), kMaxPageSize);
  if (!request.page_token().empty()) ICR_RETURN_IF_ERROR(ValidateId("page_token", request.page_token()));
  const std::string prefix = storage::ProjectScopedPrefix("member", request.project());
  const std::string start_after =
      request.page_token().empty() ? "" : absl::StrCat(prefix, request.page_token());
  std::string next;
  ICR_RETURN_IF_ERROR(store_.Scan(Family::kMetadata, prefix, start_after,
                                  [&](std::string_view, std::string_view value) {
                                    if (out->size() == page_size) {
                                      next = out->rbegin()->user();
                                      return false;
                                    }
                                    out->Add()->ParseFromArray(value.data(),
                                                               static_cast<int>(value.size()));
                                    return true;
                                  }));
  response.set_next_page_token(next);
  return response;
}

// --- Codebook ---------------------------------------------------------------

absl::StatusOr<v1::CreateCodeResponse> Catalog::CreateCode(const Actor& actor,
                                                           const v1::CreateCodeRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("code.id", request.code().id()));
  ICR_RETURN_IF_ERROR(ValidateCodeFields(request.code(), /*check_name=*/true));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string project = request.project();
  v1::Code code = request.code();
  code.set_state(v1::CODE_ACTIVE);
  code.clear_merged_into();
  code.set_etag("1");
  storage::Mutation mutation = NewMutation(project, actor, Method(kServiceProject, "CreateCode"),
                                           request, request.request_id());
  mutation.apply = [project, code](MutationContext& context) mutable
      -> absl::StatusOr<MutationResult> {
    const std::string key = storage::CodeKey(project, code.id());
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing, context.Get(Family::kMetadata, key));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("code ", code.id()));
    if (!code.parent().empty()) {
      ICR_RETURN_IF_ERROR(ActiveCode(context, project, "code.parent", code.parent()).status());
    }
    ICR_ASSIGN_OR_RETURN(int64_t revision, BumpCodebookRevision(context, project));
    code.set_revision(revision);
    context.Put(Family::kMetadata, key, code.SerializeAsString());
    v1::CreateCodeResponse response;
    *response.mutable_code() = code;
    response.set_codebook_revision(revision);
    return MutationResult{response.SerializeAsString(),
                          absl::StrCat("created code ", code.id(),
                                       code.parent().empty() ? "" : " under ", code.parent(),
                                       "; codebook revision ", revision),
                          std::nullopt};
  };
  return CommitAndParse<v1::CreateCodeResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::UpdateCodeResponse> Catalog::UpdateCode(const Actor& actor,
                                                           const v1::UpdateCodeRequest& request) {
  static const std::set<std::string> kEditable = {
      "name", "definition", "inclusion_criteria", "exclusion_criteria", "example", "parent",
      "value", "guid", "color"};
  ICR_RETURN_IF_ERROR(ValidateId("code.id", request.code().id()));
  std::set<std::string> mask(request.update_mask().begin(), request.update_mask().end());
  for (const std::string& field : mask) {
    if (!kEditable.count(field)) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", field, "\" is not an editable field of a code"));
    }
  }
  if (mask.empty()) mask = kEditable;
  ICR_RETURN_IF_ERROR(ValidateCodeFields(request.code(), /*check_name=*/mask.count("name") > 0));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string project = request.project();
  const v1::Code edit = request.code();
  const std::string etag = request.etag();
  storage::Mutation mutation = NewMutation(project, actor, Method(kServiceProject, "UpdateCode"),
                                           request, request.request_id());
  mutation.apply = [project, edit, etag, mask](MutationContext& context)
      -> absl::StatusOr<MutationResult> {
    const std::string key = storage::CodeKey(project, edit.id());
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Code> stored,
                         Read<v1::Code>(context, Family::kMetadata, key));
    if (!stored) return absl::NotFoundError(absl::StrCat("code ", edit.id()));
    if (stored->state() == v1::CODE_MERGED) {
      return absl::FailedPreconditionError(
          absl::StrCat("code ", edit.id(), " was merged into ", stored->merged_into()));
    }
    if (!etag.empty() && etag != stored->etag()) {
      return absl::AbortedError(absl::StrCat("etag: code ", edit.id(), " changed since etag ",
                                             etag, " (now ", stored->etag(), ")"));
    }
    v1::Code code = *stored;
    if (mask.count("name")) code.set_name(edit.name());
    if (mask.count("definition")) code.set_definition(edit.definition());
    if (mask.count("inclusion_criteria")) code.set_inclusion_criteria(edit.inclusion_criteria());
    if (mask.count("exclusion_criteria")) code.set_exclusion_criteria(edit.exclusion_criteria());
    if (mask.count("example")) code.set_example(edit.example());
    if (mask.count("guid")) code.set_guid(edit.guid());
    if (mask.count("color")) code.set_color(edit.color());
    if (mask.count("value")) {
      code.set_has_value(edit.has_value());
      code.set_value(edit.value());
    }
    if (mask.count("parent") && edit.parent() != stored->parent()) {
      if (!edit.parent().empty()) {
        ICR_RETURN_IF_ERROR(ActiveCode(context, project, "code.parent", edit.parent()).status());
        ICR_ASSIGN_OR_RETURN(bool cycle, IsAncestorOrSelf(context, project, edit.id(), edit.parent()));
        if (cycle) {
          return absl::InvalidArgumentError(absl::StrCat("code.parent: \"", edit.parent(),
                                                         "\" is ", edit.id(),
                                                         " or under it; that would make a cycle"));
        }
      }
      code.set_parent(edit.parent());
    }
    ICR_ASSIGN_OR_RETURN(int64_t revision, BumpCodebookRevision(context, project));
    code.set_revision(revision);
    code.set_etag(NextEtag(stored->etag()));
    context.Put(Family::kMetadata, key, code.SerializeAsString());
    v1::UpdateCodeResponse response;
    *response.mutable_code() = code;
    response.set_codebook_revision(revision);
    std::vector<std::string> fields(mask.begin(), mask.end());
    return MutationResult{response.SerializeAsString(),
                          absl::StrCat("edited code ", code.id(), " (", absl::StrJoin(fields, ", "),
                                       "); codebook revision ", revision),
                          std::nullopt};
  };
  return CommitAndParse<v1::UpdateCodeResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::MergeCodeResponse> Catalog::MergeCode(const Actor& actor,
                                                         const v1::MergeCodeRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("from_code", request.from_code()));
  ICR_RETURN_IF_ERROR(ValidateId("into_code", request.into_code()));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (request.from_code() == request.into_code()) {
    return absl::InvalidArgumentError("into_code: a code cannot be merged into itself");
  }
  const std::string project = request.project();
  const std::string from_id = request.from_code();
  const std::string into_id = request.into_code();
  storage::Mutation mutation = NewMutation(project, actor, Method(kServiceProject, "MergeCode"),
                                           request, request.request_id());
  mutation.apply = [this, project, from_id, into_id](MutationContext& context)
      -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(v1::Code from, ActiveCode(context, project, "from_code", from_id));
    ICR_ASSIGN_OR_RETURN(v1::Code into, ActiveCode(context, project, "into_code", into_id));
    ICR_ASSIGN_OR_RETURN(bool under, IsAncestorOrSelf(context, project, from_id, into_id));
    if (under) {
      return absl::InvalidArgumentError(absl::StrCat(
          "into_code: \"", into_id, "\" is under \"", from_id, "\"; merge it upwards instead"));
    }
    ICR_ASSIGN_OR_RETURN(int64_t revision, BumpCodebookRevision(context, project));
    // FROM's children move under INTO. Children are found in the database;
    // no other mutation of this group can have created one under FROM since
    // FROM is checked active above and merges are serialized here.
    std::vector<v1::Code> children;
    ICR_RETURN_IF_ERROR(store_.Scan(
        Family::kMetadata, storage::ProjectScopedPrefix("code", project), "",
        [&](std::string_view, std::string_view value) {
          v1::Code code;
          if (code.ParseFromArray(value.data(), static_cast<int>(value.size())) &&
              code.parent() == from_id) {
            children.push_back(std::move(code));
          }
          return true;
        }));
    for (v1::Code& child : children) {
      ICR_ASSIGN_OR_RETURN(std::optional<v1::Code> current,
                           Read<v1::Code>(context, Family::kMetadata,
                                          storage::CodeKey(project, child.id())));
      if (!current || current->parent() != from_id) continue;
      current->set_parent(into_id);
      current->set_revision(revision);
      current->set_etag(NextEtag(current->etag()));
      context.Put(Family::kMetadata, storage::CodeKey(project, current->id()),
                  current->SerializeAsString());
    }
    from.set_state(v1::CODE_MERGED);
    from.set_merged_into(into_id);
    from.set_revision(revision);
    from.set_etag(NextEtag(from.etag()));
    context.Put(Family::kMetadata, storage::CodeKey(project, from_id), from.SerializeAsString());
    v1::MergeCodeResponse response;
    *response.mutable_from_code() = from;
    *response.mutable_into_code() = into;
    response.set_codebook_revision(revision);
    return MutationResult{response.SerializeAsString(),
                          absl::StrCat("merged code ", from_id, " into ", into_id, " (",
                                       children.size(), " child codes moved); codebook revision ",
                                       revision),
                          std::nullopt};
  };
  return CommitAndParse<v1::MergeCodeResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::ListCodesResponse> Catalog::ListCodes(
    const v1::ListCodesRequest& request) const {
  v1::ListCodesResponse response;
  const bool include_merged = request.include_merged();
  ICR_ASSIGN_OR_RETURN(
      std::string next,
      ListPage<v1::Code>(
          store_, Family::kMetadata, storage::ProjectScopedPrefix("code", request.project()),
          request.page_size(), request.page_token(),
          [include_merged](const v1::Code& code) {
            return include_merged || code.state() != v1::CODE_MERGED;
          },
          response.mutable_codes()));
  response.set_next_page_token(next);
  return response;
}

absl::StatusOr<v1::CreateDomainResponse> Catalog::CreateDomain(
    const Actor& actor, const v1::CreateDomainRequest& request) {
  const v1::Domain& domain = request.domain();
  ICR_RETURN_IF_ERROR(ValidateId("domain.id", domain.id()));
  ICR_RETURN_IF_ERROR(ValidateText("domain.name", domain.name(), kMaxNameLength));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (domain.level() == v1::LEVEL_UNSPECIFIED || !v1::MeasurementLevel_IsValid(domain.level())) {
    return absl::InvalidArgumentError(
        "domain.level: one of NOMINAL, ORDINAL, INTERVAL, RATIO is required");
  }
  if (domain.codes_size() < 2) {
    return absl::InvalidArgumentError("domain.codes: a domain needs at least two codes");
  }
  std::set<std::string> seen;
  for (int i = 0; i < domain.codes_size(); ++i) {
    const std::string field = absl::StrCat("domain.codes[", i, "]");
    ICR_RETURN_IF_ERROR(ValidateId(field, domain.codes(i)));
    if (!seen.insert(domain.codes(i)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", domain.codes(i), "\" is listed twice"));
    }
  }
  const std::string project = request.project();
  v1::Domain stored_domain = domain;
  if (stored_domain.name().empty()) stored_domain.set_name(domain.id());
  storage::Mutation mutation = NewMutation(project, actor, Method(kServiceProject, "CreateDomain"),
                                           request, request.request_id());
  mutation.apply = [project, stored_domain](MutationContext& context) mutable
      -> absl::StatusOr<MutationResult> {
    const std::string key = storage::DomainKey(project, stored_domain.id());
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing, context.Get(Family::kMetadata, key));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("domain ", stored_domain.id()));
    const bool numeric = stored_domain.level() == v1::INTERVAL || stored_domain.level() == v1::RATIO;
    for (int i = 0; i < stored_domain.codes_size(); ++i) {
      const std::string field = absl::StrCat("domain.codes[", i, "]");
      ICR_ASSIGN_OR_RETURN(v1::Code code,
                           ActiveCode(context, project, field, stored_domain.codes(i)));
      if (numeric && !code.has_value()) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ": code \"", code.id(), "\" has no numeric value, which ",
            v1::MeasurementLevel_Name(stored_domain.level()), " level needs"));
      }
    }
    ICR_ASSIGN_OR_RETURN(int64_t revision, BumpCodebookRevision(context, project));
    stored_domain.set_revision(revision);
    context.Put(Family::kMetadata, key, stored_domain.SerializeAsString());
    v1::CreateDomainResponse response;
    *response.mutable_domain() = stored_domain;
    response.set_codebook_revision(revision);
    return MutationResult{response.SerializeAsString(),
                          absl::StrCat("created ", v1::MeasurementLevel_Name(stored_domain.level()),
                                       " domain ", stored_domain.id(), " of ",
                                       stored_domain.codes_size(), " codes; codebook revision ",
                                       revision),
                          std::nullopt};
  };
  return CommitAndParse<v1::CreateDomainResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::ListDomainsResponse> Catalog::ListDomains(
    const v1::ListDomainsRequest& request) const {
  v1::ListDomainsResponse response;
  ICR_ASSIGN_OR_RETURN(
      std::string next,
      ListPage<v1::Domain>(store_, Family::kMetadata,
                           storage::ProjectScopedPrefix("domain", request.project()),
                           request.page_size(), request.page_token(), KeepAll<v1::Domain>,
                           response.mutable_domains()));
  response.set_next_page_token(next);
  return response;
}

// --- Documents --------------------------------------------------------------

absl::StatusOr<v1::CreateDocumentResponse> Catalog::CreateDocument(
    const Actor& actor, const v1::CreateDocumentRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("id", request.id()));
  ICR_RETURN_IF_ERROR(ValidateText("title", request.title(), kMaxNameLength));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string& text = request.text();
  if (text.size() > options_.max_document_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("text: ", text.size(),
                                                     " bytes, over the limit of ",
                                                     options_.max_document_bytes));
  }
  if (text.empty()) return absl::InvalidArgumentError("text: required");
  if (!text::IsValidUtf8(text)) return absl::InvalidArgumentError("text: not valid UTF-8");

  const text::TextLengths lengths = text::MeasureUtf8(text);
  v1::Document document;
  document.set_id(request.id());
  document.set_title(request.title().empty() ? request.id() : request.title());
  document.set_sha256(audit::HexEncode(audit::Sha256(text)));
  document.set_length_code_points(lengths.code_points);
  document.set_length_utf16_units(lengths.utf16_units);
  document.set_length_bytes(lengths.bytes);
  document.set_offset_unit(v1::CODE_POINTS);
  SetNow(document.mutable_create_time());
  switch (request.segmentation()) {
    case v1::SEGMENTATION_UNSPECIFIED: {
      if (request.segments_size() == 0) {
        return absl::InvalidArgumentError(
            "segmentation: required (NONE, PARAGRAPH or LINE) unless segments are given");
      }
      document.set_segmentation(v1::SEGMENTATION_UNSPECIFIED);
      int64_t previous_end = 0;
      for (int i = 0; i < request.segments_size(); ++i) {
        const v1::Segment& segment = request.segments(i);
        if (segment.start() < previous_end || segment.start() >= segment.end() ||
            segment.end() > lengths.code_points) {
          return absl::InvalidArgumentError(absl::StrCat(
              "segments[", i, "]: [", segment.start(), ", ", segment.end(),
              ") must be non-empty, in order, not overlapping, and within the text's ",
              lengths.code_points, " code points"));
        }
        previous_end = segment.end();
        *document.add_segments() = segment;
      }
      break;
    }
    case v1::SEGMENT_NONE:
    case v1::SEGMENT_PARAGRAPH:
    case v1::SEGMENT_LINE: {
      if (request.segments_size() > 0) {
        return absl::InvalidArgumentError("segments: give segments or a segmentation, not both");
      }
      document.set_segmentation(request.segmentation());
      const text::SegmentBy by = request.segmentation() == v1::SEGMENT_NONE ? text::SegmentBy::kNone
                                 : request.segmentation() == v1::SEGMENT_LINE
                                     ? text::SegmentBy::kLine
                                     : text::SegmentBy::kParagraph;
      for (const text::Span& span : text::Segment(text, by)) {
        v1::Segment* segment = document.add_segments();
        segment->set_start(span.start);
        segment->set_end(span.end);
      }
      break;
    }
    default:
      return absl::InvalidArgumentError("segmentation: unknown value");
  }

  // The audit event carries the text's hash, not the text (DESIGN §5).
  v1::CreateDocumentRequest audited = request;
  audited.set_text(absl::StrCat("sha256:", document.sha256()));
  const std::string project = request.project();
  storage::Mutation mutation = NewMutation(project, actor, Method(kServiceProject, "CreateDocument"),
                                           audited, request.request_id());
  mutation.apply = [project, document, text = request.text()](MutationContext& context)
      -> absl::StatusOr<MutationResult> {
    const std::string key = storage::DocumentKey(project, document.id());
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing, context.Get(Family::kMetadata, key));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("document ", document.id()));
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> stored_text,
                         context.Get(Family::kTexts, document.sha256()));
    if (!stored_text) context.Put(Family::kTexts, document.sha256(), text);
    context.Put(Family::kMetadata, key, document.SerializeAsString());
    v1::CreateDocumentResponse response;
    *response.mutable_document() = document;
    return MutationResult{
        response.SerializeAsString(),
        absl::StrCat("added document ", document.id(), " (", document.length_code_points(),
                     " code points, ", document.segments_size(), " segments, sha256 ",
                     document.sha256(), ")"),
        std::nullopt};
  };
  return CommitAndParse<v1::CreateDocumentResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::GetDocumentResponse> Catalog::GetDocument(
    const v1::GetDocumentRequest& request) const {
  ICR_RETURN_IF_ERROR(ValidateId("document", request.document()));
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Document> document,
                       Read<v1::Document>(store_, Family::kMetadata,
                                          storage::DocumentKey(request.project(), request.document())));
  if (!document) return absl::NotFoundError(absl::StrCat("document ", request.document()));
  const bool convert = request.offset_unit() != v1::CODE_POINTS;
  if (request.include_text() || convert) {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> text,
                         store_.Get(Family::kTexts, document->sha256()));
    if (!text) return absl::DataLossError(absl::StrCat("text of document ", document->id()));
    if (convert) {
      std::vector<int64_t> offsets;
      for (const v1::Segment& segment : document->segments()) {
        offsets.push_back(segment.start());
        offsets.push_back(segment.end());
      }
      ICR_ASSIGN_OR_RETURN(std::vector<int64_t> converted,
                           text::ConvertOffsets(*text, text::OffsetUnit::kCodePoints,
                                                FromProtoUnit(request.offset_unit()), offsets));
      for (int i = 0; i < document->segments_size(); ++i) {
        document->mutable_segments(i)->set_start(converted[2 * i]);
        document->mutable_segments(i)->set_end(converted[2 * i + 1]);
      }
      document->set_offset_unit(request.offset_unit());
    }
    if (request.include_text()) document->set_text(*std::move(text));
  }
  v1::GetDocumentResponse response;
  *response.mutable_document() = *std::move(document);
  return response;
}

absl::StatusOr<v1::ListDocumentsResponse> Catalog::ListDocuments(
    const v1::ListDocumentsRequest& request) const {
  v1::ListDocumentsResponse response;
  ICR_ASSIGN_OR_RETURN(
      std::string next,
      ListPage<v1::Document>(store_, Family::kMetadata,
                             storage::ProjectScopedPrefix("document", request.project()),
                             request.page_size(), request.page_token(), KeepAll<v1::Document>,
                             response.mutable_documents()));
  response.set_next_page_token(next);
  return response;
}

// --- Rounds -----------------------------------------------------------------

absl::StatusOr<v1::CreateRoundResponse> Catalog::CreateRound(const Actor& actor,
                                                             const v1::CreateRoundRequest& request) {
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
  const std::string project = request.project();
  v1::Round round;
  round.set_id(request.id());
  round.set_title(request.title().empty() ? request.id() : request.title());
  *round.mutable_documents() = request.documents();
  *round.mutable_coders() = request.coders();
  round.set_state(v1::OPEN);
  round.set_etag("1");
  SetNow(round.mutable_create_time());
  const bool blind = request.blind();
  storage::Mutation mutation = NewMutation(project, actor, Method(kServiceProject, "CreateRound"),
                                           request, request.request_id());
  mutation.apply = [project, round, blind](MutationContext& context) mutable
      -> absl::StatusOr<MutationResult> {
    const std::string key = storage::RoundKey(project, round.id());
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing, context.Get(Family::kMetadata, key));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("round ", round.id()));
    for (int i = 0; i < round.documents_size(); ++i) {
      ICR_ASSIGN_OR_RETURN(std::optional<std::string> document,
                           context.Get(Family::kMetadata,
                                       storage::DocumentKey(project, round.documents(i))));
      if (!document) {
        return absl::InvalidArgumentError(absl::StrCat("documents[", i, "]: unknown document \"",
                                                       round.documents(i), "\""));
      }
    }
    for (int i = 0; i < round.coders_size(); ++i) {
      ICR_ASSIGN_OR_RETURN(std::optional<v1::Member> member,
                           Read<v1::Member>(context, Family::kMetadata,
                                            storage::MemberKey(project, round.coders(i))));
      if (!member) {
        return absl::InvalidArgumentError(absl::StrCat(
            "coders[", i, "]: \"", round.coders(i), "\" is not a member of the project"));
      }
      if (member->role() == v1::REVIEWER) {
        return absl::InvalidArgumentError(absl::StrCat(
            "coders[", i, "]: \"", round.coders(i), "\" is a reviewer; reviewers do not code"));
      }
    }
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Project> stored_project,
                         Read<v1::Project>(context, Family::kMetadata, storage::ProjectKey(project)));
    if (!stored_project) return absl::NotFoundError(absl::StrCat("project ", project));
    round.set_blind(blind || stored_project->blind_by_default());
    round.set_codebook_revision(stored_project->codebook_revision());
    context.Put(Family::kMetadata, key, round.SerializeAsString());
    v1::CreateRoundResponse response;
    *response.mutable_round() = round;
    return MutationResult{
        response.SerializeAsString(),
        absl::StrCat("created ", round.blind() ? "blind " : "", "round ", round.id(), ": ",
                     round.documents_size(), " documents x ", round.coders_size(),
                     " coders, codebook revision ", round.codebook_revision()),
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
  ICR_ASSIGN_OR_RETURN(
      std::string next,
      ListPage<v1::Round>(store_, Family::kMetadata,
                          storage::ProjectScopedPrefix("round", request.project()),
                          request.page_size(), request.page_token(), KeepAll<v1::Round>,
                          response.mutable_rounds()));
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
    const Actor& actor, const v1::AdvanceRoundRequest& request) {
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
  storage::Mutation mutation = NewMutation(project, actor, Method(kServiceProject, "AdvanceRound"),
                                           request, request.request_id());
  mutation.apply = [project, round_id, from_state, etag, force](MutationContext& context)
      -> absl::StatusOr<MutationResult> {
    const std::string key = storage::RoundKey(project, round_id);
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Round> round,
                         Read<v1::Round>(context, Family::kMetadata, key));
    if (!round) return absl::NotFoundError(absl::StrCat("round ", round_id));
    if (!etag.empty() && etag != round->etag()) {
      return absl::AbortedError(absl::StrCat("etag: round ", round_id, " changed since etag ", etag));
    }
    if (from_state != v1::ROUND_STATE_UNSPECIFIED && from_state != round->state()) {
      return absl::FailedPreconditionError(absl::StrCat("round ", round_id, " is ",
                                                        StateName(round->state()), ", not ",
                                                        StateName(from_state)));
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
              absl::StrAppend(&pairs, i ? ", " : "", w.coder(), "/", w.document(), " (",
                              w.state(), ")");
            }
            if (unfinished.size() > most) {
              absl::StrAppend(&pairs, " and ", unfinished.size() - most, " more");
            }
            return pairs;
          };
          if (!force) {
            return absl::FailedPreconditionError(absl::StrCat(
                "round ", round_id, ": ", unfinished.size(),
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

// --- Audit ------------------------------------------------------------------

absl::StatusOr<v1::ListEventsResponse> Catalog::ListEvents(std::string_view chain,
                                                           int32_t page_size,
                                                           std::string_view page_token) const {
  if (page_size < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (page_size == 0) page_size = kDefaultPageSize;
  page_size = std::min(page_size, kMaxPageSize);
  int64_t after_seq = 0;
  if (!page_token.empty()) {
    for (char c : page_token) {
      if (c < '0' || c > '9' || after_seq > (int64_t{1} << 50)) {
        return absl::InvalidArgumentError("page_token: not a token this server issued");
      }
      after_seq = after_seq * 10 + (c - '0');
    }
  }
  v1::ListEventsResponse response;
  const std::string prefix = storage::EventPrefix(chain);
  const std::string start_after = after_seq > 0 ? storage::EventKey(chain, after_seq) : "";
  absl::Status parse_status;
  bool more = false;
  ICR_RETURN_IF_ERROR(store_.Scan(
      Family::kEvents, prefix, start_after, [&](std::string_view, std::string_view value) {
        if (response.events_size() == page_size) {
          more = true;
          return false;
        }
        v1::StoredEvent stored;
        v1::EventRecord* record = response.add_events();
        if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
            !record->mutable_event()->ParseFromString(stored.event())) {
          parse_status = absl::DataLossError("unreadable audit event");
          return false;
        }
        record->set_seq(record->event().seq());
        record->set_event_bytes(stored.event());
        record->set_hash(stored.hash());
        return true;
      }));
  ICR_RETURN_IF_ERROR(parse_status);
  if (more) response.set_next_page_token(std::to_string(response.events().rbegin()->seq()));
  return response;
}

}  // namespace icr::catalog
