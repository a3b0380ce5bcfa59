#include "client/audit_commands.h"

#include <memory>

#include "client/command.h"
#include "client/output.h"

namespace icr::client {

void AddAuditCommands(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "the audit trail");
  audit->require_subcommand(1);
  auto project = std::make_shared<std::string>();
  auto pages = std::make_shared<PageFlags>();
  CLI::App* e = audit->add_subcommand("events", "list a project's audit events");
  e->add_option("PROJECT", *project, "project id (_server for server-level events)")->required();
  pages->AddTo(e);
  e->callback([=, &globals] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      v1::ListEventsRequest request;
      request.set_project(*project);
      auto response = ListPages<v1::ListEventsRequest, v1::ListEventsResponse>(
          *pages, request, [&](const v1::ListEventsRequest& r) {
            return connection.Call(&v1::AuditService::Stub::ListEvents, connection.audit(), r);
          });
      if (!response.ok()) return response.status();
      Rows rows = {{"seq", "time", "actor", "method", "summary"}};
      for (const v1::EventRecord& record : response->events()) {
        const v1::AuditEvent& event = record.event();
        std::string method = event.method();
        if (size_t slash = method.rfind('/'); slash != std::string::npos) {
          method = method.substr(slash + 1);
        }
        rows.push_back({std::to_string(event.seq()), FormatTime(event.time()), event.actor(),
                        method, event.result_summary()});
      }
      Print(globals, std::cout, *response, rows);
      return absl::OkStatus();
    });
  });
}

}  // namespace icr::client
