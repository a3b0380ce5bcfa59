// Browser sessions and the sign-in links that open them: a session is a
// token of kind SESSION made in exchange for an API token or a single-use
// sign-in code (kind SIGNIN). Both are stored as tokens are (only the hash,
// with an expiry), listed and revoked beside them.
#include "absl/time/time.h"
#include "server/catalog/catalog.h"
#include "server/catalog/catalog_internal.h"
#include "server/common/methods.h"

namespace icr::catalog {
namespace {

constexpr int64_t kDay = 24 * 60 * 60;
constexpr int64_t kDefaultSigninTtl = 7 * kDay;
constexpr int64_t kMaxSigninTtl = 30 * kDay;
constexpr int64_t kDefaultSessionTtl = 12 * 60 * 60;
constexpr int64_t kMaxSessionTtl = 7 * kDay;

constexpr char kSpentSignin[] =
    "signin_code: this sign-in link was already used or has expired; ask your lead for a new one";
constexpr char kDeadToken[] = "token: unknown, revoked or expired token";

// A TTL in seconds: 0 is `fallback`, else 1..`max`.
absl::StatusOr<int64_t> TtlOrDefault(int64_t ttl, int64_t fallback, int64_t max,
                                     std::string_view what) {
  if (ttl == 0) return fallback;
  if (ttl < 0 || ttl > max) {
    return absl::InvalidArgumentError(absl::StrCat("ttl_seconds: from 1 to ", max, " (", max / kDay,
                                                   " days), or 0 for ", AbslView(what)));
  }
  return ttl;
}

// Rank of a project role for "may act as": an OWNER above a LEAD above
// coders and reviewers.
int Rank(v1::MemberRole role) {
  switch (role) {
    case v1::OWNER:
      return 3;
    case v1::LEAD:
      return 2;
    case v1::CODER:
    case v1::REVIEWER:
      return 1;
    default:
      return 0;
  }
}

// Whether `actor` (no server admin) may make a sign-in link for `user`:
// whoever holds the code can act as `user`, so the actor must already
// outrank `user` everywhere `user` has a right. `user` is no server admin,
// belongs to at least one project, and in each of them the actor is an
// OWNER or LEAD of a higher role.
absl::StatusOr<bool> MayInvite(const Catalog& catalog, const storage::Store& store,
                               const std::string& actor, const std::string& user) {
  ICR_ASSIGN_OR_RETURN(std::optional<v1::User> target, catalog.GetUser(user));
  if (!target || target->role() == v1::ADMIN) return false;
  bool member_somewhere = false;
  bool outranked_everywhere = true;
  absl::Status failure;
  ICR_RETURN_IF_ERROR(
      store.Scan(Family::kMetadata, "member/", "", [&](std::string_view, std::string_view value) {
        v1::Member member;
        if (!member.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          failure = absl::DataLossError("unreadable member record");
          return false;
        }
        if (member.user() != user) return true;
        member_somewhere = true;
        absl::StatusOr<std::optional<v1::MemberRole>> actor_role =
            catalog.RoleOf(member.project(), actor);
        if (!actor_role.ok()) {
          failure = actor_role.status();
          return false;
        }
        const int actor_rank = actor_role->has_value() ? Rank(**actor_role) : 0;
        if (actor_rank < Rank(v1::LEAD) || actor_rank <= Rank(member.role())) {
          outranked_everywhere = false;
          return false;
        }
        return true;
      }));
  ICR_RETURN_IF_ERROR(failure);
  return member_somewhere && outranked_everywhere;
}

// The record of `hash` as the mutation sees it.
absl::StatusOr<std::optional<storage::TokenRecord>> TokenRecordOf(const MutationContext& context,
                                                                  const std::string& hash) {
  return Read<storage::TokenRecord>(context, Family::kMetadata, storage::TokenKey(hash));
}

}  // namespace

absl::StatusOr<v1::CreateSigninLinkResponse> Catalog::CreateSigninLink(
    const common::Caller& actor, const v1::CreateSigninLinkRequest& request) {
  ICR_RETURN_IF_ERROR(ValidateId("user", request.user()));
  ICR_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  ICR_ASSIGN_OR_RETURN(const int64_t ttl, TtlOrDefault(request.ttl_seconds(), kDefaultSigninTtl,
                                                       kMaxSigninTtl, "7 days"));
  const std::string user = request.user();
  if (!actor.server_admin && user != actor.user) {
    ICR_ASSIGN_OR_RETURN(const bool may, MayInvite(*this, store_, actor.user, user));
    if (!may) {
      return absl::PermissionDeniedError(
          absl::StrCat("user: a sign-in link for ", user,
                       " is made by an admin, or by an owner or lead of every project ", user,
                       " belongs to, of a higher role than ", user, "'s in each"));
    }
  }
  storage::Mutation mutation =
      NewMutation(std::string(storage::kServerChain), actor, rpc::admin::kCreateSigninLink, request,
                  request.request_id());
  mutation.apply = [user, ttl](MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                         context.Get(Family::kMetadata, storage::UserKey(user)));
    if (!existing) return absl::NotFoundError(absl::StrCat("user ", user));
    const std::string code = NewToken();
    storage::TokenRecord record;
    record.set_user(user);
    record.set_kind(v1::TOKEN_KIND_SIGNIN);
    record.set_create_time_unix(absl::ToUnixSeconds(absl::Now()));
    record.set_expire_time_unix(record.create_time_unix() + ttl);
    const std::string hash = TokenHash(code);
    context.Put(Family::kMetadata, storage::TokenKey(hash), record.SerializeAsString());
    v1::CreateSigninLinkResponse response;
    *response.mutable_info() = TokenInfoOf(hash, record);
    MutationResult result;
    result.replay_response = response.SerializeAsString();
    response.set_code(code);
    result.response = response.SerializeAsString();
    result.summary =
        absl::StrCat("created sign-in link ", response.info().token_id(), " for user ", user);
    return result;
  };
  return CommitAndParse<v1::CreateSigninLinkResponse>(writer_, std::move(mutation));
}

