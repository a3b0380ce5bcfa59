#include "client/refi/import_apply.h"

#include "absl/strings/str_cat.h"
#include "icr/v1/coding.grpc.pb.h"
#include "icr/v1/project.grpc.pb.h"

namespace icr::client {

absl::StatusOr<CodebookCounts> ApplyCodebook(Connection& c, const std::string& project,
                                             const CodebookPlan& plan) {
  CodebookCounts counts;
  counts.unchanged = plan.unchanged;
  for (const CodebookPlan::Step& step : plan.steps) {
    if (step.create) {
      v1::CreateCodeRequest request;
      request.set_project(project);
      *request.mutable_code() = step.code;
      request.set_request_id(step.request_id);
      auto response = c.Call(&v1::ProjectService::Stub::CreateCode, c.project(), request);
      if (!response.ok()) return response.status();
      ++counts.created;
    } else {
      v1::UpdateCodeRequest request;
      request.set_project(project);
      *request.mutable_code() = step.code;
      for (const std::string& field : step.mask) request.add_update_mask(field);
      request.set_request_id(step.request_id);
      auto response = c.Call(&v1::ProjectService::Stub::UpdateCode, c.project(), request);
      if (!response.ok()) return response.status();
      ++counts.updated;
    }
  }
  return counts;
}

absl::StatusOr<QdpxImportCounts> ApplyQdpxImport(Connection& c, const std::string& project,
                                                 const QdpxImportPlan& plan) {
  QdpxImportCounts counts;
  absl::StatusOr<CodebookCounts> codes = ApplyCodebook(c, project, plan.codebook);
  if (!codes.ok()) return codes.status();
  counts.codes = *codes;
  for (const v1::CreateDocumentRequest& request : plan.new_documents) {
    auto response = c.Call(&v1::ProjectService::Stub::CreateDocument, c.project(), request);
    if (!response.ok()) return response.status();
  }
  if (plan.new_round) {
    auto response = c.Call(&v1::ProjectService::Stub::CreateRound, c.project(), *plan.new_round);
    if (!response.ok()) return response.status();
  }
  for (const CoderImport& coder : plan.coders) {
    for (const v1::SubmitCodingsRequest& request : coder.batches) {
      auto response = c.Call(&v1::CodingService::Stub::SubmitCodings, c.coding(), request);
      if (!response.ok()) {
        absl::Status error(response.status().code(),
                           absl::StrCat(response.status().message(), " (batch ", counts.batches + 1,
                                        " of ", coder.coder,
                                        "'s codings; the batches before it are stored, and "
                                        "re-running the import completes it)"));
        response.status().ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
          error.SetPayload(url, payload);
        });
        return error;
      }
      ++counts.batches;
    }
  }
  for (const CoderImport& coder : plan.coders) {
    for (const v1::SetDocumentProgressRequest& request : coder.done) {
      auto response = c.Call(&v1::CodingService::Stub::SetDocumentProgress, c.coding(), request);
      if (!response.ok()) return response.status();
    }
  }
  return counts;
}

}  // namespace icr::client
