#include "client/progress_commands.h"

#include <iostream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "client/command.h"

namespace icr::client {
namespace {

std::string StateWord(v1::ProgressState state) {
  switch (state) {
    case v1::DONE:
      return "done";
    case v1::IN_PROGRESS:
      return "in progress";
    default:
      return "not started";
  }
}

struct SetFlags {
  std::string project, round, document, coder;
};

void AddSetCommand(CLI::App& coding, GlobalOptions& globals, int* exit_code, const char* name,
                   const char* help, v1::ProgressState state) {
  auto flags = std::make_shared<SetFlags>();
  CLI::App* c = coding.add_subcommand(name, help);
  c->add_option("PROJECT", flags->project, "project id")->required();
  c->add_option("ROUND", flags->round, "round id")->required();
  c->add_option("DOCUMENT", flags->document, "document id")->required();
  c->add_option("--coder", flags->coder, "for this coder (leads)");
  c->callback([flags, &globals, exit_code, state] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      v1::SetDocumentProgressRequest request;
      request.set_project(flags->project);
      request.set_round(flags->round);
      request.set_document(flags->document);
      request.set_state(state);
      request.set_on_behalf_of(flags->coder);
      request.set_request_id(NewRequestId());
      auto response = connection.Call(&v1::CodingService::Stub::SetDocumentProgress,
                                      connection.coding(), request);
      if (!response.ok()) return response.status();
      const v1::DocumentProgress& p = response->progress();
      Print(globals, std::cout, *response,
            {{"coder", "document", "state"}, {p.coder(), p.document(), StateWord(p.state())}});
      if (globals.output == OutputFormat::kTable) {
        std::cout << (state == v1::DONE
                          ? "Agreement now counts this document's codings for the coder.\n"
                          : "Agreement leaves this document out for the coder until it is "
                            "done again.\n");
      }
      return absl::OkStatus();
    });
  });
}

}  // namespace

absl::StatusOr<v1::ListProgressResponse> FetchProgress(Connection& connection,
                                                       const std::string& project,
                                                       const std::string& round) {
  v1::ListProgressRequest request;
  request.set_project(project);
  request.set_round(round);
  return connection.Call(&v1::CodingService::Stub::ListProgress, connection.coding(), request);
}

Rows CoderProgressRows(const v1::ListProgressResponse& progress) {
  Rows rows = {{"coder", "done", "in progress", "not started", "progress"}};
  for (const v1::CoderProgress& c : progress.coders()) {
    rows.push_back({c.coder(), std::to_string(c.done()), std::to_string(c.in_progress()),
                    std::to_string(c.not_started()),
                    absl::StrCat(c.done(), " of ", c.documents(), " documents done")});
  }
  return rows;
}

void AddProgressCommands(CLI::App& coding, GlobalOptions& globals, int* exit_code) {
  AddSetCommand(coding, globals, exit_code, "done",
                "say a document is finished: agreement counts it from now on", v1::DONE);
  AddSetCommand(coding, globals, exit_code, "reopen",
                "reopen a finished document (while the round is OPEN)", v1::IN_PROGRESS);

  struct ListFlags {
    std::string project, round;
    bool documents = false;
  };
  auto flags = std::make_shared<ListFlags>();
  CLI::App* l = coding.add_subcommand("progress", "each coder's progress through the round");
  l->add_option("PROJECT", flags->project, "project id")->required();
  l->add_option("ROUND", flags->round, "round id")->required();
  l->add_flag("--documents", flags->documents, "one row per (coder, document)");
  l->callback([flags, &globals, exit_code] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      auto response = FetchProgress(connection, flags->project, flags->round);
      if (!response.ok()) return response.status();
      Rows rows;
      if (flags->documents) {
        rows = {{"coder", "document", "state", "updated_by", "update_time"}};
        for (const v1::DocumentProgress& p : response->progress()) {
          rows.push_back({p.coder(), p.document(), StateWord(p.state()), p.updated_by(),
                          p.has_update_time() ? FormatTime(p.update_time()) : ""});
        }
      } else {
        rows = CoderProgressRows(*response);
      }
      Print(globals, std::cout, *response, rows);
      return absl::OkStatus();
    });
  });
}

}  // namespace icr::client
