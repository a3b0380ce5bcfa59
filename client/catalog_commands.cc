#include "client/catalog_commands.h"

#include "client/catalog_command_support.h"

namespace icr::client {

void AddCatalogCommands(CLI::App& app, GlobalOptions& globals, int* exit_code) {
  const catalog::Context ctx{globals, exit_code};
  catalog::AddUserCommands(app, ctx);
  catalog::AddProjectCommands(app, ctx);
  catalog::AddCodebookCommands(app, ctx);
  catalog::AddDocumentCommands(app, ctx);
  catalog::AddRoundCommands(app, ctx);
}

}  // namespace icr::client
