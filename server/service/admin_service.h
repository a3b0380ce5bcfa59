#ifndef ICR_SERVER_SERVICE_ADMIN_SERVICE_H_
#define ICR_SERVER_SERVICE_ADMIN_SERVICE_H_

// AdminService: users, their tokens, sessions and sign-in links. Synchronous gRPC API: gRPC runs
// handlers on its own bounded thread pool, so a handler waiting for a synced write blocks no event
// loop (DESIGN §6). Each handler is thin: authorize, call the domain, map errors.

#include <functional>

#include "icr/v1/admin.grpc.pb.h"
#include "server/catalog/catalog.h"
#include "server/common/caller.h"
#include "server/service/authorizer.h"

namespace icr::service {

class AdminServiceImpl final : public v1::AdminService::Service {
 public:
  // Takes a backup of the whole server (it knows the data directory).
  using BackupFunction = std::function<absl::StatusOr<v1::BackupResponse>(
      const common::Caller&, const v1::BackupRequest&)>;

  AdminServiceImpl(catalog::Catalog& catalog, const Authorizer& authorizer, BackupFunction backup)
      : catalog_(catalog), authorizer_(authorizer), backup_(std::move(backup)) {}

  grpc::Status ListTokens(grpc::ServerContext* context, const v1::ListTokensRequest* request,
                          v1::ListTokensResponse* response) override;

  grpc::Status RevokeToken(grpc::ServerContext* context, const v1::RevokeTokenRequest* request,
                           v1::RevokeTokenResponse* response) override;

  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;

  grpc::Status CreateUser(grpc::ServerContext* context, const v1::CreateUserRequest* request,
                          v1::CreateUserResponse* response) override;

  grpc::Status ListUsers(grpc::ServerContext* context, const v1::ListUsersRequest* request,
                         v1::ListUsersResponse* response) override;

  grpc::Status CreateToken(grpc::ServerContext* context, const v1::CreateTokenRequest* request,
                           v1::CreateTokenResponse* response) override;

  grpc::Status CreateSigninLink(grpc::ServerContext* context,
                                const v1::CreateSigninLinkRequest* request,
                                v1::CreateSigninLinkResponse* response) override;

  // Needs no bearer token: the request carries the credential.
  grpc::Status CreateSession(grpc::ServerContext* context, const v1::CreateSessionRequest* request,
                             v1::CreateSessionResponse* response) override;

  grpc::Status GetCurrentUser(grpc::ServerContext* context,
                              const v1::GetCurrentUserRequest* request,
                              v1::GetCurrentUserResponse* response) override;

 private:
  catalog::Catalog& catalog_;
  const Authorizer& authorizer_;
  BackupFunction backup_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_ADMIN_SERVICE_H_
