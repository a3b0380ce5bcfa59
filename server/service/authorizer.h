#ifndef ICR_SERVER_SERVICE_AUTHORIZER_H_
#define ICR_SERVER_SERVICE_AUTHORIZER_H_

// Authentication (the bearer token) and authorization (the table) of one
// call: the first thing every handler does. gRPC 1.51's interceptors cannot
// reject a call, so this is an explicit call rather than an interceptor.

#include <string_view>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "server/catalog/catalog.h"
#include "server/common/caller.h"
#include "server/service/rate_limiter.h"

namespace icr::service {

class Authorizer {
 public:
  explicit Authorizer(const catalog::Catalog& catalog, const RateLimits& limits = RateLimits())
      : catalog_(catalog), limiter_(limits) {}

  // UNAUTHENTICATED without a valid "authorization: Bearer <token>" (API
  // tokens and sessions alike; a sign-in code is refused);
  // RESOURCE_EXHAUSTED when the token is over its request rate; then the
  // table's decision for `method` on `project` (empty for calls outside a
  // project). A method whose request is its own credential
  // (Access::kRequestCredential) passes as an empty caller.
  absl::StatusOr<common::Caller> Check(const grpc::ServerContext& context, std::string_view method,
                                       std::string_view project) const;

  // Check's decision without taking a request from the rate limiter: a
  // long stream re-checks its caller before each update it sends unasked
  // (a revoked token or a lost membership ends it).
  absl::StatusOr<common::Caller> Recheck(const grpc::ServerContext& context,
                                         std::string_view method, std::string_view project) const;

  // For a streaming call, before anything else: UNAUTHENTICATED for an
  // unknown token; else a slot among the open streams, held until the
  // returned object goes, or RESOURCE_EXHAUSTED when the caller's token or
  // the server has the most streams open. (A client stream's handler holds a
  // thread from the start, before its first message.)
  absl::StatusOr<RateLimiter::StreamSlot> OpenStream(const grpc::ServerContext& context) const;

  const RateLimiter& limiter() const { return limiter_; }

 private:
  absl::StatusOr<common::Caller> Authorize(const grpc::ServerContext& context,
                                           std::string_view method, std::string_view project,
                                           bool admit) const;

  const catalog::Catalog& catalog_;
  mutable RateLimiter limiter_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_AUTHORIZER_H_
