#include "server/service/admin_service.h"

#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "server/common/methods.h"
#include "server/common/status_macros.h"
#include "server/service/handler.h"

namespace icr::service {

grpc::Status AdminServiceImpl::ListTokens(grpc::ServerContext* context,
                                          const v1::ListTokensRequest* request,
                                          v1::ListTokensResponse* response) {
  return Handle(authorizer_, context, rpc::admin::kListTokens, "", response,
                [&](const common::Caller& c) { return catalog_.ListTokens(c, *request); });
}

grpc::Status AdminServiceImpl::RevokeToken(grpc::ServerContext* context,
                                           const v1::RevokeTokenRequest* request,
                                           v1::RevokeTokenResponse* response) {
  return Handle(authorizer_, context, rpc::admin::kRevokeToken, "", response,
                [&](const common::Caller& c) { return catalog_.RevokeToken(c, *request); });
}

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* context,
                                      const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  return Handle(authorizer_, context, rpc::admin::kBackup, "", response,
                [&](const common::Caller& c) { return backup_(c, *request); });
}

grpc::Status AdminServiceImpl::CreateUser(grpc::ServerContext* context,
                                          const v1::CreateUserRequest* request,
                                          v1::CreateUserResponse* response) {
  return Handle(authorizer_, context, rpc::admin::kCreateUser, "", response,
                [&](const common::Caller& c) { return catalog_.CreateUser(c, *request); });
}

grpc::Status AdminServiceImpl::ListUsers(grpc::ServerContext* context,
                                         const v1::ListUsersRequest* request,
                                         v1::ListUsersResponse* response) {
  return Handle(authorizer_, context, rpc::admin::kListUsers, "", response,
                [&](const common::Caller& c) { return catalog_.ListUsers(*request); });
}

grpc::Status AdminServiceImpl::CreateToken(grpc::ServerContext* context,
                                           const v1::CreateTokenRequest* request,
                                           v1::CreateTokenResponse* response) {
  return Handle(authorizer_, context, rpc::admin::kCreateToken, "", response,
                [&](const common::Caller& c) { return catalog_.CreateToken(c, *request); });
}

grpc::Status AdminServiceImpl::CreateSigninLink(grpc::ServerContext* context,
                                                const v1::CreateSigninLinkRequest* request,
                                                v1::CreateSigninLinkResponse* response) {
  return Handle(authorizer_, context, rpc::admin::kCreateSigninLink, "", response,
                [&](const common::Caller& c) { return catalog_.CreateSigninLink(c, *request); });
}

grpc::Status AdminServiceImpl::CreateSession(grpc::ServerContext* context,
                                             const v1::CreateSessionRequest* request,
                                             v1::CreateSessionResponse* response) {
  return Handle(authorizer_, context, rpc::admin::kCreateSession, "", response,
                [&](const common::Caller&) { return catalog_.CreateSession(*request); });
}

grpc::Status AdminServiceImpl::GetCurrentUser(grpc::ServerContext* context,
                                              const v1::GetCurrentUserRequest* request,
                                              v1::GetCurrentUserResponse* response) {
  return Handle(authorizer_, context, rpc::admin::kGetCurrentUser, "", response,
                [&](const common::Caller& c) -> absl::StatusOr<v1::GetCurrentUserResponse> {
                  ICR_ASSIGN_OR_RETURN(std::optional<v1::User> user, catalog_.GetUser(c.user));
                  if (!user) return absl::NotFoundError("user");
                  v1::GetCurrentUserResponse answer;
                  *answer.mutable_user() = *std::move(user);
                  return answer;
                });
}

}  // namespace icr::service
