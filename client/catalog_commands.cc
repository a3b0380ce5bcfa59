#include "client/catalog_commands.h"

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "client/command.h"
#include "client/output.h"
#include "client/progress_commands.h"
#include "nlohmann/json.hpp"

namespace icr::client {
namespace {

using google::protobuf::RepeatedPtrField;

// Maps a lower-case CLI word to an enum value, for CLI::IsMember checks.
const std::map<std::string, v1::MemberRole> kRoles = {
    {"owner", v1::OWNER}, {"lead", v1::LEAD}, {"coder", v1::CODER}, {"reviewer", v1::REVIEWER}};
const std::map<std::string, v1::MeasurementLevel> kLevels = {{"nominal", v1::NOMINAL},
                                                             {"ordinal", v1::ORDINAL},
                                                             {"interval", v1::INTERVAL},
                                                             {"ratio", v1::RATIO}};
const std::map<std::string, v1::Segmentation> kSegmentations = {
    {"none", v1::SEGMENT_NONE}, {"paragraph", v1::SEGMENT_PARAGRAPH}, {"line", v1::SEGMENT_LINE}};
const std::map<std::string, v1::OffsetUnit> kUnits = {
    {"code_points", v1::CODE_POINTS}, {"utf16", v1::UTF16_UNITS}, {"bytes", v1::UTF8_BYTES}};

template <typename Enum>
std::vector<std::string> Keys(const std::map<std::string, Enum>& map) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : map) keys.push_back(key);
  return keys;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A command's registration context.
struct Context {
  GlobalOptions& globals;
  int* exit_code;
  void Run(const std::function<absl::Status(Connection&)>& body) const {
    RunRemote(globals, exit_code, body);
  }
};

// --- users ---------------------------------------------------------------

void AddUserCommands(CLI::App& app, const Context& ctx) {
  CLI::App* user = app.add_subcommand("user", "users and tokens (server admin)");
  user->require_subcommand(1);

  struct Create {
    std::string id, display_name;
    bool admin = false;
  };
  auto create = std::make_shared<Create>();
  CLI::App* c = user->add_subcommand("create", "create a user; prints its token once");
  c->add_option("NAME", create->id, "user id ([a-z0-9_-])")->required();
  c->add_option("--display_name", create->display_name, "name shown to people");
  c->add_flag("--admin", create->admin, "give the server ADMIN role");
  c->callback([create, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::CreateUserRequest request;
      request.set_id(create->id);
      request.set_display_name(create->display_name);
      request.set_role(create->admin ? v1::ADMIN : v1::USER);
      request.set_request_id(NewRequestId());
      auto response = connection.Call(&v1::AdminService::Stub::CreateUser, connection.admin(), request);
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"user", "role", "token"},
             {response->user().id(), v1::ServerRole_Name(response->user().role()),
              response->token()}});
      if (ctx.globals.output == OutputFormat::kTable) {
        std::cout << "The token is shown only now; the server keeps only its hash.\n";
      }
      return absl::OkStatus();
    });
  });

  auto pages = std::make_shared<PageFlags>();
  CLI::App* l = user->add_subcommand("list", "list users");
  pages->AddTo(l);
  l->callback([pages, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      auto response = ListPages<v1::ListUsersRequest, v1::ListUsersResponse>(
          *pages, {}, [&](const v1::ListUsersRequest& r) {
            return connection.Call(&v1::AdminService::Stub::ListUsers, connection.admin(), r);
          });
      if (!response.ok()) return response.status();
      Rows rows = {{"user", "display_name", "role", "created"}};
      for (const v1::User& u : response->users()) {
        rows.push_back({u.id(), u.display_name(), v1::ServerRole_Name(u.role()),
                        FormatTime(u.create_time())});
      }
      Print(ctx.globals, std::cout, *response, rows);
      return absl::OkStatus();
    });
  });

  struct TokenFlags {
    std::string user;
    int64_t ttl_seconds = 0;
  };
  auto token = std::make_shared<TokenFlags>();
  CLI::App* t = user->add_subcommand("token", "create another token for USER (or yourself)");
  t->add_option("USER", token->user, "user id (default: yourself)");
  t->add_option("--ttl", token->ttl_seconds, "seconds until the token expires (default: never)")
      ->check(CLI::NonNegativeNumber);
  t->callback([token, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::CreateTokenRequest request;
      request.set_user(token->user);
      if (request.user().empty()) {
        auto me = connection.Call(&v1::AdminService::Stub::GetCurrentUser, connection.admin(),
                                  v1::GetCurrentUserRequest());
        if (!me.ok()) return me.status();
        request.set_user(me->user().id());
      }
      request.set_ttl_seconds(token->ttl_seconds);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::AdminService::Stub::CreateToken, connection.admin(), request);
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"token", "token_id"}, {response->token(), response->info().token_id()}});
      return absl::OkStatus();
    });
  });

  auto tokens_user = std::make_shared<std::string>();
  CLI::App* tl = user->add_subcommand("tokens", "list USER's tokens (never their secrets)");
  tl->add_option("USER", *tokens_user, "user id (default: yourself)");
  tl->callback([tokens_user, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::ListTokensRequest request;
      request.set_user(*tokens_user);
      auto response =
          connection.Call(&v1::AdminService::Stub::ListTokens, connection.admin(), request);
      if (!response.ok()) return response.status();
      Rows rows = {{"token_id", "user", "created", "expires", "revoked"}};
      for (const v1::TokenInfo& info : response->tokens()) {
        rows.push_back({info.token_id(), info.user(), FormatTime(info.create_time()),
                        info.has_expire_time() ? FormatTime(info.expire_time()) : "never",
                        info.revoked() ? "yes" : "no"});
      }
      Print(ctx.globals, std::cout, *response, rows);
      return absl::OkStatus();
    });
  });

  auto revoke_id = std::make_shared<std::string>();
  CLI::App* rv = user->add_subcommand("revoke-token", "revoke a token by its token_id");
  rv->add_option("TOKEN_ID", *revoke_id, "as `icr user tokens` lists it")->required();
  rv->callback([revoke_id, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::RevokeTokenRequest request;
      request.set_token_id(*revoke_id);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::AdminService::Stub::RevokeToken, connection.admin(), request);
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"token_id", "user", "revoked"},
             {response->token().token_id(), response->token().user(), "yes"}});
      return absl::OkStatus();
    });
  });

  CLI::App* admin = app.add_subcommand("admin", "server administration");
  admin->require_subcommand(1);
  struct BackupFlags {
    std::string id;
    bool include_signing_key = false;
  };
  auto backup = std::make_shared<BackupFlags>();
  CLI::App* b = admin->add_subcommand(
      "backup",
      "consistent copy of the server's data in the server's --backup_dir; serve it with "
      "icr-server --data_dir DIR");
  b->add_option("ID", backup->id, "the backup's name: a new subdirectory of --backup_dir")
      ->required();
  b->add_flag("--include_signing_key", backup->include_signing_key,
              "copy the private audit signing key too (default: only the public key)");
  b->callback([backup, ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::BackupRequest request;
      request.set_backup_id(backup->id);
      request.set_include_signing_key(backup->include_signing_key);
      request.set_request_id(NewRequestId());
      auto response = connection.Call(&v1::AdminService::Stub::Backup, connection.admin(), request);
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"directory", "bytes", "signing_key_included"},
             {response->directory(), std::to_string(response->bytes()),
              response->signing_key_included() ? "yes" : "no"}});
      return absl::OkStatus();
    });
  });

  CLI::App* w = app.add_subcommand("whoami", "show the user the token belongs to");
  w->callback([ctx] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      auto response = connection.Call(&v1::AdminService::Stub::GetCurrentUser, connection.admin(),
                                      v1::GetCurrentUserRequest());
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response,
            {{"user", "display_name", "role", "token_from"},
             {response->user().id(), response->user().display_name(),
              v1::ServerRole_Name(response->user().role()), ctx.globals.token_source}});
      // JSON keeps the response's shape; the token's origin goes beside it.
      if (ctx.globals.output == OutputFormat::kJson) {
        std::cerr << "icr: token from " << ctx.globals.token_source << "\n";
      }
      return absl::OkStatus();
    });
  });
}

