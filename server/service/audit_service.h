#ifndef ICR_SERVER_SERVICE_AUDIT_SERVICE_H_
#define ICR_SERVER_SERVICE_AUDIT_SERVICE_H_

// AuditService: the audit trail and its verifiable log (DESIGN §5).
// Synchronous gRPC API: gRPC runs handlers on its own bounded thread pool, so
// a handler waiting for a synced write blocks no event loop (DESIGN §6). Each
// handler is thin: authorize, call the domain (catalog::Catalog for events,
// audit::AuditLog for heads and proofs, coding::ChangeFeed for changes), map
// errors.

#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/support/sync_stream.h"
#include "icr/v1/audit.grpc.pb.h"
#include "server/audit/audit_log.h"
#include "server/catalog/catalog.h"
#include "server/coding/changes.h"
#include "server/common/status_macros.h"
#include "server/service/authorizer.h"
#include "server/service/handler.h"
#include "server/storage/keys.h"

namespace icr::service {

// The blind rule for the trail (README, security): while a blind round of the
// project is OPEN, a caller whose role in the project is CODER reads none of
// its audit events (they hold every coder's submissions, so any view of them
// would show the others' work). The authorization table keeps coders out of
// the trail anyway; this holds for a server admin who is a coder of the
// project too, whom the table lets through. Reviewers and leads read it.
inline absl::Status CheckTrailVisible(const catalog::Catalog& catalog, const CallContext& caller,
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

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(catalog::Catalog& catalog, audit::AuditLog& log,
                   const coding::ChangeFeed& changes, const Authorizer& authorizer)
      : catalog_(catalog), log_(log), changes_(changes), authorizer_(authorizer) {}

  grpc::Status ListEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AuditService/ListEvents", request->project(),
                  response,
                  [&](const CallContext& caller) -> absl::StatusOr<v1::ListEventsResponse> {
                    ICR_RETURN_IF_ERROR(CheckTrailVisible(catalog_, caller, request->project()));
                    return catalog_.ListEvents(request->project(), request->page_size(),
                                               request->page_token());
                  });
  }

  grpc::Status GetSignedHead(grpc::ServerContext* context, const v1::GetSignedHeadRequest* request,
                             v1::GetSignedHeadResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AuditService/GetSignedHead", request->project(),
                  response, [&](const CallContext&) -> absl::StatusOr<v1::GetSignedHeadResponse> {
                    ICR_RETURN_IF_ERROR(CheckChain(request->project()));
                    v1::GetSignedHeadResponse out;
                    ICR_ASSIGN_OR_RETURN(*out.mutable_head(), log_.SignedHead(request->project()));
                    return out;
                  });
  }

  grpc::Status GetInclusionProof(grpc::ServerContext* context,
                                 const v1::GetInclusionProofRequest* request,
                                 v1::GetInclusionProofResponse* response) override {
    return Handle(
        authorizer_, context, "/icr.v1.AuditService/GetInclusionProof", request->project(),
        response, [&](const CallContext&) -> absl::StatusOr<v1::GetInclusionProofResponse> {
          ICR_RETURN_IF_ERROR(CheckChain(request->project()));
          return log_.InclusionProof(request->project(), request->seq(), request->tree_size());
        });
  }

  grpc::Status GetConsistencyProof(grpc::ServerContext* context,
                                   const v1::GetConsistencyProofRequest* request,
                                   v1::GetConsistencyProofResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AuditService/GetConsistencyProof",
                  request->project(), response,
                  [&](const CallContext&) -> absl::StatusOr<v1::GetConsistencyProofResponse> {
                    ICR_RETURN_IF_ERROR(CheckChain(request->project()));
                    return log_.ConsistencyProof(request->project(), request->first_tree_size(),
                                                 request->second_tree_size());
                  });
  }

  grpc::Status GetPublicKey(grpc::ServerContext* context, const v1::GetPublicKeyRequest* request,
                            v1::GetPublicKeyResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AuditService/GetPublicKey", "", response,
                  [&](const CallContext&) -> absl::StatusOr<v1::GetPublicKeyResponse> {
                    v1::GetPublicKeyResponse out;
                    out.set_public_key_pem(log_.key().public_key().Pem());
                    out.set_algorithm("Ed25519");
                    out.set_key_id(log_.key().public_key().KeyId());
                    return out;
                  });
  }

  // Every member may ask; the feed applies the blind rules to coders.
  grpc::Status ListChanges(grpc::ServerContext* context, const v1::ListChangesRequest* request,
                           v1::ListChangesResponse* response) override {
    return Handle(
        authorizer_, context, "/icr.v1.AuditService/ListChanges", request->project(), response,
        [&](const CallContext& caller) -> absl::StatusOr<v1::ListChangesResponse> {
          ICR_RETURN_IF_ERROR(CheckChain(request->project()));
          return changes_.List(
              coding::Caller{caller.actor, caller.role.value_or(v1::MEMBER_ROLE_UNSPECIFIED)},
              *request);
        });
  }

  // Streams the events the head covers in batches, then the head: the head
  // is signed first, so events committed during the export are not sent.
  grpc::Status ExportAudit(grpc::ServerContext* context, const v1::ExportAuditRequest* request,
                           grpc::ServerWriter<v1::ExportAuditResponse>* writer) override {
    absl::StatusOr<CallContext> caller =
        authorizer_.Check(*context, "/icr.v1.AuditService/ExportAudit", request->project());
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

 private:
  // NOT_FOUND for a project that does not exist (a server admin passes the
  // table for any name); the server chain is always there.
  absl::Status CheckChain(const std::string& project) const {
    if (project == storage::kServerChain) return absl::OkStatus();
    if (project.empty()) return absl::InvalidArgumentError("project: required");
    ICR_ASSIGN_OR_RETURN(std::optional<v1::Project> found, catalog_.GetProject(project));
    if (!found.has_value()) return absl::NotFoundError(absl::StrCat("project ", project));
    return absl::OkStatus();
  }

  catalog::Catalog& catalog_;
  audit::AuditLog& log_;
  const coding::ChangeFeed& changes_;
  const Authorizer& authorizer_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_AUDIT_SERVICE_H_
