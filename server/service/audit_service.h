#ifndef ICR_SERVER_SERVICE_AUDIT_SERVICE_H_
#define ICR_SERVER_SERVICE_AUDIT_SERVICE_H_

// AuditService: the audit trail and its verifiable log (DESIGN §5).
// Synchronous gRPC API: gRPC runs handlers on its own bounded thread pool, so
// a handler waiting for a synced write blocks no event loop (DESIGN §6). Each
// handler is thin: authorize, call the domain (catalog::Catalog for events,
// audit::AuditLog for heads and proofs, coding::ChangeFeed for changes), map
// errors.

#include <string>

#include "grpcpp/support/sync_stream.h"
#include "icr/v1/audit.grpc.pb.h"
#include "server/audit/audit_log.h"
#include "server/catalog/catalog.h"
#include "server/coding/changes.h"
#include "server/service/authorizer.h"

namespace icr::service {

// The blind rule for the trail (README, security): while a blind round of the
// project is OPEN, a caller whose role in the project is CODER reads none of
// its audit events (they hold every coder's submissions, so any view of them
// would show the others' work). The authorization table keeps coders out of
// the trail anyway; this holds for a server admin who is a coder of the
// project too, whom the table lets through. Reviewers and leads read it.
absl::Status CheckTrailVisible(const catalog::Catalog& catalog, const common::Caller& caller,
                               const std::string& project);

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(catalog::Catalog& catalog, audit::AuditLog& log,
                   const coding::ChangeFeed& changes, const Authorizer& authorizer)
      : catalog_(catalog), log_(log), changes_(changes), authorizer_(authorizer) {}

  grpc::Status ListEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override;

  grpc::Status GetSignedHead(grpc::ServerContext* context, const v1::GetSignedHeadRequest* request,
                             v1::GetSignedHeadResponse* response) override;

  grpc::Status GetInclusionProof(grpc::ServerContext* context,
                                 const v1::GetInclusionProofRequest* request,
                                 v1::GetInclusionProofResponse* response) override;

  grpc::Status GetConsistencyProof(grpc::ServerContext* context,
                                   const v1::GetConsistencyProofRequest* request,
                                   v1::GetConsistencyProofResponse* response) override;

  grpc::Status GetPublicKey(grpc::ServerContext* context, const v1::GetPublicKeyRequest* request,
                            v1::GetPublicKeyResponse* response) override;

  // Every member may ask; the feed applies the blind rules to coders.
  grpc::Status ListChanges(grpc::ServerContext* context, const v1::ListChangesRequest* request,
                           v1::ListChangesResponse* response) override;

  // Streams the events the head covers in batches, then the head: the head
  // is signed first, so events committed during the export are not sent.
  grpc::Status ExportAudit(grpc::ServerContext* context, const v1::ExportAuditRequest* request,
                           grpc::ServerWriter<v1::ExportAuditResponse>* writer) override;

 private:
  // NOT_FOUND for a project that does not exist (a server admin passes the
  // table for any name); the server chain is always there.
  absl::Status CheckChain(const std::string& project) const;

  catalog::Catalog& catalog_;
  audit::AuditLog& log_;
  const coding::ChangeFeed& changes_;
  const Authorizer& authorizer_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_AUDIT_SERVICE_H_
