#ifndef ICR_CLIENT_CONNECTION_H_
#define ICR_CLIENT_CONNECTION_H_

// The C++ client library: a channel to an icr server with the caller's
// token attached to every call, one stub per service, and retries that are
// safe because every mutation carries a request_id.

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "client/global_options.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "icr/v1/admin.grpc.pb.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "icr/v1/audit.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "icr/v1/project.grpc.pb.h"

namespace icr::client {

// A gRPC error as an absl::Status marked as coming from the server (see
// IsServerError): the CLI exits 1 for those, 2 for local input errors.
absl::Status ServerError(const grpc::Status& status);
bool IsServerError(const absl::Status& status);

class Connection {
 public:
  // Connects per `globals` (server address, TLS, token). The token must be
  // set; see ResolveToken.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const GlobalOptions& globals);

  // Calls a unary RPC with the bearer token and a deadline. UNAVAILABLE
  // (server restarting, connection refused) is retried a few times with
  // back-off: mutations carry a request_id, so a retry never applies twice.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                Stub& stub, const Request& request) const {
    grpc::Status status;
    for (int attempt = 0; attempt < 4; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(250 << attempt));
      grpc::ClientContext context;
      Prepare(context);
      Response response;
      status = (stub.*method)(&context, request, &response);
      if (status.ok()) return response;
      if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    }
    return ServerError(status);
  }

  // Sets the token and deadline on a context (for streaming calls).
  void Prepare(grpc::ClientContext& context) const;

  v1::AdminService::Stub& admin() { return *admin_; }
  v1::ProjectService::Stub& project() { return *project_; }
  v1::AuditService::Stub& audit() { return *audit_; }
  v1::CodingService::Stub& coding() { return *coding_; }
  v1::AgreementService::Stub& agreement() { return *agreement_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  Connection() = default;

  std::shared_ptr<grpc::Channel> channel_;
  std::string authorization_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::ProjectService::Stub> project_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::unique_ptr<v1::AgreementService::Stub> agreement_;
};

// Fills globals.token and globals.token_source: from --token_file when given,
// else from env ICR_TOKEN when set, else from ./icr-data/admin.token when it
// exists (the file `deploy/run` leaves beside a newcomer). An unreadable or
// empty token file, or no token at all, is FAILED_PRECONDITION.
absl::Status ResolveToken(GlobalOptions& globals);

// A fresh random request_id for one mutation.
std::string NewRequestId();

}  // namespace icr::client

#endif  // ICR_CLIENT_CONNECTION_H_
