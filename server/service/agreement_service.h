#ifndef ICR_SERVER_SERVICE_AGREEMENT_SERVICE_H_
#define ICR_SERVER_SERVICE_AGREEMENT_SERVICE_H_

// AgreementService: live agreement, disagreements, resolutions and the
// consensus of a round (DESIGN §6). Synchronous gRPC API; each handler
// authorizes, calls live::LiveAgreement, maps errors. WatchAgreement holds
// one server thread per open stream.

#include <algorithm>
#include <chrono>

#include "absl/time/clock.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "server/live/live_agreement.h"
#include "server/service/authorizer.h"
#include "server/service/handler.h"

namespace icr::service {

class AgreementServiceImpl final : public v1::AgreementService::Service {
 public:
  AgreementServiceImpl(live::LiveAgreement& live, const Authorizer& authorizer)
      : live_(live), authorizer_(authorizer) {}

  grpc::Status ComputeAgreement(grpc::ServerContext* context,
                                const v1::ComputeAgreementRequest* request,
                                v1::ComputeAgreementResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AgreementService/ComputeAgreement",
                  request->project(), response, [&](const CallContext& c) {
                    return live_.Compute(ToCaller(c), *request);
                  });
  }

  grpc::Status WatchAgreement(grpc::ServerContext* context,
                              const v1::WatchAgreementRequest* request,
                              grpc::ServerWriter<v1::ComputeAgreementResponse>* writer) override {
    absl::StatusOr<CallContext> caller =
        authorizer_.Check(*context, "/icr.v1.AgreementService/WatchAgreement", request->project());
    if (!caller.ok()) return ToGrpcStatus(caller.status());
    // A watch holds a handler thread while it lasts: counted among the open
    // streams (--max_streams_per_token, --max_streams).
    absl::StatusOr<RateLimiter::StreamSlot> slot = authorizer_.OpenStream(*context);
    if (!slot.ok()) return ToGrpcStatus(slot.status());
    v1::ComputeAgreementRequest query = request->query();
    query.set_project(request->project());
    query.set_round(request->round());
    const absl::Duration min_interval =
        absl::Milliseconds(std::max(request->min_interval_ms(), kMinIntervalMs));
    while (!context->IsCancelled()) {
      absl::StatusOr<v1::ComputeAgreementResponse> table = live_.Compute(ToCaller(*caller), query);
      // The first computation's error is the answer; later ones (the round
      // left a state the caller may see) end the stream the same way.
      if (!table.ok()) return ToGrpcStatus(table.status());
      if (!writer->Write(*table)) break;
      const absl::Time sent = absl::Now();
      // Wait for a change, waking now and then to notice a cancelled call.
      while (!context->IsCancelled() &&
             live_.ChangeCount(request->project(), request->round()) == table->version()) {
        live_.WaitForChange(request->project(), request->round(), table->version(),
                            absl::Now() + absl::Milliseconds(200));
      }
      // Coalesce: at most one update per interval.
      const absl::Time next = sent + min_interval;
      while (!context->IsCancelled() && absl::Now() < next) {
        absl::SleepFor(std::min(next - absl::Now(), absl::Milliseconds(50)));
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status ListDisagreements(grpc::ServerContext* context,
                                 const v1::ListDisagreementsRequest* request,
                                 v1::ListDisagreementsResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AgreementService/ListDisagreements",
                  request->project(), response, [&](const CallContext& c) {
                    return live_.ListDisagreements(ToCaller(c), *request);
                  });
  }

  grpc::Status ResolveDisagreement(grpc::ServerContext* context,
                                   const v1::ResolveDisagreementRequest* request,
                                   v1::ResolveDisagreementResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AgreementService/ResolveDisagreement",
                  request->project(), response, [&](const CallContext& c) {
                    return live_.Resolve(ToCaller(c), *request);
                  });
  }

  grpc::Status GetConsensus(grpc::ServerContext* context, const v1::GetConsensusRequest* request,
                            v1::GetConsensusResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AgreementService/GetConsensus",
                  request->project(), response, [&](const CallContext& c) {
                    return live_.Consensus(ToCaller(c), *request);
                  });
  }

 private:
  static constexpr int32_t kMinIntervalMs = 250;

  static coding::Caller ToCaller(const CallContext& c) {
    return coding::Caller{c.actor, c.role.value_or(v1::MEMBER_ROLE_UNSPECIFIED)};
  }

  live::LiveAgreement& live_;
  const Authorizer& authorizer_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_AGREEMENT_SERVICE_H_
