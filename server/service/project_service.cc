#include "server/service/project_service.h"

#include <optional>
#include <utility>

#include "server/common/methods.h"
#include "server/common/status_macros.h"
#include "server/service/handler.h"

namespace icr::service {

grpc::Status ProjectServiceImpl::CreateProject(grpc::ServerContext* context,
                                               const v1::CreateProjectRequest* request,
                                               v1::CreateProjectResponse* response) {
  return Handle(authorizer_, context, rpc::project::kCreateProject, "", response,
                [&](const common::Caller& c) { return catalog_.CreateProject(c, *request); });
}

grpc::Status ProjectServiceImpl::GetProject(grpc::ServerContext* context,
                                            const v1::GetProjectRequest* request,
                                            v1::GetProjectResponse* response) {
  return Handle(authorizer_, context, rpc::project::kGetProject, request->project(), response,
                [&](const common::Caller&) -> absl::StatusOr<v1::GetProjectResponse> {
                  ICR_ASSIGN_OR_RETURN(std::optional<v1::Project> project,
                                       catalog_.GetProject(request->project()));
                  if (!project) return absl::NotFoundError("project " + request->project());
                  v1::GetProjectResponse answer;
                  *answer.mutable_project() = *std::move(project);
                  return answer;
                });
}

grpc::Status ProjectServiceImpl::ListProjects(grpc::ServerContext* context,
                                              const v1::ListProjectsRequest* request,
                                              v1::ListProjectsResponse* response) {
  return Handle(authorizer_, context, rpc::project::kListProjects, "", response,
                [&](const common::Caller& c) { return catalog_.ListProjects(c, *request); });
}

grpc::Status ProjectServiceImpl::AddMember(grpc::ServerContext* context,
                                           const v1::AddMemberRequest* request,
                                           v1::AddMemberResponse* response) {
  return Handle(authorizer_, context, rpc::project::kAddMember, request->project(), response,
                [&](const common::Caller& c) { return catalog_.AddMember(c, *request); });
}

grpc::Status ProjectServiceImpl::ListMembers(grpc::ServerContext* context,
                                             const v1::ListMembersRequest* request,
                                             v1::ListMembersResponse* response) {
  return Handle(authorizer_, context, rpc::project::kListMembers, request->project(), response,
                [&](const common::Caller& c) { return catalog_.ListMembers(*request); });
}

grpc::Status ProjectServiceImpl::CreateCode(grpc::ServerContext* context,
                                            const v1::CreateCodeRequest* request,
                                            v1::CreateCodeResponse* response) {
  return Handle(authorizer_, context, rpc::project::kCreateCode, request->project(), response,
                [&](const common::Caller& c) { return catalog_.CreateCode(c, *request); });
}

grpc::Status ProjectServiceImpl::UpdateCode(grpc::ServerContext* context,
                                            const v1::UpdateCodeRequest* request,
                                            v1::UpdateCodeResponse* response) {
  return Handle(authorizer_, context, rpc::project::kUpdateCode, request->project(), response,
                [&](const common::Caller& c) { return catalog_.UpdateCode(c, *request); });
}

grpc::Status ProjectServiceImpl::MergeCode(grpc::ServerContext* context,
                                           const v1::MergeCodeRequest* request,
                                           v1::MergeCodeResponse* response) {
  return Handle(authorizer_, context, rpc::project::kMergeCode, request->project(), response,
                [&](const common::Caller& c) { return catalog_.MergeCode(c, *request); });
}

grpc::Status ProjectServiceImpl::ListCodes(grpc::ServerContext* context,
                                           const v1::ListCodesRequest* request,
                                           v1::ListCodesResponse* response) {
  return Handle(authorizer_, context, rpc::project::kListCodes, request->project(), response,
                [&](const common::Caller& c) { return catalog_.ListCodes(*request); });
}

grpc::Status ProjectServiceImpl::CreateDomain(grpc::ServerContext* context,
                                              const v1::CreateDomainRequest* request,
                                              v1::CreateDomainResponse* response) {
  return Handle(authorizer_, context, rpc::project::kCreateDomain, request->project(), response,
                [&](const common::Caller& c) { return catalog_.CreateDomain(c, *request); });
}

grpc::Status ProjectServiceImpl::ListDomains(grpc::ServerContext* context,
                                             const v1::ListDomainsRequest* request,
                                             v1::ListDomainsResponse* response) {
  return Handle(authorizer_, context, rpc::project::kListDomains, request->project(), response,
                [&](const common::Caller& c) { return catalog_.ListDomains(*request); });
}

grpc::Status ProjectServiceImpl::CreateDocument(grpc::ServerContext* context,
                                                const v1::CreateDocumentRequest* request,
                                                v1::CreateDocumentResponse* response) {
  return Handle(authorizer_, context, rpc::project::kCreateDocument, request->project(), response,
                [&](const common::Caller& c) { return catalog_.CreateDocument(c, *request); });
}

grpc::Status ProjectServiceImpl::GetDocument(grpc::ServerContext* context,
                                             const v1::GetDocumentRequest* request,
                                             v1::GetDocumentResponse* response) {
  return Handle(authorizer_, context, rpc::project::kGetDocument, request->project(), response,
                [&](const common::Caller& c) { return catalog_.GetDocument(*request); });
}

grpc::Status ProjectServiceImpl::ListDocuments(grpc::ServerContext* context,
                                               const v1::ListDocumentsRequest* request,
                                               v1::ListDocumentsResponse* response) {
  return Handle(authorizer_, context, rpc::project::kListDocuments, request->project(), response,
                [&](const common::Caller& c) { return catalog_.ListDocuments(*request); });
}

grpc::Status ProjectServiceImpl::CreateRound(grpc::ServerContext* context,
                                             const v1::CreateRoundRequest* request,
                                             v1::CreateRoundResponse* response) {
  return Handle(authorizer_, context, rpc::project::kCreateRound, request->project(), response,
                [&](const common::Caller& c) { return catalog_.CreateRound(c, *request); });
}

grpc::Status ProjectServiceImpl::GetRound(grpc::ServerContext* context,
                                          const v1::GetRoundRequest* request,
                                          v1::GetRoundResponse* response) {
  return Handle(authorizer_, context, rpc::project::kGetRound, request->project(), response,
                [&](const common::Caller& c) { return catalog_.GetRound(*request); });
}

grpc::Status ProjectServiceImpl::ListRounds(grpc::ServerContext* context,
                                            const v1::ListRoundsRequest* request,
                                            v1::ListRoundsResponse* response) {
  return Handle(authorizer_, context, rpc::project::kListRounds, request->project(), response,
                [&](const common::Caller& c) { return catalog_.ListRounds(*request); });
}

grpc::Status ProjectServiceImpl::AdvanceRound(grpc::ServerContext* context,
                                              const v1::AdvanceRoundRequest* request,
                                              v1::AdvanceRoundResponse* response) {
  return Handle(authorizer_, context, rpc::project::kAdvanceRound, request->project(), response,
                [&](const common::Caller& c) { return catalog_.AdvanceRound(c, *request); });
}

}  // namespace icr::service
