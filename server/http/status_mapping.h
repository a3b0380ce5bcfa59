#ifndef ICR_SERVER_HTTP_STATUS_MAPPING_H_
#define ICR_SERVER_HTTP_STATUS_MAPPING_H_

// gRPC status codes as HTTP statuses, as grpc-gateway maps them, and the JSON
// error body the API answers with:
//   {"code": 3, "status": "INVALID_ARGUMENT", "message": "codings[0].span: ..."}

#include <string>
#include <string_view>

#include "grpcpp/support/status.h"

namespace icr::http {

int HttpStatusFor(grpc::StatusCode code);

// "INVALID_ARGUMENT" for grpc::StatusCode::INVALID_ARGUMENT.
std::string_view StatusCodeName(grpc::StatusCode code);

std::string ErrorBody(grpc::StatusCode code, std::string_view message);

}  // namespace icr::http

#endif  // ICR_SERVER_HTTP_STATUS_MAPPING_H_
