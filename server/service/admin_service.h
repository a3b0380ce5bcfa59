#ifndef ICR_SERVER_SERVICE_ADMIN_SERVICE_H_
#define ICR_SERVER_SERVICE_ADMIN_SERVICE_H_

// AdminService: users, their tokens, sessions and sign-in links. Synchronous gRPC API: gRPC runs
// handlers on its own bounded thread pool, so a handler waiting for a synced write blocks no event
// loop (DESIGN §6). Each handler is thin: authorize, call the domain, map errors.

#include <functional>

#include "icr/v1/admin.grpc.pb.h"
#include "server/catalog/catalog.h"
#include "server/common/status_macros.h"
#include "server/service/authorizer.h"
#include "server/service/handler.h"

namespace icr::service {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // Takes a backup of the whole server (it knows the data directory).
  using BackupFunction = std::function<absl::StatusOr<v1::BackupResponse>(
      const catalog::Actor&, const v1::BackupRequest&)>;

  AdminServiceImpl(catalog::Catalog& catalog, const Authorizer& authorizer, BackupFunction backup)
      : catalog_(catalog), authorizer_(authorizer), backup_(std::move(backup)) {}

  grpc::Status ListTokens(grpc::ServerContext* context, const v1::ListTokensRequest* request,
                          v1::ListTokensResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AdminService/ListTokens", "", response,
                  [&](const CallContext& c) { return catalog_.ListTokens(c.actor, *request); });
  }

  grpc::Status RevokeToken(grpc::ServerContext* context, const v1::RevokeTokenRequest* request,
                           v1::RevokeTokenResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AdminService/RevokeToken", "", response,
                  [&](const CallContext& c) { return catalog_.RevokeToken(c.actor, *request); });
  }

  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AdminService/Backup", "", response,
                  [&](const CallContext& c) { return backup_(c.actor, *request); });
  }

  grpc::Status CreateUser(grpc::ServerContext* context, const v1::CreateUserRequest* request,
                          v1::CreateUserResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AdminService/CreateUser", "", response,
                  [&](const CallContext& c) { return catalog_.CreateUser(c.actor, *request); });
  }

  grpc::Status ListUsers(grpc::ServerContext* context, const v1::ListUsersRequest* request,
                         v1::ListUsersResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AdminService/ListUsers", "", response,
                  [&](const CallContext& c) { return catalog_.ListUsers(*request); });
  }

  grpc::Status CreateToken(grpc::ServerContext* context, const v1::CreateTokenRequest* request,
                           v1::CreateTokenResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AdminService/CreateToken", "", response,
                  [&](const CallContext& c) { return catalog_.CreateToken(c.actor, *request); });
  }

  grpc::Status CreateSigninLink(grpc::ServerContext* context,
                                const v1::CreateSigninLinkRequest* request,
                                v1::CreateSigninLinkResponse* response) override {
    return Handle(
        authorizer_, context, "/icr.v1.AdminService/CreateSigninLink", "", response,
        [&](const CallContext& c) { return catalog_.CreateSigninLink(c.actor, *request); });
  }

  // Needs no bearer token: the request carries the credential.
  grpc::Status CreateSession(grpc::ServerContext* context, const v1::CreateSessionRequest* request,
                             v1::CreateSessionResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AdminService/CreateSession", "", response,
                  [&](const CallContext&) { return catalog_.CreateSession(*request); });
  }

  grpc::Status GetCurrentUser(grpc::ServerContext* context,
                              const v1::GetCurrentUserRequest* request,
                              v1::GetCurrentUserResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AdminService/GetCurrentUser", "", response,
                  [&](const CallContext& c) -> absl::StatusOr<v1::GetCurrentUserResponse> {
                    ICR_ASSIGN_OR_RETURN(std::optional<v1::User> user,
                                         catalog_.GetUser(c.actor.user));
                    if (!user) return absl::NotFoundError("user");
                    v1::GetCurrentUserResponse answer;
                    *answer.mutable_user() = *std::move(user);
                    return answer;
                  });
  }

 private:
  catalog::Catalog& catalog_;
  const Authorizer& authorizer_;
  BackupFunction backup_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_ADMIN_SERVICE_H_
