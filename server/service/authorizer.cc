#include "server/service/authorizer.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/catalog/validation.h"
#include "server/common/methods.h"
#include "server/common/status_macros.h"
#include "server/service/authorization.h"
#include "server/storage/keys.h"

namespace icr::service {
namespace {

// The token of "authorization: Bearer <token>".
absl::StatusOr<std::string_view> BearerToken(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError("missing \"authorization: Bearer <token>\" metadata");
  }
  std::string_view header(it->second.data(), it->second.size());
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) {
    return absl::UnauthenticatedError("authorization metadata must be \"Bearer <token>\"");
  }
  return header.substr(kBearer.size());
}

// The holder of the bearer token: API tokens and sessions act alike; a
// sign-in code is only ever exchanged for a session.
absl::StatusOr<catalog::TokenHolder> Authenticate(const catalog::Catalog& catalog,
                                                  std::string_view token) {
  ICR_ASSIGN_OR_RETURN(std::optional<catalog::TokenHolder> holder, catalog.UserForToken(token));
  if (!holder) return absl::UnauthenticatedError("unknown or revoked token");
  if (holder->kind == v1::TOKEN_KIND_SIGNIN) {
    return absl::UnauthenticatedError(
        "a sign-in code is exchanged at POST /v1/sessions (CreateSession), not used as a token");
  }
  return *std::move(holder);
}

}  // namespace

absl::StatusOr<common::Caller> Authorizer::Check(const grpc::ServerContext& context,
                                                 std::string_view method,
                                                 std::string_view project) const {
  return Authorize(context, method, project, /*admit=*/true);
}

absl::StatusOr<common::Caller> Authorizer::Recheck(const grpc::ServerContext& context,
                                                   std::string_view method,
                                                   std::string_view project) const {
  return Authorize(context, method, project, /*admit=*/false);
}

absl::StatusOr<common::Caller> Authorizer::Authorize(const grpc::ServerContext& context,
                                                     std::string_view method,
                                                     std::string_view project, bool admit) const {
  const MethodRule* rule = FindRule(method);
  // The request is its own credential; the domain checks it.
  if (rule != nullptr && rule->access == Access::kRequestCredential) return common::Caller();
  ICR_ASSIGN_OR_RETURN(std::string_view token, BearerToken(context));
  ICR_ASSIGN_OR_RETURN(catalog::TokenHolder holder, Authenticate(catalog_, token));
  // Only known tokens get a bucket, so their number bounds the limiter's memory.
  if (admit) {
    ICR_RETURN_IF_ERROR(limiter_.Admit(token));
  }

  common::Caller call;
  call.user = holder.user.id();
  call.server_admin = holder.user.role() == v1::ADMIN;
  if (method == rpc::audit::kListEvents && project == storage::kServerChain) {
    // The server-level chain (users, tokens) is the admins' to read.
    if (!call.server_admin) return absl::NotFoundError("project _server");
    call.role = v1::OWNER;
    return call;
  }
  if (rule != nullptr && rule->access == Access::kProject) {
    ICR_RETURN_IF_ERROR(catalog::ValidateId("project", project));
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Project> stored, catalog_.GetProject(project));
    if (stored) {
      ICR_ASSIGN_OR_RETURN(call.role, catalog_.RoleOf(project, call.user));
    }
    if (!stored && call.server_admin) {
      return absl::NotFoundError(
          absl::StrCat("project ", absl::string_view(project.data(), project.size())));
    }
    if (!call.role && call.server_admin) call.role = v1::OWNER;
  }
  ICR_RETURN_IF_ERROR(Decide(method, call.server_admin, call.role, project));
  return call;
}

absl::StatusOr<RateLimiter::StreamSlot> Authorizer::OpenStream(
    const grpc::ServerContext& context) const {
  ICR_ASSIGN_OR_RETURN(std::string_view token, BearerToken(context));
  ICR_RETURN_IF_ERROR(Authenticate(catalog_, token).status());
  return limiter_.OpenStream(token);
}

}  // namespace icr::service