// --- projects and members ------------------------------------------------

Rows ProjectRows(const RepeatedPtrField<v1::Project>& projects) {
  Rows rows = {{"project", "title", "blind_by_default", "codebook_revision", "created"}};
  for (const v1::Project& p : projects) {
    rows.push_back({p.id(), p.title(), p.blind_by_default() ? "yes" : "no",
                    std::to_string(p.codebook_revision()), FormatTime(p.create_time())});
  }
  return rows;
}

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
      auto response =
          connection.Call(&v1::ProjectService::Stub::CreateProject, connection.project(), request);
      if (!response.ok()) return response.status();
      RepeatedPtrField<v1::Project> one;
      *one.Add() = response->project();
      Print(ctx.globals, std::cout, *response, ProjectRows(one));
      return absl::OkStatus();
    });
  });

  auto pages = std::make_shared<PageFlags>();
  CLI::App* l = project->add_subcommand("list", "list the projects you are a member of");
  pages->AddTo(l);
  l->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      auto response = ListPages<v1::ListProjectsRequest, v1::ListProjectsResponse>(
          *pages, {}, [&](const v1::ListProjectsRequest& r) {
            return connection.Call(&v1::ProjectService::Stub::ListProjects, connection.project(), r);
          });
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response, ProjectRows(response->projects()));
      return absl::OkStatus();
    });
  });

  auto show_id = std::make_shared<std::string>();
  CLI::App* s = project->add_subcommand("show", "show a project");
  s->add_option("PROJECT", *show_id, "project id")->required();
  s->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::GetProjectRequest request;
      request.set_project(*show_id);
      auto response =
          connection.Call(&v1::ProjectService::Stub::GetProject, connection.project(), request);
      if (!response.ok()) return response.status();
      RepeatedPtrField<v1::Project> one;
      *one.Add() = response->project();
      Print(ctx.globals, std::cout, *response, ProjectRows(one));
      return absl::OkStatus();
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

  auto ml_project = std::make_shared<std::string>();
  auto ml_pages = std::make_shared<PageFlags>();
  CLI::App* ml = member->add_subcommand("list", "list a project's members");
  ml->add_option("PROJECT", *ml_project, "project id")->required();
  ml_pages->AddTo(ml);
  ml->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::ListMembersRequest request;
      request.set_project(*ml_project);
      auto response = ListPages<v1::ListMembersRequest, v1::ListMembersResponse>(
          *ml_pages, request, [&](const v1::ListMembersRequest& r) {
            return connection.Call(&v1::ProjectService::Stub::ListMembers, connection.project(), r);
          });
      if (!response.ok()) return response.status();
      Rows rows = {{"user", "role"}};
      for (const v1::Member& m : response->members()) {
        rows.push_back({m.user(), v1::MemberRole_Name(m.role())});
      }
      Print(ctx.globals, std::cout, *response, rows);
      return absl::OkStatus();
    });
  });
}

