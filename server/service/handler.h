#ifndef ICR_SERVER_SERVICE_HANDLER_H_
#define ICR_SERVER_SERVICE_HANDLER_H_

// The shape of every unary handler: authorize, call the domain, map errors.

#include <chrono>
#include <string_view>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/service/authorizer.h"
#include "server/service/status.h"

namespace icr::service {

// Runs `call(common::Caller)` -> absl::StatusOr<Response> for an authorized
// caller and stores its answer in `response`.
template <typename Response, typename Call>
grpc::Status Handle(const Authorizer& authorizer, grpc::ServerContext* context,
                    std::string_view method, std::string_view project, Response* response,
                    Call&& call) {
  absl::StatusOr<common::Caller> caller = authorizer.Check(*context, method, project);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  // A call whose deadline has passed (it waited in gRPC's queue) is not
  // started: its client has gone, and a mutation must not land unseen.
  if (context->deadline() <= std::chrono::system_clock::now()) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline passed before the call ran");
  }
  absl::StatusOr<Response> result = call(*caller);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_HANDLER_H_
