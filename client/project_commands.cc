#include <memory>

#include "client/catalog_command_support.h"

namespace icr::client::catalog {

namespace {

using google::protobuf::RepeatedPtrField;

// A lower-case CLI word -> member role.
const std::map<std::string, v1::MemberRole> kRoles = {
    {"owner", v1::OWNER}, {"lead", v1::LEAD}, {"coder", v1::CODER}, {"reviewer", v1::REVIEWER}};

Rows ProjectRows(const RepeatedPtrField<v1::Project>& projects) {
  Rows rows = {{"project", "title", "blind_by_default", "codebook_revision", "created"}};
  for (const v1::Project& p : projects) {
    rows.push_back({p.id(), p.title(), p.blind_by_default() ? "yes" : "no",
                    std::to_string(p.codebook_revision()), FormatTime(p.create_time())});
  }
  return rows;
}

}  // namespace

void AddProjectCommands(CLI::App& app, const Context& ctx) {
  CLI::App* project = app.add_subcommand("project", "projects");
  project->require_subcommand(1);

  auto create = std::make_shared<v1::CreateProjectRequest>();
  auto id = std::make_shared<std::string>();
  auto title = std::make_shared<std::string>();
  auto description = std::make_shared<std::string>();
  auto blind = std::make_shared<bool>(false);
  CLI::App* c = project->add_subcommand("create", "create a project; you become its owner");
  c->add_option("PROJECT", *id, "project id ([a-z0-9_-])")->required();
  c->add_option("--title", *title, "title")->required();
  c->add_option("--description", *description, "description");
  c->add_flag("--blind", *blind, "rounds are blind by default");
  c->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::CreateProjectRequest request;
      request.set_id(*id);
      request.set_title(*title);
      request.set_description(*description);
      request.set_blind_by_default(*blind);
      request.set_request_id(NewRequestId());
      return CallAndPrint(ctx, connection, &v1::ProjectService::Stub::CreateProject,
                          connection.project(), request,
                          [](const auto& r) { return ProjectRows(One(r.project())); });
    });
  });

  auto pages = std::make_shared<PageFlags>();
  CLI::App* l = project->add_subcommand("list", "list the projects you are a member of");
  pages->AddTo(l);
  l->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      return ListAndPrint(
          ctx, connection, &v1::ProjectService::Stub::ListProjects, connection.project(), *pages,
          v1::ListProjectsRequest(),
          [](const v1::ListProjectsResponse& r) { return ProjectRows(r.projects()); });
    });
  });

  auto show_id = std::make_shared<std::string>();
  CLI::App* s = project->add_subcommand("show", "show a project");
  s->add_option("PROJECT", *show_id, "project id")->required();
  s->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::GetProjectRequest request;
      request.set_project(*show_id);
      return CallAndPrint(ctx, connection, &v1::ProjectService::Stub::GetProject,
                          connection.project(), request,
                          [](const auto& r) { return ProjectRows(One(r.project())); });
    });
  });

  CLI::App* member = app.add_subcommand("member", "project members and their roles");
  member->require_subcommand(1);
  auto m_project = std::make_shared<std::string>();
  auto m_user = std::make_shared<std::string>();
  auto m_role = std::make_shared<std::string>();
  CLI::App* a = member->add_subcommand("add", "add USER to PROJECT with a role (or change it)");
  a->add_option("PROJECT", *m_project, "project id")->required();
  a->add_option("USER", *m_user, "user id")->required();
  a->add_option("--role", *m_role, "owner, lead, coder or reviewer")
      ->required()
      ->check(CLI::IsMember(Keys(kRoles), CLI::ignore_case));
  a->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::AddMemberRequest request;
      request.set_project(*m_project);
      request.set_user(*m_user);
      request.set_role(kRoles.at(Lower(*m_role)));
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::ProjectService::Stub::AddMember, connection.project(), request);
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"project", "user", "role"},
             {response->member().project(), response->member().user(),
              v1::MemberRole_Name(response->member().role())}});
      return absl::OkStatus();
    });
  });

  AddProjectListCommand(*member, ctx, "list a project's members",
                        &v1::ProjectService::Stub::ListMembers,
                        [](const v1::ListMembersResponse& r) {
                          Rows rows = {{"user", "role"}};
                          for (const v1::Member& m : r.members()) {
                            rows.push_back({m.user(), v1::MemberRole_Name(m.role())});
                          }
                          return rows;
                        });
}

}  // namespace icr::client::catalog
