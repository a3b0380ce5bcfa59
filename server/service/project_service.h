#ifndef ICR_SERVER_SERVICE_PROJECT_SERVICE_H_
#define ICR_SERVER_SERVICE_PROJECT_SERVICE_H_

// ProjectService: projects, members, codebook, documents, rounds. Synchronous gRPC API: gRPC runs
// handlers on its own bounded thread pool, so a handler waiting for a synced write blocks no event
// loop (DESIGN §6). Each handler is thin: authorize, call the domain, map errors.

#include "icr/v1/project.grpc.pb.h"
#include "server/catalog/catalog.h"
#include "server/service/authorizer.h"

namespace icr::service {

class ProjectServiceImpl final : public v1::ProjectService::Service {
 public:
  ProjectServiceImpl(catalog::Catalog& catalog, const Authorizer& authorizer)
      : catalog_(catalog), authorizer_(authorizer) {}

  grpc::Status CreateProject(grpc::ServerContext* context, const v1::CreateProjectRequest* request,
                             v1::CreateProjectResponse* response) override;

  grpc::Status GetProject(grpc::ServerContext* context, const v1::GetProjectRequest* request,
                          v1::GetProjectResponse* response) override;

  grpc::Status ListProjects(grpc::ServerContext* context, const v1::ListProjectsRequest* request,
                            v1::ListProjectsResponse* response) override;

  grpc::Status AddMember(grpc::ServerContext* context, const v1::AddMemberRequest* request,
                         v1::AddMemberResponse* response) override;

  grpc::Status ListMembers(grpc::ServerContext* context, const v1::ListMembersRequest* request,
                           v1::ListMembersResponse* response) override;

  grpc::Status CreateCode(grpc::ServerContext* context, const v1::CreateCodeRequest* request,
                          v1::CreateCodeResponse* response) override;

  grpc::Status UpdateCode(grpc::ServerContext* context, const v1::UpdateCodeRequest* request,
                          v1::UpdateCodeResponse* response) override;

  grpc::Status MergeCode(grpc::ServerContext* context, const v1::MergeCodeRequest* request,
                         v1::MergeCodeResponse* response) override;

  grpc::Status ListCodes(grpc::ServerContext* context, const v1::ListCodesRequest* request,
                         v1::ListCodesResponse* response) override;

  grpc::Status CreateDomain(grpc::ServerContext* context, const v1::CreateDomainRequest* request,
                            v1::CreateDomainResponse* response) override;

  grpc::Status ListDomains(grpc::ServerContext* context, const v1::ListDomainsRequest* request,
                           v1::ListDomainsResponse* response) override;

  grpc::Status CreateDocument(grpc::ServerContext* context,
                              const v1::CreateDocumentRequest* request,
                              v1::CreateDocumentResponse* response) override;

  grpc::Status GetDocument(grpc::ServerContext* context, const v1::GetDocumentRequest* request,
                           v1::GetDocumentResponse* response) override;

  grpc::Status ListDocuments(grpc::ServerContext* context, const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override;

  grpc::Status CreateRound(grpc::ServerContext* context, const v1::CreateRoundRequest* request,
                           v1::CreateRoundResponse* response) override;

  grpc::Status GetRound(grpc::ServerContext* context, const v1::GetRoundRequest* request,
                        v1::GetRoundResponse* response) override;

  grpc::Status ListRounds(grpc::ServerContext* context, const v1::ListRoundsRequest* request,
                          v1::ListRoundsResponse* response) override;

  grpc::Status AdvanceRound(grpc::ServerContext* context, const v1::AdvanceRoundRequest* request,
                            v1::AdvanceRoundResponse* response) override;

 private:
  catalog::Catalog& catalog_;
  const Authorizer& authorizer_;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_PROJECT_SERVICE_H_
