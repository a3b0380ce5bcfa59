// icr: the command-line client of icr-server, and the offline agreement
// calculator `icr stats` (DESIGN §10).

#include <cstdlib>
#include <iostream>
#include <map>

#include "CLI/CLI.hpp"
#include "client/agreement_commands.h"
#include "client/audit_commands.h"
#include "client/catalog_commands.h"
#include "client/coding_commands.h"
#include "client/global_options.h"
#include "client/report_commands.h"
#include "client/refi/refi_commands.h"
#include "client/stats/stats_command.h"

int main(int argc, char** argv) {
  using icr::client::OutputFormat;
  icr::client::GlobalOptions globals;
  int exit_code = icr::client::kExitOk;

  CLI::App app{"icr: inter-coder reliability and audit client"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the subcommand
  app.set_help_all_flag("--help-all", "help for every command");
  if (const char* server = std::getenv("ICR_SERVER"); server != nullptr && *server != '\0') {
    globals.server = server;
  }
  app.add_option("--server", globals.server, "HOST:PORT of icr-server (env ICR_SERVER)")
      ->capture_default_str();
  app.add_option(
      "--token_file", globals.token_file,
      "file holding your API token (beats env ICR_TOKEN; default ./icr-data/admin.token)");
  const std::map<std::string, OutputFormat> formats = {
      {"table", OutputFormat::kTable}, {"json", OutputFormat::kJson}, {"csv", OutputFormat::kCsv}};
  app.add_option("--output", globals.output, "table (default), json or csv")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case));
  app.add_option("--tls_ca", globals.tls_ca, "CA certificate (PEM): connect with TLS");
  app.add_option("--tls_cert", globals.tls_cert, "client certificate (PEM), for mTLS");
  app.add_option("--tls_key", globals.tls_key, "client private key (PEM), for mTLS");

  icr::client::AddCatalogCommands(app, globals, &exit_code);
  icr::client::AddCodingCommands(app, globals, &exit_code);
  icr::client::AddAgreementCommands(app, globals, &exit_code);
  icr::client::AddAuditCommands(app, globals, &exit_code);
  icr::client::AddReportCommands(app, globals, &exit_code);
  icr::client::AddStatsCommand(app, globals, &exit_code);
  icr::client::AddRefiCommands(app, globals, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return icr::client::kExitUsageError;
  }
  return exit_code;
}
