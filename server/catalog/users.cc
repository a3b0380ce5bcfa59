// Users and their tokens: created, listed, revoked; the first admin.
// (Sessions and sign-in links are made in sessions.cc.)
#include <openssl/rand.h>

#include "server/catalog/catalog.h"
#include "server/catalog/catalog_internal.h"
#include "server/common/methods.h"

namespace icr::catalog {

std::string NewToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();  // no entropy: never issue a weak token
  return absl::StrCat(
      "icr_", audit::HexEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes))));
}

std::string TokenHash(std::string_view token) { return audit::HexEncode(audit::Sha256(token)); }

// --- Users and tokens -------------------------------------------------------

absl::StatusOr<v1::CreateUserResponse> Catalog::CreateUser(const common::Caller& actor,
                                                           const v1::CreateUserRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("id", request.id()));
  ICR_RETURN_IF_ERROR(ValidateText("display_name", request.display_name(), kMaxNameLength));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  v1::User user;
  user.set_id(request.id());
  user.set_display_name(request.display_name().empty() ? request.id() : request.display_name());
  user.set_role(request.role() == v1::ADMIN ? v1::ADMIN : v1::USER);
  SetNow(user.mutable_create_time());

  storage::Mutation mutation = NewMutation(std::string(storage::kServerChain), actor,
                                           rpc::admin::kCreateUser, request, request.request_id());
  mutation.apply = [user](MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                         context.Get(Family::kMetadata, storage::UserKey(user.id())));
    if (existing) return absl::AlreadyExistsError(absl::StrCat("user ", user.id()));
    const std::string token = NewToken();
    storage::TokenRecord record;
    record.set_user(user.id());
    record.set_kind(v1::TOKEN_KIND_API);
    record.set_create_time_unix(user.create_time().seconds());
    context.Put(Family::kMetadata, storage::UserKey(user.id()), user.SerializeAsString());
    context.Put(Family::kMetadata, storage::TokenKey(TokenHash(token)), record.SerializeAsString());
    v1::CreateUserResponse response;
    *response.mutable_user() = user;
    MutationResult result;
    result.replay_response = response.SerializeAsString();
    response.set_token(token);
    result.response = response.SerializeAsString();
    result.summary =
        absl::StrCat("created user ", user.id(), " (", v1::ServerRole_Name(user.role()), ")");
    return result;
  };
  return CommitAndParse<v1::CreateUserResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::CreateTokenResponse> Catalog::CreateToken(
    const common::Caller& actor, const v1::CreateTokenRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("user", request.user()));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!actor.server_admin && request.user() != actor.user) {
    return absl::PermissionDeniedError("user: only an admin may create tokens for another user");
  }
  if (request.ttl_seconds() < 0) {
    return absl::InvalidArgumentError("ttl_seconds: must not be negative");
  }
  const int64_t ttl = request.ttl_seconds();
  storage::Mutation mutation = NewMutation(std::string(storage::kServerChain), actor,
                                           rpc::admin::kCreateToken, request, request.request_id());
  const std::string user = request.user();
  mutation.apply = [user, ttl](MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                         context.Get(Family::kMetadata, storage::UserKey(user)));
    if (!existing) return absl::NotFoundError(absl::StrCat("user ", user));
    const std::string token = NewToken();
    storage::TokenRecord record;
    record.set_user(user);
    record.set_kind(v1::TOKEN_KIND_API);
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

absl::StatusOr<std::optional<TokenHolder>> Catalog::UserForToken(std::string_view token) const {
  ICR_ASSIGN_OR_RETURN(
      std::optional<storage::TokenRecord> record,
      Read<storage::TokenRecord>(store_, Family::kMetadata, storage::TokenKey(TokenHash(token))));
  if (!record || !TokenIsLive(*record, absl::ToUnixSeconds(absl::Now()))) return std::nullopt;
  ICR_ASSIGN_OR_RETURN(std::optional<v1::User> user, GetUser(record->user()));
  if (!user) return std::nullopt;
  return TokenHolder{*std::move(user), KindOf(*record)};
}

absl::StatusOr<v1::ListTokensResponse> Catalog::ListTokens(
    const common::Caller& actor, const v1::ListTokensRequest& request) const {
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
          *response.add_tokens() =
              TokenInfoOf(key.substr(std::string_view("token/").size()), record);
        }
        return true;
      }));
  ICR_RETURN_IF_ERROR(failure);
  return response;
}

absl::StatusOr<v1::RevokeTokenResponse> Catalog::RevokeToken(
    const common::Caller& actor, const v1::RevokeTokenRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string& id = request.token_id();
  if (id.size() != kTokenIdLength ||
      id.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return absl::InvalidArgumentError(
        "token_id: 16 lower-case hex digits, as `icr user tokens` lists them");
  }
  storage::Mutation mutation = NewMutation(std::string(storage::kServerChain), actor,
                                           rpc::admin::kRevokeToken, request, request.request_id());
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
    *response.mutable_token() =
        TokenInfoOf(std::string_view(key).substr(std::string_view("token/").size()), *record);
    return MutationResult{response.SerializeAsString(),
                          absl::StrCat("revoked token ", id, " of user ", record->user()),
                          std::nullopt};
  };
  return CommitAndParse<v1::RevokeTokenResponse>(writer_, std::move(mutation));
}

absl::Status Catalog::RecordServerEvent(const common::Caller& actor, std::string method,
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
  ICR_RETURN_IF_ERROR(
      store_.Scan(Family::kMetadata, "user/", "", [&](std::string_view, std::string_view) {
        any_user = true;
        return false;
      }));
  if (any_user) return std::nullopt;
  v1::CreateUserRequest request;
  request.set_id("admin");
  request.set_display_name("Administrator");
  request.set_role(v1::ADMIN);
  ICR_ASSIGN_OR_RETURN(
      v1::CreateUserResponse response,
      CreateUser(common::Caller{.user = "icr-server", .server_admin = true}, request));
  return response.token();
}

}  // namespace icr::catalog
