#include "client/report_commands.h"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/command.h"
#include "grpcpp/create_channel.h"
#include "icr/v1/report.grpc.pb.h"
#include "server/audit/hash.h"

namespace icr::client {
namespace {

// Word users get the Markdown report converted by pandoc (a Debian package),
// run without a shell and with the Markdown on its standard input.
absl::Status MarkdownToDocx(const std::string& markdown, const std::string& out) {
  if (access("/usr/bin/pandoc", X_OK) != 0) {
    return absl::FailedPreconditionError(
        "--format docx: needs pandoc (apt-get install pandoc); or write --format md and open it "
        "in Word");
  }
  int input[2];
  if (pipe(input) != 0) return absl::InternalError("pipe failed");
  const pid_t child = fork();
  if (child < 0) return absl::InternalError("fork failed");
  if (child == 0) {
    dup2(input[0], 0);
    close(input[0]);
    close(input[1]);
    execl("/usr/bin/pandoc", "pandoc", "--from", "markdown", "--to", "docx", "--output",
          out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(input[0]);
  size_t written = 0;
  while (written < markdown.size()) {
    const ssize_t n = write(input[1], markdown.data() + written, markdown.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  close(input[1]);
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(out, ": pandoc could not write the .docx"));
  }
  return absl::OkStatus();
}

}  // namespace

void AddReportCommands(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  struct Flags {
    std::string project, round, out, format, interval;
    std::vector<std::string> coefficients;
    int bootstrap = 0;
    uint64_t seed = 0;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* report = app.add_subcommand(
      "report",
      "the trustworthiness report: team, codebook and revisions, rounds, agreement, "
      "and the signed audit head it was generated from");
  report->add_option("PROJECT", flags->project, "project id")->required();
  report->add_option("--round", flags->round, "only this round (default: every round)");
  report
      ->add_option("--format", flags->format,
                   "md, html (self-contained, prints well), json, docx (the Markdown report "
                   "through pandoc, for Word), or the reliability table alone: latex, csv")
      ->required()
      ->check(CLI::IsMember({"md", "html", "json", "docx", "latex", "csv"}, CLI::ignore_case));
  report->add_option("--out", flags->out, "the file to write")->required();
  report
      ->add_option("--coefficients", flags->coefficients,
                   "what the tables and the methods paragraph report, in order (default: "
                   "krippendorff_alpha, cohen_kappa or fleiss_kappa, percent_agreement)")
      ->delimiter(',');
  report->add_option("--interval", flags->interval,
                     "bootstrap (default), analytic (Gwet's standard errors) or none");
  report->add_option("--bootstrap", flags->bootstrap, "bootstrap replicates (default 1000)");
  report->add_option("--seed", flags->seed, "bootstrap seed (default 0)");
  report->callback([flags, exit_code, &globals] {
    RunRemote(globals, exit_code, [&](Connection& connection) -> absl::Status {
      const std::string format = absl::AsciiStrToLower(flags->format);
      const std::map<std::string, v1::ReportFormat> formats = {
          {"md", v1::MARKDOWN}, {"docx", v1::MARKDOWN}, {"html", v1::HTML},
          {"json", v1::JSON},   {"latex", v1::LATEX},   {"csv", v1::CSV}};
      v1::GetReportRequest request;
      request.set_project(flags->project);
      request.set_round(flags->round);
      request.set_format(formats.at(format));
      for (const std::string& c : flags->coefficients) request.add_coefficients(c);
      request.set_interval(flags->interval);
      request.set_bootstrap(flags->bootstrap);
      request.set_seed(flags->seed);
      auto stub = v1::ReportService::NewStub(connection.channel());
      auto response = connection.Call(&v1::ReportService::Stub::GetReport, *stub, request);
      if (!response.ok()) return response.status();
      if (format == "docx") {
        absl::Status converted = MarkdownToDocx(response->content(), flags->out);
        if (!converted.ok()) return converted;
      } else {
        std::ofstream file(flags->out, std::ios::binary | std::ios::trunc);
        file << response->content();
        if (!file.flush()) {
          return absl::InvalidArgumentError(absl::StrCat(flags->out, ": cannot write"));
        }
      }
      std::cerr << "report on " << flags->project << " written to " << flags->out
                << " (audit head: " << response->head().tree_size() << " events, root "
                << audit::HexEncode(response->head().root_hash()) << ")\n";
      return absl::OkStatus();
    });
  });
}

}  // namespace icr::client