// --- codebook --------------------------------------------------------------

Rows CodeRows(const RepeatedPtrField<v1::Code>& codes) {
  Rows rows = {{"code", "name", "parent", "value", "state", "revision", "definition"}};
  for (const v1::Code& c : codes) {
    rows.push_back({c.id(), c.name(), c.parent(), c.has_value() ? absl::StrCat(c.value()) : "",
                    c.state() == v1::CODE_MERGED ? "merged into " + c.merged_into() : "active",
                    std::to_string(c.revision()), c.definition()});
  }
  return rows;
}

struct CodeFlags {
  std::string project, id, name, definition, inclusion, exclusion, example, parent, etag;
  double value = 0;
  void AddTo(CLI::App* command, bool name_required) {
    command->add_option("PROJECT", project, "project id")->required();
    command->add_option("CODE", id, "code id ([a-z0-9_-])")->required();
    command->add_option("--name", name, "name")->required(name_required);
    command->add_option("--definition", definition, "definition");
    command->add_option("--inclusion", inclusion, "inclusion criteria");
    command->add_option("--exclusion", exclusion, "exclusion criteria");
    command->add_option("--example", example, "an example");
    command->add_option("--parent", parent, "parent code (a category or theme)");
    command->add_option("--value", value, "numeric value, for ordinal/interval/ratio domains");
  }
  v1::Code ToCode(const CLI::App* command) const {
    v1::Code code;
    code.set_id(id);
    code.set_name(name);
    code.set_definition(definition);
    code.set_inclusion_criteria(inclusion);
    code.set_exclusion_criteria(exclusion);
    code.set_example(example);
    code.set_parent(parent);
    if (command->count("--value") > 0) {
      code.set_has_value(true);
      code.set_value(value);
    }
    return code;
  }
};

