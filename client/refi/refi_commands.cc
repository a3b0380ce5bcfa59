#include "client/refi/refi_commands.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client/command.h"
#include "client/refi/refi_export.h"
#include "client/refi/refi_import.h"

namespace icr::client {

void AddRefiCommands(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  const std::vector<std::string> kOffsets = {"codepoint", "utf16"};
  CLI::App* import =
      app.add_subcommand("import", "import REFI-QDA files (ATLAS.ti, MAXQDA, NVivo, QualCoder)");
  import->require_subcommand(1);

  auto qdc = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* import_qdc = import->add_subcommand(
      "qdc",
      "a REFI-QDA codebook (.qdc, or a .qdpx's codebook) into PROJECT's codebook; codes with a "
      "known guid are updated, not duplicated");
  import_qdc->add_option("PROJECT", qdc->first, "project id")->required();
  import_qdc->add_option("FILE", qdc->second, "the .qdc (or .qdpx) file")->required();
  import_qdc->callback([qdc, &globals, exit_code] {
    RunRemote(globals, exit_code,
              [&](Connection& c) { return ImportQdc(c, globals, qdc->first, qdc->second); });
  });

  auto flags = std::make_shared<ImportFlags>();
  CLI::App* import_qdpx = import->add_subcommand(
      "qdpx",
      "a REFI-QDA project (.qdpx): codebook, text sources as documents, and the "
      "selections' codings into ROUND (created when it does not exist)");
  auto positionals = std::make_shared<std::vector<std::string>>();
  import_qdpx
      ->add_option("PROJECT [ROUND] FILE", *positionals,
                   "project id, the round for the archive's codings (created when it does "
                   "not exist; without it only the codebook and the sources are imported), "
                   "and the .qdpx file")
      ->required()
      ->expected(2, 3);
  import_qdpx->add_option("--coder", flags->coder, "every coding is this icr user's");
  import_qdpx->add_option("--map-users", flags->map_users,
                          "CSV of REFI user (guid or name),icr user");
  import_qdpx->add_option("--coders", flags->coders, "more coders of a new round: U1,U2")
      ->delimiter(',');
  import_qdpx
      ->add_option("--offsets", flags->offsets,
                   "how the tool counted characters: codepoint or utf16; by default from the "
                   "archive's origin (NVivo utf16; ATLAS.ti, MAXQDA, QualCoder, others "
                   "codepoint)")
      ->check(CLI::IsMember(kOffsets));
  import_qdpx
      ->add_option("--crlf", flags->crlf,
                   "a CRLF line end counts as one character (ATLAS.ti) or two (the others); "
                   "by default from the archive's origin")
      ->check(CLI::IsMember({"one", "two"}));
  import_qdpx->add_flag("--skip-missing-sources", flags->skip_missing_sources,
                        "import the rest when a source's file is not in the archive");
  import_qdpx->callback([flags, positionals, &globals, exit_code] {
    flags->project = positionals->front();
    flags->file = positionals->back();
    flags->round = positionals->size() == 3 ? (*positionals)[1] : "";
    RunRemote(globals, exit_code, [&](Connection& c) { return ImportQdpx(c, globals, *flags); });
  });

  CLI::App* exp = app.add_subcommand("export", "export REFI-QDA files");
  exp->require_subcommand(1);
  auto export_flags = std::make_shared<ExportFlags>();
  CLI::App* export_qdpx = exp->add_subcommand(
      "qdpx",
      "ROUND as a REFI-QDA project (.qdpx): users, codebook, sources, each coder's codings, "
      "and the consensus of a reconciled round as user \"consensus\"");
  export_qdpx->add_option("PROJECT", export_flags->project, "project id")->required();
  export_qdpx->add_option("ROUND", export_flags->round, "round id")->required();
  export_qdpx->add_option("--out", export_flags->out, "the .qdpx to write")->required();
  export_qdpx
      ->add_option("--offsets", export_flags->offsets,
                   "positions in codepoint (default) or utf16 (for NVivo)")
      ->check(CLI::IsMember(kOffsets));
  export_qdpx
      ->add_option("--for", export_flags->for_tool,
                   "write what that tool reads: atlasti (code points, a CRLF as one), maxqda, "
                   "qualcoder (code points), nvivo (UTF-16 units, Sources/)")
      ->check(CLI::IsMember({"atlasti", "maxqda", "nvivo", "qualcoder"}));
  export_qdpx->callback([export_flags, &globals, exit_code] {
    RunRemote(globals, exit_code,
              [&](Connection& c) { return ExportQdpx(c, globals, *export_flags); });
  });

  auto export_qdc_flags = std::make_shared<ExportFlags>();
  CLI::App* export_qdc =
      exp->add_subcommand("qdc", "PROJECT's codebook as a REFI-QDA codebook (.qdc)");
  export_qdc->add_option("PROJECT", export_qdc_flags->project, "project id")->required();
  export_qdc->add_option("--out", export_qdc_flags->out, "the .qdc to write")->required();
  export_qdc
      ->add_option("--for", export_qdc_flags->for_tool,
                   "write for that tool: atlasti, maxqda, nvivo or qualcoder (the codebook of "
                   "export qdpx --for, its origin naming the tool)")
      ->check(CLI::IsMember({"atlasti", "maxqda", "nvivo", "qualcoder"}));
  export_qdc->callback([export_qdc_flags, &globals, exit_code] {
    RunRemote(globals, exit_code,
              [&](Connection& c) { return ExportQdc(c, globals, *export_qdc_flags); });
  });
}

}  // namespace icr::client
