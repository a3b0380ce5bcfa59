#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/agreement_output.h"
#include "client/catalog_command_support.h"
#include "client/progress_commands.h"
#include "nlohmann/json.hpp"

namespace icr::client::catalog {

namespace {

using google::protobuf::RepeatedPtrField;

Rows RoundRows(const RepeatedPtrField<v1::Round>& rounds) {
  Rows rows = {{"round", "state", "blind", "documents", "coders", "codebook_revision", "speakers",
                "exclude_speakers"}};
  for (const v1::Round& r : rounds) {
    rows.push_back({r.id(), v1::RoundState_Name(r.state()), r.blind() ? "yes" : "no",
                    absl::StrJoin(r.documents(), ","), absl::StrJoin(r.coders(), ","),
                    std::to_string(r.codebook_revision()), absl::StrJoin(r.speakers(), ","),
                    absl::StrJoin(r.exclude_speakers(), ",")});
  }
  return rows;
}

absl::StatusOr<v1::GetRoundResponse> GetRound(Connection& connection, const std::string& project,
                                              const std::string& round) {
  v1::GetRoundRequest request;
  request.set_project(project);
  request.set_round(round);
  return connection.Call(&v1::ProjectService::Stub::GetRound, connection.project(), request);
}

}  // namespace

void AddRoundCommands(CLI::App& app, const Context& ctx) {
  CLI::App* round = app.add_subcommand("round", "coding rounds");
  round->require_subcommand(1);

  struct CreateFlags {
    std::string project, id, title;
    std::vector<std::string> documents, coders, speakers, exclude_speakers;
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
  c->add_option("--speakers", create->speakers,
                "units by speaker: only these speakers' turns are units (S1,S2; documents "
                "added with --segment turn)")
      ->delimiter(',');
  c->add_option("--exclude_speakers", create->exclude_speakers,
                "units by speaker: every segment but these speakers' turns (e.g. Interviewer)")
      ->delimiter(',');
  c->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      v1::CreateRoundRequest request;
      request.set_project(create->project);
      request.set_id(create->id);
      request.set_title(create->title);
      for (const std::string& d : create->documents) request.add_documents(d);
      for (const std::string& u : create->coders) request.add_coders(u);
      for (const std::string& s : create->speakers) request.add_speakers(s);
      for (const std::string& s : create->exclude_speakers) request.add_exclude_speakers(s);
      request.set_blind(create->blind);
      request.set_request_id(NewRequestId());
      return CallAndPrint(ctx, connection, &v1::ProjectService::Stub::CreateRound,
                          connection.project(), request,
                          [](const auto& r) { return RoundRows(One(r.round())); });
    });
  });

  AddProjectListCommand(*round, ctx, "list rounds", &v1::ProjectService::Stub::ListRounds,
                        [](const v1::ListRoundsResponse& r) { return RoundRows(r.rounds()); });

  struct Target {
    std::string project, round;
  };
  auto show = std::make_shared<Target>();
  CLI::App* s = round->add_subcommand("show", "show a round");
  s->add_option("PROJECT", show->project, "project id")->required();
  s->add_option("ROUND", show->round, "round id")->required();
  s->callback([=] {
    ctx.Run([&](Connection& connection) -> absl::Status {
      auto response = GetRound(connection, show->project, show->round);
      if (!response.ok()) return response.status();
      auto progress = FetchProgress(connection, show->project, show->round);
      if (!progress.ok()) return progress.status();
      if (ctx.globals.output == OutputFormat::kJson) {
        std::cout << nlohmann::json{{"round",
                                     nlohmann::json::parse(MessageToJson(response->round()))},
                                    {"progress", nlohmann::json::parse(MessageToJson(*progress))}}
                         .dump()
                  << "\n";
        return absl::OkStatus();
      }
      PrintRows(ctx.globals.output, std::cout, RoundRows(One(response->round())));
      if (ctx.globals.output == OutputFormat::kTable) {
        std::cout << "units: "
                  << UnitsText(response->round().speakers(), response->round().exclude_speakers())
                  << "\n";
      }
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
      auto current = GetRound(connection, advance->project, advance->round);
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
        if (response.status().code() == absl::StatusCode::kFailedPrecondition && !advance->force &&
            current->round().state() == v1::OPEN &&
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
      Print(ctx.globals, std::cout, *response, RoundRows(One(response->round())));
      return absl::OkStatus();
    });
  });
}

}  // namespace icr::client::catalog
