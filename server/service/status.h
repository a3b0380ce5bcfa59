#ifndef ICR_SERVER_SERVICE_STATUS_H_
#define ICR_SERVER_SERVICE_STATUS_H_

// The one place where absl::Status becomes grpc::Status (the codes are the
// same numbers; the message is kept).

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace icr::service {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_STATUS_H_
