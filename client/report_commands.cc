#include "client/report_commands.h"

#include <fstream>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "client/command.h"
#include "grpcpp/create_channel.h"
#include "icr/v1/report.grpc.pb.h"
#include "server/audit/hash.h"

namespace icr::client {

void AddReportCommands(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  struct Flags {
    std::string project, round, out;
    v1::ReportFormat format = v1::REPORT_FORMAT_UNSPECIFIED;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* report = app.add_subcommand(
      "report",
      "the trustworthiness report: team, codebook and revisions, rounds, agreement, "
      "and the signed audit head it was generated from");
  report->add_option("PROJECT", flags->project, "project id")->required();
  report->add_option("--round", flags->round, "only this round (default: every round)");
  const std::map<std::string, v1::ReportFormat> formats = {
      {"md", v1::MARKDOWN}, {"html", v1::HTML}, {"json", v1::JSON}};
  report->add_option("--format", flags->format, "md, html (self-contained, prints well) or json")
      ->required()
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case));
  report->add_option("--out", flags->out, "the file to write")->required();
  report->callback([flags, exit_code, &globals] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      v1::GetReportRequest request;
      request.set_project(flags->project);
      request.set_round(flags->round);
      request.set_format(flags->format);
      auto stub = v1::ReportService::NewStub(connection.channel());
      auto response = connection.Call(&v1::ReportService::Stub::GetReport, *stub, request);
      if (!response.ok()) return response.status();
      std::ofstream file(flags->out, std::ios::binary | std::ios::trunc);
      file << response->content();
      if (!file.flush()) {
        return absl::InvalidArgumentError(absl::StrCat(flags->out, ": cannot write"));
      }
      std::cerr << "report on " << flags->project << " written to " << flags->out
                << " (audit head: " << response->head().tree_size() << " events, root "
                << audit::HexEncode(response->head().root_hash()) << ")\n";
      return absl::OkStatus();
    });
  });
}

}  // namespace icr::client
