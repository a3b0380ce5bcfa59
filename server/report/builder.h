#ifndef ICR_SERVER_REPORT_BUILDER_H_
#define ICR_SERVER_REPORT_BUILDER_H_

// Gathers a project's ReportData on the server: members, codebook, rounds
// from the catalog; codebook revisions, round dates and who coded what from
// the audit trail's events; and a freshly signed head whose events are
// exactly the ones read, so every line of the report is tied to that head.

#include <string>

#include "absl/status/statusor.h"
#include "server/audit/audit_log.h"
#include "server/catalog/catalog.h"
#include "server/report/report.h"

namespace icr::report {

struct BuildOptions {
  std::string project;
  // Empty: every round; else only this one (NOT_FOUND when it does not exist).
  std::string round;
};

absl::StatusOr<ReportData> BuildReport(const catalog::Catalog& catalog, audit::AuditLog& log,
                                       const BuildOptions& options);

}  // namespace icr::report

#endif  // ICR_SERVER_REPORT_BUILDER_H_