absl::StatusOr<v1::CreateSessionResponse> Catalog::CreateSession(
    const v1::CreateSessionRequest& request) {
  const bool by_signin = !request.signin_code().empty();
  if (by_signin == !request.token().empty()) {
    return by_signin
               ? absl::InvalidArgumentError(
                     "signin_code: give either token or signin_code, not both")
               : absl::InvalidArgumentError("token: an API token (or a signin_code) is required");
  }
  ICR_ASSIGN_OR_RETURN(const int64_t ttl, TtlOrDefault(request.ttl_seconds(), kDefaultSessionTtl,
                                                       kMaxSessionTtl, "12 hours"));
  const std::string source_hash = TokenHash(by_signin ? request.signin_code() : request.token());

  // Who is signing in, read before the mutation: the event's actor. The
  // mutation reads the record again and decides (a code is spent once).
  ICR_ASSIGN_OR_RETURN(
      std::optional<storage::TokenRecord> found,
      Read<storage::TokenRecord>(store_, Family::kMetadata, storage::TokenKey(source_hash)));
  const absl::Status refused = absl::UnauthenticatedError(by_signin ? kSpentSignin : kDeadToken);
  if (!found) return refused;
  // The request as audited: never the secrets.
  v1::CreateSessionRequest audited = request;
  audited.clear_token();
  audited.clear_signin_code();
  storage::Mutation mutation =
      NewMutation(std::string(storage::kServerChain), common::Caller{.user = found->user()},
                  rpc::admin::kCreateSession, audited, "");
  mutation.apply = [by_signin, ttl, source_hash, refused, user = found->user()](
                       MutationContext& context) -> absl::StatusOr<MutationResult> {
    ICR_ASSIGN_OR_RETURN(std::optional<storage::TokenRecord> source,
                         TokenRecordOf(context, source_hash));
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    if (!source || source->user() != user || !TokenIsLive(*source, now)) return refused;
    const v1::TokenKind kind = KindOf(*source);
    if (by_signin && kind != v1::TOKEN_KIND_SIGNIN) return refused;
    if (!by_signin && kind == v1::TOKEN_KIND_SESSION) {
      return absl::InvalidArgumentError(
          "token: a session cannot be exchanged for another session; sign in with an API token "
          "or a sign-in link");
    }
    if (!by_signin && kind == v1::TOKEN_KIND_SIGNIN) {
      return absl::InvalidArgumentError("token: this is a sign-in code; send it as signin_code");
    }
    ICR_ASSIGN_OR_RETURN(std::optional<v1::User> holder,
                         Read<v1::User>(context, Family::kMetadata, storage::UserKey(user)));
    if (!holder) return refused;
    const std::string source_id = source_hash.substr(0, kTokenIdLength);
    if (by_signin) {
      source->set_revoked(true);
      source->set_spent_time_unix(now);
      context.Put(Family::kMetadata, storage::TokenKey(source_hash), source->SerializeAsString());
    }

    const std::string session = NewToken();
    storage::TokenRecord record;
    record.set_user(user);
    record.set_kind(v1::TOKEN_KIND_SESSION);
    record.set_create_time_unix(now);
    record.set_expire_time_unix(now + ttl);
    if (source->expire_time_unix() > 0) {
      record.set_expire_time_unix(std::min(record.expire_time_unix(), source->expire_time_unix()));
    }
    record.set_source_token_id(source_id);
    const std::string hash = TokenHash(session);
    context.Put(Family::kMetadata, storage::TokenKey(hash), record.SerializeAsString());

    v1::CreateSessionResponse response;
    response.set_session_token(session);
    *response.mutable_info() = TokenInfoOf(hash, record);
    *response.mutable_user() = *std::move(holder);
    MutationResult result;
    result.response = response.SerializeAsString();
    result.summary =
        absl::StrCat("created session ", response.info().token_id(), " for user ", user,
                     by_signin ? " with sign-in link " : " with token ", source_id);
    return result;
  };
  return CommitAndParse<v1::CreateSessionResponse>(writer_, std::move(mutation));
}

}  // namespace icr::catalog
