#ifndef ICR_SERVER_SERVICE_CODING_SERVICE_H_
#define ICR_SERVER_SERVICE_CODING_SERVICE_H_

// CodingService: coders submit, read and retract codings, stream an import
// of many (each message authorized again; a finished import marks its
// documents DONE), and set and read their progress (DESIGN §6). Synchronous
// gRPC API; each handler authorizes, calls the domain, maps errors.

#include <cstddef>
#include <string>

#include "icr/v1/coding.grpc.pb.h"
#include "server/coding/codings.h"
#include "server/service/authorizer.h"

namespace icr::service {

class CodingServiceImpl final : public v1::CodingService::Service {
 public:
  CodingServiceImpl(coding::Codings& codings, const Authorizer& authorizer)
      : codings_(codings), authorizer_(authorizer) {}

  grpc::Status SubmitCodings(grpc::ServerContext* context, const v1::SubmitCodingsRequest* request,
                             v1::SubmitCodingsResponse* response) override;

  grpc::Status ImportCodings(grpc::ServerContext* context,
                             grpc::ServerReader<v1::ImportCodingsRequest>* reader,
                             v1::ImportCodingsResponse* response) override;

  grpc::Status SetDocumentProgress(grpc::ServerContext* context,
                                   const v1::SetDocumentProgressRequest* request,
                                   v1::SetDocumentProgressResponse* response) override;

  grpc::Status ListProgress(grpc::ServerContext* context, const v1::ListProgressRequest* request,
                            v1::ListProgressResponse* response) override;

  grpc::Status RetractCoding(grpc::ServerContext* context, const v1::RetractCodingRequest* request,
                             v1::RetractCodingResponse* response) override;

  grpc::Status ListCodings(grpc::ServerContext* context, const v1::ListCodingsRequest* request,
                           v1::ListCodingsResponse* response) override;

 private:
  // ValidateRequestId's limit less "/" and 20 digits.
  static constexpr size_t kMaxImportRequestId = 128 - 21;

  coding::Codings& codings_;
  const Authorizer& authorizer_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_CODING_SERVICE_H_