void AddCodeCommands(CLI::App& app, const Context& ctx) {
  CLI::App* code = app.add_subcommand("code", "the codebook");
  code->require_subcommand(1);

  auto add = std::make_shared<CodeFlags>();
  CLI::App* a = code->add_subcommand("add", "add a code");
  add->AddTo(a, /*name_required=*/true);
  a->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::CreateCodeRequest request;
      request.set_project(add->project);
      *request.mutable_code() = add->ToCode(a);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::ProjectService::Stub::CreateCode, connection.project(), request);
      if (!response.ok()) return response.status();
      RepeatedPtrField<v1::Code> one;
      *one.Add() = response->code();
      Print(ctx.globals, std::cout, *response, CodeRows(one));
      return absl::OkStatus();
    });
  });

  auto edit = std::make_shared<CodeFlags>();
  CLI::App* e = code->add_subcommand("edit", "edit a code: only the flags given change");
  edit->AddTo(e, /*name_required=*/false);
  e->add_option("--etag", edit->etag, "fail (ABORTED) if the code changed since this etag");
  e->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::UpdateCodeRequest request;
      request.set_project(edit->project);
      *request.mutable_code() = edit->ToCode(e);
      const std::map<std::string, std::string> flag_to_field = {
          {"--name", "name"},
          {"--definition", "definition"},
          {"--inclusion", "inclusion_criteria"},
          {"--exclusion", "exclusion_criteria"},
          {"--example", "example"},
          {"--parent", "parent"},
          {"--value", "value"}};
      for (const auto& [flag, field] : flag_to_field) {
        if (e->count(flag) > 0) request.add_update_mask(field);
      }
      if (request.update_mask().empty()) {
        return absl::InvalidArgumentError("code edit: give at least one field to change");
      }
      request.set_etag(edit->etag);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::ProjectService::Stub::UpdateCode, connection.project(), request);
      if (!response.ok()) return response.status();
      RepeatedPtrField<v1::Code> one;
      *one.Add() = response->code();
      Print(ctx.globals, std::cout, *response, CodeRows(one));
      return absl::OkStatus();
    });
  });

  struct Merge {
    std::string project, from, into;
  };
  auto merge = std::make_shared<Merge>();
  CLI::App* m = code->add_subcommand("merge", "merge code FROM into code INTO");
  m->add_option("PROJECT", merge->project, "project id")->required();
  m->add_option("FROM", merge->from, "the code merged away")->required();
  m->add_option("INTO", merge->into, "the code that remains")->required();
  m->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::MergeCodeRequest request;
      request.set_project(merge->project);
      request.set_from_code(merge->from);
      request.set_into_code(merge->into);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::ProjectService::Stub::MergeCode, connection.project(), request);
      if (!response.ok()) return response.status();
      RepeatedPtrField<v1::Code> both;
      *both.Add() = response->from_code();
      *both.Add() = response->into_code();
      Print(ctx.globals, std::cout, *response, CodeRows(both));
      return absl::OkStatus();
    });
  });

  auto list_project = std::make_shared<std::string>();
  auto list_all = std::make_shared<bool>(false);
  auto pages = std::make_shared<PageFlags>();
  CLI::App* l = code->add_subcommand("list", "list the codebook");
  l->add_option("PROJECT", *list_project, "project id")->required();
  l->add_flag("--all", *list_all, "include merged codes");
  pages->AddTo(l);
  l->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::ListCodesRequest request;
      request.set_project(*list_project);
      request.set_include_merged(*list_all);
      auto response = ListPages<v1::ListCodesRequest, v1::ListCodesResponse>(
          *pages, request, [&](const v1::ListCodesRequest& r) {
            return connection.Call(&v1::ProjectService::Stub::ListCodes, connection.project(), r);
          });
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response, CodeRows(response->codes()));
      return absl::OkStatus();
    });
  });

  // Domains.
  CLI::App* domain = app.add_subcommand("domain", "domains: mutually exclusive code sets");
  domain->require_subcommand(1);
  struct DomainFlags {
    std::string project, id, name, level;
    std::vector<std::string> codes;
  };
  auto d = std::make_shared<DomainFlags>();
  CLI::App* dc = domain->add_subcommand("create", "create a domain");
  dc->add_option("PROJECT", d->project, "project id")->required();
  dc->add_option("DOMAIN", d->id, "domain id")->required();
  dc->add_option("--name", d->name, "name");
  dc->add_option("--level", d->level, "nominal, ordinal, interval or ratio")
      ->required()
      ->check(CLI::IsMember(Keys(kLevels), CLI::ignore_case));
  dc->add_option("--codes", d->codes, "codes, in scale order (A,B,C)")->required()->delimiter(',');
  dc->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::CreateDomainRequest request;
      request.set_project(d->project);
      request.mutable_domain()->set_id(d->id);
      request.mutable_domain()->set_name(d->name);
      request.mutable_domain()->set_level(kLevels.at(Lower(d->level)));
      for (const std::string& c : d->codes) request.mutable_domain()->add_codes(c);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::ProjectService::Stub::CreateDomain, connection.project(), request);
      if (!response.ok()) return response.status();
      const v1::Domain& r = response->domain();
      Print(ctx.globals, std::cout, *response,
            {{"domain", "name", "level", "codes"},
             {r.id(), r.name(), v1::MeasurementLevel_Name(r.level()), absl::StrJoin(r.codes(), ",")}});
      return absl::OkStatus();
    });
  });
  auto dl_project = std::make_shared<std::string>();
  auto dl_pages = std::make_shared<PageFlags>();
  CLI::App* dl = domain->add_subcommand("list", "list domains");
  dl->add_option("PROJECT", *dl_project, "project id")->required();
  dl_pages->AddTo(dl);
  dl->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::ListDomainsRequest request;
      request.set_project(*dl_project);
      auto response = ListPages<v1::ListDomainsRequest, v1::ListDomainsResponse>(
          *dl_pages, request, [&](const v1::ListDomainsRequest& r) {
            return connection.Call(&v1::ProjectService::Stub::ListDomains, connection.project(), r);
          });
      if (!response.ok()) return response.status();
      Rows rows = {{"domain", "name", "level", "codes"}};
      for (const v1::Domain& r : response->domains()) {
        rows.push_back({r.id(), r.name(), v1::MeasurementLevel_Name(r.level()),
                        absl::StrJoin(r.codes(), ",")});
      }
      Print(ctx.globals, std::cout, *response, rows);
      return absl::OkStatus();
    });
  });
}

