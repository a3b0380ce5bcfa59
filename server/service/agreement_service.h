#ifndef ICR_SERVER_SERVICE_AGREEMENT_SERVICE_H_
#define ICR_SERVER_SERVICE_AGREEMENT_SERVICE_H_

// AgreementService: live agreement, disagreements, resolutions and the
// consensus of a round (DESIGN §6). Synchronous gRPC API; each handler
// authorizes, calls live::LiveAgreement, maps errors. WatchAgreement holds
// one server thread per open stream.

#include <cstdint>
#include <string_view>

#include "icr/v1/agreement.grpc.pb.h"
#include "server/live/live_agreement.h"
#include "server/service/authorizer.h"

namespace icr::service {

class AgreementServiceImpl final : public v1::AgreementService::Service {
 public:
  AgreementServiceImpl(live::LiveAgreement& live, const Authorizer& authorizer)
      : live_(live), authorizer_(authorizer) {}

  grpc::Status ComputeAgreement(grpc::ServerContext* context,
                                const v1::ComputeAgreementRequest* request,
                                v1::ComputeAgreementResponse* response) override;

  grpc::Status WatchAgreement(grpc::ServerContext* context,
                              const v1::WatchAgreementRequest* request,
                              grpc::ServerWriter<v1::ComputeAgreementResponse>* writer) override;

  grpc::Status ListDisagreements(grpc::ServerContext* context,
                                 const v1::ListDisagreementsRequest* request,
                                 v1::ListDisagreementsResponse* response) override;

  grpc::Status ResolveDisagreement(grpc::ServerContext* context,
                                   const v1::ResolveDisagreementRequest* request,
                                   v1::ResolveDisagreementResponse* response) override;

  grpc::Status GetConsensus(grpc::ServerContext* context, const v1::GetConsensusRequest* request,
                            v1::GetConsensusResponse* response) override;

 private:
  static constexpr int32_t kMinIntervalMs = 250;

  // A computation stops when the call's deadline passes or its client
  // cancels it.
  static live::Interrupt InterruptOf(grpc::ServerContext* context);

  live::LiveAgreement& live_;
  const Authorizer& authorizer_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_AGREEMENT_SERVICE_H_
