#ifndef ICR_SERVER_SERVICE_AUDIT_SERVICE_H_
#define ICR_SERVER_SERVICE_AUDIT_SERVICE_H_

// AuditService: the audit trail (DESIGN §5). Synchronous gRPC API: gRPC runs handlers on its
// own bounded thread pool, so a handler waiting for a synced write blocks no
// event loop (DESIGN §6). Each handler is thin: authorize, call the domain,
// map errors.

#include "icr/v1/audit.grpc.pb.h"
#include "server/catalog/catalog.h"
#include "server/common/status_macros.h"
#include "server/service/authorizer.h"
#include "server/service/handler.h"

namespace icr::service {

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(catalog::Catalog& catalog, const Authorizer& authorizer)
      : catalog_(catalog), authorizer_(authorizer) {}

  grpc::Status ListEvents(grpc::ServerContext* context, const v1::ListEventsRequest* request,
                          v1::ListEventsResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.AuditService/ListEvents", request->project(),
                  response, [&](const CallContext&) {
                    return catalog_.ListEvents(request->project(), request->page_size(),
                                               request->page_token());
                  });
  }

 private:
  catalog::Catalog& catalog_;
  const Authorizer& authorizer_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_AUDIT_SERVICE_H_