// --- documents -------------------------------------------------------------

Rows DocumentRows(const RepeatedPtrField<v1::Document>& documents) {
  Rows rows = {{"document", "title", "code_points", "utf16_units", "bytes", "segments", "sha256"}};
  for (const v1::Document& d : documents) {
    rows.push_back({d.id(), d.title(), std::to_string(d.length_code_points()),
                    std::to_string(d.length_utf16_units()), std::to_string(d.length_bytes()),
                    std::to_string(d.segments_size()), d.sha256()});
  }
  return rows;
}

void AddDocumentCommands(CLI::App& app, const Context& ctx) {
  CLI::App* doc = app.add_subcommand("doc", "documents");
  doc->require_subcommand(1);

  struct AddFlags {
    std::string project, id, file, title, segment = "paragraph";
  };
  auto add = std::make_shared<AddFlags>();
  CLI::App* a = doc->add_subcommand("add", "add a UTF-8 text document from a file");
  a->add_option("PROJECT", add->project, "project id")->required();
  a->add_option("DOC", add->id, "document id")->required();
  a->add_option("--file", add->file, "UTF-8 text file")->required();
  a->add_option("--title", add->title, "title (default: the id)");
  a->add_option("--segment", add->segment, "units of analysis: paragraph (default), line or none")
      ->check(CLI::IsMember(Keys(kSegmentations)));
  a->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      absl::StatusOr<std::string> text = ReadTextFile(add->file);
      if (!text.ok()) return text.status();
      v1::CreateDocumentRequest request;
      request.set_project(add->project);
      request.set_id(add->id);
      request.set_title(add->title);
      request.set_text(*std::move(text));
      request.set_segmentation(kSegmentations.at(add->segment));
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::ProjectService::Stub::CreateDocument, connection.project(), request);
      if (!response.ok()) return response.status();
      RepeatedPtrField<v1::Document> one;
      *one.Add() = response->document();
      Print(ctx.globals, std::cout, *response, DocumentRows(one));
      return absl::OkStatus();
    });
  });

  auto list_project = std::make_shared<std::string>();
  auto pages = std::make_shared<PageFlags>();
  CLI::App* l = doc->add_subcommand("list", "list documents");
  l->add_option("PROJECT", *list_project, "project id")->required();
  pages->AddTo(l);
  l->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::ListDocumentsRequest request;
      request.set_project(*list_project);
      auto response = ListPages<v1::ListDocumentsRequest, v1::ListDocumentsResponse>(
          *pages, request, [&](const v1::ListDocumentsRequest& r) {
            return connection.Call(&v1::ProjectService::Stub::ListDocuments, connection.project(),
                                   r);
          });
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response, DocumentRows(response->documents()));
      return absl::OkStatus();
    });
  });

  struct ShowFlags {
    std::string project, id, units = "code_points";
    bool text = false;
  };
  auto show = std::make_shared<ShowFlags>();
  CLI::App* s = doc->add_subcommand("show", "show a document's segments (and text)");
  s->add_option("PROJECT", show->project, "project id")->required();
  s->add_option("DOC", show->id, "document id")->required();
  s->add_option("--units", show->units, "offset units: code_points (default), utf16 or bytes")
      ->check(CLI::IsMember(Keys(kUnits)));
  s->add_flag("--text", show->text, "print the text too");
  s->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::GetDocumentRequest request;
      request.set_project(show->project);
      request.set_document(show->id);
      request.set_include_text(show->text);
      request.set_offset_unit(kUnits.at(show->units));
      auto response =
          connection.Call(&v1::ProjectService::Stub::GetDocument, connection.project(), request);
      if (!response.ok()) return response.status();
      Rows rows = {{"segment", "start", "end"}};
      for (int i = 0; i < response->document().segments_size(); ++i) {
        const v1::Segment& seg = response->document().segments(i);
        rows.push_back({std::to_string(i), std::to_string(seg.start()), std::to_string(seg.end())});
      }
      Print(ctx.globals, std::cout, *response, rows);
      if (show->text && ctx.globals.output == OutputFormat::kTable) {
        std::cout << "\n" << response->document().text() << "\n";
      }
      return absl::OkStatus();
    });
  });
}

