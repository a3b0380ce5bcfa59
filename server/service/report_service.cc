#include "server/service/report_service.h"

#include <string>
#include <utility>

#include "server/audit/hash.h"
#include "server/common/methods.h"
#include "server/common/status_macros.h"
#include "server/report/agreement_section.h"
#include "server/report/builder.h"
#include "server/report/report.h"
#include "server/service/audit_service.h"
#include "server/service/handler.h"

namespace icr::service {

grpc::Status ReportServiceImpl::GetReport(grpc::ServerContext* context,
                                          const v1::GetReportRequest* request,
                                          v1::GetReportResponse* response) {
  return Handle(authorizer_, context, rpc::report::kGetReport, request->project(), response,
                [&](const common::Caller& caller) -> absl::StatusOr<v1::GetReportResponse> {
                  if (request->format() == v1::REPORT_FORMAT_UNSPECIFIED) {
                    return absl::InvalidArgumentError(
                        "format: one of MARKDOWN, HTML, JSON, LATEX, CSV is required");
                  }
                  report::SectionOptions section_options;
                  section_options.coefficients.assign(request->coefficients().begin(),
                                                      request->coefficients().end());
                  if (!request->interval().empty()) section_options.interval = request->interval();
                  if (request->bootstrap() != 0) section_options.bootstrap = request->bootstrap();
                  section_options.seed = request->seed();
                  ICR_RETURN_IF_ERROR(report::ValidateSectionOptions(section_options));
                  // The report is read from the trail: the trail's blind rule holds.
                  ICR_RETURN_IF_ERROR(CheckTrailVisible(catalog_, caller, request->project()));
                  report::BuildOptions options;
                  options.project = request->project();
                  options.round = request->round();
                  ICR_ASSIGN_OR_RETURN(report::ReportData data,
                                       report::BuildReport(catalog_, log_, options));
                  // Agreement per round, as the caller may see it (the blind rules
                  // leave a round out while it is not for this caller yet).
                  for (const report::Round& round : data.rounds) {
                    absl::StatusOr<report::RoundAgreement> section = report::AgreementSection(
                        live_, caller, request->project(), round.id, section_options);
                    if (section.ok()) {
                      data.agreement[round.id] = *std::move(section);
                    } else if (section.status().code() != absl::StatusCode::kPermissionDenied &&
                               section.status().code() != absl::StatusCode::kFailedPrecondition) {
                      return section.status();
                    }
                  }
                  v1::GetReportResponse out;
                  switch (request->format()) {
                    case v1::MARKDOWN:
                      out.set_content(report::RenderMarkdown(data));
                      out.set_content_type("text/markdown");
                      break;
                    case v1::HTML:
                      out.set_content(report::RenderHtml(data));
                      out.set_content_type("text/html");
                      break;
                    case v1::JSON:
                      out.set_content(report::RenderJson(data));
                      out.set_content_type("application/json");
                      break;
                    case v1::LATEX:
                      out.set_content(report::RenderLatex(data));
                      out.set_content_type("application/x-latex");
                      break;
                    case v1::CSV:
                      out.set_content(report::RenderCsv(data));
                      out.set_content_type("text/csv");
                      break;
                    default:
                      return absl::InvalidArgumentError("format: not a known format");
                  }
                  auto* head = out.mutable_head();
                  head->set_format("icr.tree_head.v1");
                  head->set_project(data.head.project);
                  head->set_tree_size(data.head.tree_size);
                  head->set_timestamp_ms(data.head.timestamp_ms);
                  head->set_key_id(data.head.key_id);
                  std::string root, signature;
                  audit::HexDecode(data.head.root_hash_hex, &root);
                  audit::HexDecode(data.head.signature_hex, &signature);
                  head->set_root_hash(root);
                  head->set_signature(signature);
                  return out;
                });
}

}  // namespace icr::service
