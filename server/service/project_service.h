#ifndef ICR_SERVER_SERVICE_PROJECT_SERVICE_H_
#define ICR_SERVER_SERVICE_PROJECT_SERVICE_H_

// ProjectService: projects, members, codebook, documents, rounds. Synchronous gRPC API: gRPC runs
// handlers on its own bounded thread pool, so a handler waiting for a synced write blocks no event
// loop (DESIGN §6). Each handler is thin: authorize, call the domain, map errors.

#include "icr/v1/project.grpc.pb.h"
#include "server/catalog/catalog.h"
#include "server/common/status_macros.h"
#include "server/service/authorizer.h"
#include "server/service/handler.h"

namespace icr::service {

class ProjectServiceImpl final : public v1::ProjectService::Service {
 public:
  ProjectServiceImpl(catalog::Catalog& catalog, const Authorizer& authorizer)
      : catalog_(catalog), authorizer_(authorizer) {}

  grpc::Status CreateProject(grpc::ServerContext* context, const v1::CreateProjectRequest* request,
                             v1::CreateProjectResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/CreateProject", "", response,
                  [&](const CallContext& c) { return catalog_.CreateProject(c.actor, *request); });
  }

  grpc::Status GetProject(grpc::ServerContext* context, const v1::GetProjectRequest* request,
                          v1::GetProjectResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/GetProject", request->project(),
                  response, [&](const CallContext&) -> absl::StatusOr<v1::GetProjectResponse> {
                    ICR_ASSIGN_OR_RETURN(std::optional<v1::Project> project,
                                         catalog_.GetProject(request->project()));
                    if (!project) return absl::NotFoundError("project " + request->project());
                    v1::GetProjectResponse answer;
                    *answer.mutable_project() = *std::move(project);
                    return answer;
                  });
  }

  grpc::Status ListProjects(grpc::ServerContext* context, const v1::ListProjectsRequest* request,
                            v1::ListProjectsResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/ListProjects", "", response,
                  [&](const CallContext& c) { return catalog_.ListProjects(c.actor, *request); });
  }

  grpc::Status AddMember(grpc::ServerContext* context, const v1::AddMemberRequest* request,
                         v1::AddMemberResponse* response) override {
    return Handle(
        authorizer_, context, "/icr.v1.ProjectService/AddMember", request->project(), response,
        [&](const CallContext& c) { return catalog_.AddMember(c.actor, *c.role, *request); });
  }

  grpc::Status ListMembers(grpc::ServerContext* context, const v1::ListMembersRequest* request,
                           v1::ListMembersResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/ListMembers", request->project(),
                  response, [&](const CallContext& c) { return catalog_.ListMembers(*request); });
  }

  grpc::Status CreateCode(grpc::ServerContext* context, const v1::CreateCodeRequest* request,
                          v1::CreateCodeResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/CreateCode", request->project(),
                  response,
                  [&](const CallContext& c) { return catalog_.CreateCode(c.actor, *request); });
  }

  grpc::Status UpdateCode(grpc::ServerContext* context, const v1::UpdateCodeRequest* request,
                          v1::UpdateCodeResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/UpdateCode", request->project(),
                  response,
                  [&](const CallContext& c) { return catalog_.UpdateCode(c.actor, *request); });
  }

  grpc::Status MergeCode(grpc::ServerContext* context, const v1::MergeCodeRequest* request,
                         v1::MergeCodeResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/MergeCode", request->project(),
                  response,
                  [&](const CallContext& c) { return catalog_.MergeCode(c.actor, *request); });
  }

  grpc::Status ListCodes(grpc::ServerContext* context, const v1::ListCodesRequest* request,
                         v1::ListCodesResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/ListCodes", request->project(),
                  response, [&](const CallContext& c) { return catalog_.ListCodes(*request); });
  }

  grpc::Status CreateDomain(grpc::ServerContext* context, const v1::CreateDomainRequest* request,
                            v1::CreateDomainResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/CreateDomain", request->project(),
                  response,
                  [&](const CallContext& c) { return catalog_.CreateDomain(c.actor, *request); });
  }

  grpc::Status ListDomains(grpc::ServerContext* context, const v1::ListDomainsRequest* request,
                           v1::ListDomainsResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/ListDomains", request->project(),
                  response, [&](const CallContext& c) { return catalog_.ListDomains(*request); });
  }

  grpc::Status CreateDocument(grpc::ServerContext* context,
                              const v1::CreateDocumentRequest* request,
                              v1::CreateDocumentResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/CreateDocument", request->project(),
                  response,
                  [&](const CallContext& c) { return catalog_.CreateDocument(c.actor, *request); });
  }

  grpc::Status GetDocument(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                           v1::GetDocumentResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/GetDocument", request->project(),
                  response, [&](const CallContext& c) { return catalog_.GetDocument(*request); });
  }

  grpc::Status ListDocuments(grpc::ServerContext* context, const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/ListDocuments", request->project(),
                  response, [&](const CallContext& c) { return catalog_.ListDocuments(*request); });
  }

  grpc::Status CreateRound(grpc::ServerContext* context, const v1::CreateRoundRequest* request,
                           v1::CreateRoundResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/CreateRound", request->project(),
                  response,
                  [&](const CallContext& c) { return catalog_.CreateRound(c.actor, *request); });
  }

  grpc::Status GetRound(grpc::ServerContext* context, const v1::GetRoundRequest* request,
                        v1::GetRoundResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/GetRound", request->project(),
                  response, [&](const CallContext& c) { return catalog_.GetRound(*request); });
  }

  grpc::Status ListRounds(grpc::ServerContext* context, const v1::ListRoundsRequest* request,
                          v1::ListRoundsResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/ListRounds", request->project(),
                  response, [&](const CallContext& c) { return catalog_.ListRounds(*request); });
  }

  grpc::Status AdvanceRound(grpc::ServerContext* context, const v1::AdvanceRoundRequest* request,
                            v1::AdvanceRoundResponse* response) override {
    return Handle(authorizer_, context, "/icr.v1.ProjectService/AdvanceRound", request->project(),
                  response,
                  [&](const CallContext& c) { return catalog_.AdvanceRound(c.actor, *request); });
  }

 private:
  catalog::Catalog& catalog_;
  const Authorizer& authorizer_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_PROJECT_SERVICE_H_
