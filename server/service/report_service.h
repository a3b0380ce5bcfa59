#ifndef ICR_SERVER_SERVICE_REPORT_SERVICE_H_
#define ICR_SERVER_SERVICE_REPORT_SERVICE_H_

// ReportService: the trustworthiness report (DESIGN §5). Thin: authorize,
// gather the data (report::BuildReport), render it in the asked format.

#include "icr/v1/report.grpc.pb.h"
#include "server/audit/audit_log.h"
#include "server/catalog/catalog.h"
#include "server/live/live_agreement.h"
#include "server/service/authorizer.h"

namespace icr::service {

class ReportServiceImpl final : public v1::ReportService::Service {
 public:
  ReportServiceImpl(const catalog::Catalog& catalog, audit::AuditLog& log,
                    live::LiveAgreement& live, const Authorizer& authorizer)
      : catalog_(catalog), log_(log), live_(live), authorizer_(authorizer) {}

  grpc::Status GetReport(grpc::ServerContext* context, const v1::GetReportRequest* request,
                         v1::GetReportResponse* response) override;

 private:
  const catalog::Catalog& catalog_;
  audit::AuditLog& log_;
  live::LiveAgreement& live_;
  const Authorizer& authorizer_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_REPORT_SERVICE_H_
