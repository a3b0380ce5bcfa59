#include "server/service/audit_service.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/methods.h"
#include "server/common/status_macros.h"
#include "server/service/handler.h"
#include "server/storage/keys.h"

namespace icr::service {

absl::Status CheckTrailVisible(const catalog::Catalog& catalog, const common::Caller& caller,
                               const std::string& project) {
  if (project == storage::kServerChain || caller.role != v1::CODER) return absl::OkStatus();
  for (std::string token;;) {
    v1::ListRoundsRequest request;
    request.set_project(project);
    request.set_page_size(1000);
    request.set_page_token(token);
    ICR_ASSIGN_OR_RETURN(v1::ListRoundsResponse page, catalog.ListRounds(request));
    for (const v1::Round& round : page.rounds()) {
      if (round.blind() && round.state() == v1::OPEN) {
        return absl::PermissionDeniedError(absl::StrCat(
            "round ", round.id(),
            " is blind and OPEN; a coder of the project reads its audit trail once no blind "
            "round is OPEN"));
      }
    }
    token = page.next_page_token();
    if (token.empty()) return absl::OkStatus();
  }
}

grpc::Status AuditServiceImpl::ListEvents(grpc::ServerContext* context,
                                          const v1::ListEventsRequest* request,
                                          v1::ListEventsResponse* response) {
  return Handle(authorizer_, context, rpc::audit::kListEvents, request->project(), response,
                [&](const common::Caller& caller) -> absl::StatusOr<v1::ListEventsResponse> {
                  ICR_RETURN_IF_ERROR(CheckTrailVisible(catalog_, caller, request->project()));
                  return catalog_.ListEvents(request->project(), request->page_size(),
                                             request->page_token());
                });
}

grpc::Status AuditServiceImpl::GetSignedHead(grpc::ServerContext* context,
                                             const v1::GetSignedHeadRequest* request,
                                             v1::GetSignedHeadResponse* response) {
  return Handle(authorizer_, context, rpc::audit::kGetSignedHead, request->project(), response,
                [&](const common::Caller&) -> absl::StatusOr<v1::GetSignedHeadResponse> {
                  ICR_RETURN_IF_ERROR(CheckChain(request->project()));
                  v1::GetSignedHeadResponse out;
                  ICR_ASSIGN_OR_RETURN(*out.mutable_head(), log_.SignedHead(request->project()));
                  return out;
                });
}

grpc::Status AuditServiceImpl::GetInclusionProof(grpc::ServerContext* context,
                                                 const v1::GetInclusionProofRequest* request,
                                                 v1::GetInclusionProofResponse* response) {
  return Handle(authorizer_, context, rpc::audit::kGetInclusionProof, request->project(), response,
                [&](const common::Caller&) -> absl::StatusOr<v1::GetInclusionProofResponse> {
                  ICR_RETURN_IF_ERROR(CheckChain(request->project()));
                  return log_.InclusionProof(request->project(), request->seq(),
                                             request->tree_size());
                });
}

grpc::Status AuditServiceImpl::GetConsistencyProof(grpc::ServerContext* context,
                                                   const v1::GetConsistencyProofRequest* request,
                                                   v1::GetConsistencyProofResponse* response) {
  return Handle(authorizer_, context, rpc::audit::kGetConsistencyProof, request->project(),
                response,
                [&](const common::Caller&) -> absl::StatusOr<v1::GetConsistencyProofResponse> {
                  ICR_RETURN_IF_ERROR(CheckChain(request->project()));
                  return log_.ConsistencyProof(request->project(), request->first_tree_size(),
                                               request->second_tree_size());
                });
}

grpc::Status AuditServiceImpl::GetPublicKey(grpc::ServerContext* context,
                                            const v1::GetPublicKeyRequest* request,
                                            v1::GetPublicKeyResponse* response) {
  return Handle(authorizer_, context, rpc::audit::kGetPublicKey, "", response,
                [&](const common::Caller&) -> absl::StatusOr<v1::GetPublicKeyResponse> {
                  v1::GetPublicKeyResponse out;
                  out.set_public_key_pem(log_.key().public_key().Pem());
                  out.set_algorithm("Ed25519");
                  out.set_key_id(log_.key().public_key().KeyId());
                  return out;
                });
}

grpc::Status AuditServiceImpl::ListChanges(grpc::ServerContext* context,
                                           const v1::ListChangesRequest* request,
                                           v1::ListChangesResponse* response) {
  return Handle(authorizer_, context, rpc::audit::kListChanges, request->project(), response,
                [&](const common::Caller& caller) -> absl::StatusOr<v1::ListChangesResponse> {
                  ICR_RETURN_IF_ERROR(CheckChain(request->project()));
                  return changes_.List(caller, *request);
                });
}

grpc::Status AuditServiceImpl::ExportAudit(grpc::ServerContext* context,
                                           const v1::ExportAuditRequest* request,
                                           grpc::ServerWriter<v1::ExportAuditResponse>* writer) {
  absl::StatusOr<common::Caller> caller =
      authorizer_.Check(*context, rpc::audit::kExportAudit, request->project());
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<RateLimiter::StreamSlot> slot = authorizer_.OpenStream(*context);
  if (!slot.ok()) return ToGrpcStatus(slot.status());
  if (absl::Status s = CheckChain(request->project()); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = CheckTrailVisible(catalog_, *caller, request->project()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<v1::SignedTreeHead> head = log_.SignedHead(request->project());
  if (!head.ok()) return ToGrpcStatus(head.status());
  constexpr int kBatch = 256;
  v1::ExportAuditResponse batch;
  bool cancelled = false;
  absl::Status read =
      log_.ReadEvents(request->project(), head->tree_size(), [&](v1::EventRecord& record) {
        *batch.add_events() = std::move(record);
        if (batch.events_size() < kBatch) return true;
        cancelled = !writer->Write(batch);
        batch.Clear();
        return !cancelled;
      });
  if (!read.ok()) return ToGrpcStatus(read);
  if (cancelled || context->IsCancelled()) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
  }
  *batch.mutable_head() = *std::move(head);
  if (!writer->Write(batch))
    return grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
  return grpc::Status::OK;
}

absl::Status AuditServiceImpl::CheckChain(const std::string& project) const {
  if (project == storage::kServerChain) return absl::OkStatus();
  if (project.empty()) return absl::InvalidArgumentError("project: required");
  ICR_ASSIGN_OR_RETURN(std::optional<v1::Project> found, catalog_.GetProject(project));
  if (!found.has_value()) return absl::NotFoundError(absl::StrCat("project ", project));
  return absl::OkStatus();
}

}  // namespace icr::service
