#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/catalog_command_support.h"

namespace icr::client::catalog {

namespace {

using google::protobuf::RepeatedPtrField;

// A lower-case CLI word -> measurement level.
const std::map<std::string, v1::MeasurementLevel> kLevels = {{"nominal", v1::NOMINAL},
                                                             {"ordinal", v1::ORDINAL},
                                                             {"interval", v1::INTERVAL},
                                                             {"ratio", v1::RATIO}};

Rows CodeRows(const RepeatedPtrField<v1::Code>& codes) {
  Rows rows = {{"code", "name", "parent", "value", "state", "grouping", "revision", "definition"}};
  for (const v1::Code& c : codes) {
    rows.push_back({c.id(), c.name(), c.parent(), c.has_value() ? absl::StrCat(c.value()) : "",
                    c.state() == v1::CODE_MERGED ? "merged into " + c.merged_into() : "active",
                    c.grouping_only() ? "yes" : "", std::to_string(c.revision()), c.definition()});
  }
  return rows;
}

Rows DomainRows(const RepeatedPtrField<v1::Domain>& domains) {
  Rows rows = {{"domain", "name", "level", "codes"}};
  for (const v1::Domain& d : domains) {
    rows.push_back(
        {d.id(), d.name(), v1::MeasurementLevel_Name(d.level()), absl::StrJoin(d.codes(), ",")});
  }
  return rows;
}

struct CodeFlags {
  std::string project, id, name, definition, inclusion, exclusion, example, parent, etag;
  double value = 0;
  bool grouping = false;
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
    // REFI-QDA's isCodable="false": a heading over codes, never applied.
    command->add_flag("--grouping,!--no-grouping", grouping,
                      "the code only groups the codes under it: no coding may apply it "
                      "(--no-grouping: it may be applied)");
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
    code.set_grouping_only(grouping);
    if (command->count("--value") > 0) {
      code.set_has_value(true);
      code.set_value(value);
    }
    return code;
  }
};

}  // namespace

void AddCodebookCommands(CLI::App& app, const Context& ctx) {
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
      return CallAndPrint(ctx, connection, &v1::ProjectService::Stub::CreateCode,
                          connection.project(), request,
                          [](const auto& r) { return CodeRows(One(r.code())); });
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
      if (e->count("--grouping") > 0 || e->count("--no-grouping") > 0) {
        request.add_update_mask("grouping_only");
      }
      if (request.update_mask().empty()) {
        return absl::InvalidArgumentError("code edit: give at least one field to change");
      }
      request.set_etag(edit->etag);
      request.set_request_id(NewRequestId());
      return CallAndPrint(ctx, connection, &v1::ProjectService::Stub::UpdateCode,
                          connection.project(), request,
                          [](const auto& r) { return CodeRows(One(r.code())); });
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
      return ListAndPrint(ctx, connection, &v1::ProjectService::Stub::ListCodes,
                          connection.project(), *pages, request,
                          [](const v1::ListCodesResponse& r) { return CodeRows(r.codes()); });
    });
  });

  // One code, every field (there is no GetCode: the codebook is listed and
  // the code picked from it, merged codes included).
  auto show = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* sh = code->add_subcommand("show", "show one code");
  sh->add_option("PROJECT", show->first, "project id")->required();
  sh->add_option("CODE", show->second, "code id")->required();
  sh->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::ListCodesRequest request;
      request.set_project(show->first);
      request.set_include_merged(true);
      auto codes = ListPages<v1::ListCodesRequest, v1::ListCodesResponse>(
          PageFlags(), request, [&](const v1::ListCodesRequest& r) {
            return connection.Call(&v1::ProjectService::Stub::ListCodes, connection.project(), r);
          });
      if (!codes.ok()) return codes.status();
      for (const v1::Code& c : codes->codes()) {
        if (c.id() != show->second) continue;
        v1::UpdateCodeResponse shown;  // {"code": {...}}, as code add and edit print
        *shown.mutable_code() = c;
        Rows rows = {
            {"field", "value"},
            {"code", c.id()},
            {"name", c.name()},
            {"parent", c.parent()},
            {"state", c.state() == v1::CODE_MERGED ? "merged into " + c.merged_into() : "active"},
            {"grouping", c.grouping_only() ? "yes: only groups the codes under it, "
                                             "never applied"
                                           : "no"},
            {"value", c.has_value() ? absl::StrCat(c.value()) : ""},
            {"color", c.color()},
            {"guid", c.guid()},
            {"revision", std::to_string(c.revision())},
            {"etag", c.etag()},
            {"definition", c.definition()},
            {"inclusion", c.inclusion_criteria()},
            {"exclusion", c.exclusion_criteria()},
            {"example", c.example()}};
        Print(ctx.globals, std::cout, shown, rows);
        return absl::OkStatus();
      }
      return absl::NotFoundError(
          absl::StrCat("code ", show->second, " is not in project ", show->first));
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
      return CallAndPrint(ctx, connection, &v1::ProjectService::Stub::CreateDomain,
                          connection.project(), request,
                          [](const auto& r) { return DomainRows(One(r.domain())); });
    });
  });
  AddProjectListCommand(*domain, ctx, "list domains", &v1::ProjectService::Stub::ListDomains,
                        [](const v1::ListDomainsResponse& r) { return DomainRows(r.domains()); });
}

}  // namespace icr::client::catalog