// --- rounds ----------------------------------------------------------------

Rows RoundRows(const RepeatedPtrField<v1::Round>& rounds) {
  Rows rows = {{"round", "state", "blind", "documents", "coders", "codebook_revision"}};
  for (const v1::Round& r : rounds) {
    rows.push_back({r.id(), v1::RoundState_Name(r.state()), r.blind() ? "yes" : "no",
                    absl::StrJoin(r.documents(), ","), absl::StrJoin(r.coders(), ","),
                    std::to_string(r.codebook_revision())});
  }
  return rows;
}

void AddRoundCommands(CLI::App& app, const Context& ctx) {
  CLI::App* round = app.add_subcommand("round", "coding rounds");
  round->require_subcommand(1);

  struct CreateFlags {
    std::string project, id, title;
    std::vector<std::string> documents, coders;
    bool blind = false;
  };
  auto create = std::make_shared<CreateFlags>();
  CLI::App* c = round->add_subcommand("create", "create a round of documents x coders");
  c->add_option("PROJECT", create->project, "project id")->required();
  c->add_option("ROUND", create->id, "round id")->required();
  c->add_option("--docs", create->documents, "documents D1,D2,...")->required()->delimiter(',');
  c->add_option("--coders", create->coders, "coders U1,U2,...")->required()->delimiter(',');
  c->add_option("--title", create->title, "title");
  c->add_flag("--blind", create->blind, "coders see only their own codings while OPEN");
  c->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::CreateRoundRequest request;
      request.set_project(create->project);
      request.set_id(create->id);
      request.set_title(create->title);
      for (const std::string& d : create->documents) request.add_documents(d);
      for (const std::string& u : create->coders) request.add_coders(u);
      request.set_blind(create->blind);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::ProjectService::Stub::CreateRound, connection.project(), request);
      if (!response.ok()) return response.status();
      RepeatedPtrField<v1::Round> one;
      *one.Add() = response->round();
      Print(ctx.globals, std::cout, *response, RoundRows(one));
      return absl::OkStatus();
    });
  });

  auto list_project = std::make_shared<std::string>();
  auto pages = std::make_shared<PageFlags>();
  CLI::App* l = round->add_subcommand("list", "list rounds");
  l->add_option("PROJECT", *list_project, "project id")->required();
  pages->AddTo(l);
  l->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::ListRoundsRequest request;
      request.set_project(*list_project);
      auto response = ListPages<v1::ListRoundsRequest, v1::ListRoundsResponse>(
          *pages, request, [&](const v1::ListRoundsRequest& r) {
            return connection.Call(&v1::ProjectService::Stub::ListRounds, connection.project(), r);
          });
      if (!response.ok()) return response.status();
      Print(ctx.globals, std::cout, *response, RoundRows(response->rounds()));
      return absl::OkStatus();
    });
  });

  struct Target {
    std::string project, round;
  };
  auto show = std::make_shared<Target>();
  CLI::App* s = round->add_subcommand("show", "show a round");
  s->add_option("PROJECT", show->project, "project id")->required();
  s->add_option("ROUND", show->round, "round id")->required();
  s->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::GetRoundRequest request;
      request.set_project(show->project);
      request.set_round(show->round);
      auto response =
          connection.Call(&v1::ProjectService::Stub::GetRound, connection.project(), request);
      if (!response.ok()) return response.status();
      RepeatedPtrField<v1::Round> one;
      *one.Add() = response->round();
      auto progress = FetchProgress(connection, show->project, show->round);
      if (!progress.ok()) return progress.status();
      if (ctx.globals.output == OutputFormat::kJson) {
        std::cout << nlohmann::json{{"round", nlohmann::json::parse(MessageToJson(response->round()))},
                                    {"progress", nlohmann::json::parse(MessageToJson(*progress))}}
                         .dump()
                  << "\n";
        return absl::OkStatus();
      }
      PrintRows(ctx.globals.output, std::cout, RoundRows(one));
      std::cout << "\n";
      PrintRows(ctx.globals.output, std::cout, CoderProgressRows(*progress));
      return absl::OkStatus();
    });
  });

  struct AdvanceFlags {
    std::string project, round;
    bool force = false;
  };
  auto advance = std::make_shared<AdvanceFlags>();
  CLI::App* a = round->add_subcommand("advance", "OPEN -> RECONCILING -> CLOSED");
  a->add_option("PROJECT", advance->project, "project id")->required();
  a->add_option("ROUND", advance->round, "round id")->required();
  a->add_flag("--force", advance->force,
              "leave OPEN although some coders have not marked every document done");
  a->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      // Read the state first and send it as from_state: a retried advance
      // then cannot skip a state.
      v1::GetRoundRequest get;
      get.set_project(advance->project);
      get.set_round(advance->round);
      auto current = connection.Call(&v1::ProjectService::Stub::GetRound, connection.project(), get);
      if (!current.ok()) return current.status();
      v1::AdvanceRoundRequest request;
      request.set_project(advance->project);
      request.set_round(advance->round);
      request.set_from_state(current->round().state());
      request.set_force(advance->force);
      request.set_request_id(NewRequestId());
      auto response =
          connection.Call(&v1::ProjectService::Stub::AdvanceRound, connection.project(), request);
      if (!response.ok()) {
        if (response.status().code() == absl::StatusCode::kFailedPrecondition &&
            !advance->force && current->round().state() == v1::OPEN &&
            absl::StrContains(response.status().message(), "not done")) {
          absl::Status hinted = absl::FailedPreconditionError(absl::StrCat(
              response.status().message(),
              "\nAgreement counts only finished documents. Ask the coders to run "
              "`icr coding done`, or advance anyway with --force (the unfinished pairs are "
              "recorded in the audit trail)."));
          // Still the server's answer (exit code 1), with a hint.
          response.status().ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
            hinted.SetPayload(url, payload);
          });
          return hinted;
        }
        return response.status();
      }
      if (response->unfinished_size() > 0 && ctx.globals.output != OutputFormat::kJson) {
        std::cerr << "icr: advanced with " << response->unfinished_size()
                  << " unfinished (coder, document) pairs; they are recorded in the audit "
                     "trail\n";
      }
      RepeatedPtrField<v1::Round> one;
      *one.Add() = response->round();
      Print(ctx.globals, std::cout, *response, RoundRows(one));
      return absl::OkStatus();
    });
  });
}

}  // namespace

void AddCatalogCommands(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  const Context ctx{globals, exit_code};
  AddUserCommands(app, ctx);
  AddProjectCommands(app, ctx);
  AddCodeCommands(app, ctx);
  AddDocumentCommands(app, ctx);
  AddRoundCommands(app, ctx);
}

}  // namespace icr::client
