#include "server/service/agreement_service.h"

#include <algorithm>
#include <chrono>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/common/methods.h"
#include "server/service/handler.h"

namespace icr::service {

grpc::Status AgreementServiceImpl::ComputeAgreement(grpc::ServerContext* context,
                                                    const v1::ComputeAgreementRequest* request,
                                                    v1::ComputeAgreementResponse* response) {
  return Handle(
      authorizer_, context, rpc::agreement::kComputeAgreement, request->project(), response,
      [&](const common::Caller& c) { return live_.Compute(c, *request, InterruptOf(context)); });
}

grpc::Status AgreementServiceImpl::WatchAgreement(
    grpc::ServerContext* context, const v1::WatchAgreementRequest* request,
    grpc::ServerWriter<v1::ComputeAgreementResponse>* writer) {
  absl::StatusOr<common::Caller> caller =
      authorizer_.Check(*context, rpc::agreement::kWatchAgreement, request->project());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  // Every change recomputes the table: a bootstrap (thousands of
  // resamples) per change is refused rather than silently dropped.
  if (request->query().bootstrap() > 0) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "query.bootstrap: a watch computes no bootstrap; ask ComputeAgreement "
                        "for intervals");
  }
  // A watch holds a handler thread while it lasts: counted among the open
  // streams (--max_streams_per_token, --max_streams).
  absl::StatusOr<RateLimiter::StreamSlot> slot = authorizer_.OpenStream(*context);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  v1::ComputeAgreementRequest query = request->query();
  query.set_project(request->project());
  query.set_round(request->round());
  const absl::Duration min_interval =
      absl::Milliseconds(std::max(request->min_interval_ms(), kMinIntervalMs));
  // The caller is checked again before each update and while waiting: a
  // revoked token ends the stream UNAUTHENTICATED, a lost membership
  // NOT_FOUND, a role that may no longer watch PERMISSION_DENIED, and a
  // changed role computes with the new role's view.
  auto recheck = [&]() -> grpc::Status {
    caller = authorizer_.Recheck(*context, rpc::agreement::kWatchAgreement, request->project());
    return caller.ok() ? grpc::Status::OK : ToGrpcStatus(caller.status());
  };
  while (!context->IsCancelled()) {
    absl::StatusOr<v1::ComputeAgreementResponse> table =
        live_.Compute(*caller, query, InterruptOf(context));
    // The first computation's error is the answer; later ones (the round
    // left a state the caller may see) end the stream the same way.
    if (!table.ok()) return ToGrpcStatus(table.status());
    if (!writer->Write(*table)) break;
    const absl::Time sent = absl::Now();
    // Wait for a change, waking now and then to notice a cancelled call,
    // a caller who lost the right to watch, or a new role (which may see
    // less: the table is computed again at once).
    const std::optional<v1::MemberRole> computed_as = caller->role;
    while (!context->IsCancelled() && caller->role == computed_as &&
           live_.ChangeCount(request->project(), request->round()) == table->version()) {
      live_.WaitForChange(request->project(), request->round(), table->version(),
                          absl::Now() + absl::Milliseconds(200));
      if (grpc::Status status = recheck(); !status.ok()) return status;
    }
    // Coalesce: at most one update per interval.
    const absl::Time next = sent + min_interval;
    while (!context->IsCancelled() && absl::Now() < next) {
      absl::SleepFor(std::min(next - absl::Now(), absl::Milliseconds(50)));
    }
    if (grpc::Status status = recheck(); !status.ok()) return status;
  }
  return grpc::Status::OK;
}

grpc::Status AgreementServiceImpl::ListDisagreements(grpc::ServerContext* context,
                                                     const v1::ListDisagreementsRequest* request,
                                                     v1::ListDisagreementsResponse* response) {
  return Handle(authorizer_, context, rpc::agreement::kListDisagreements, request->project(),
                response, [&](const common::Caller& c) {
                  return live_.ListDisagreements(c, *request, InterruptOf(context));
                });
}

grpc::Status AgreementServiceImpl::ResolveDisagreement(
    grpc::ServerContext* context, const v1::ResolveDisagreementRequest* request,
    v1::ResolveDisagreementResponse* response) {
  return Handle(authorizer_, context, rpc::agreement::kResolveDisagreement, request->project(),
                response, [&](const common::Caller& c) { return live_.Resolve(c, *request); });
}

grpc::Status AgreementServiceImpl::GetConsensus(grpc::ServerContext* context,
                                                const v1::GetConsensusRequest* request,
                                                v1::GetConsensusResponse* response) {
  return Handle(
      authorizer_, context, rpc::agreement::kGetConsensus, request->project(), response,
      [&](const common::Caller& c) { return live_.Consensus(c, *request, InterruptOf(context)); });
}

live::Interrupt AgreementServiceImpl::InterruptOf(grpc::ServerContext* context) {
  const absl::Time deadline = context->deadline() == std::chrono::system_clock::time_point::max()
                                  ? absl::InfiniteFuture()
                                  : absl::FromChrono(context->deadline());
  return live::Interrupt(deadline, [context] { return context->IsCancelled(); });
}

}  // namespace icr::service
