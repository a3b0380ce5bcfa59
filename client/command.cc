#include "client/command.h"

#include "absl/status/status.h"

namespace icr::client {

void RunRemote(GlobalOptions& globals, int* exit_code,
               const std::function<absl::Status(Connection&)>& body) {
  absl::Status status = ResolveToken(globals);
  absl::StatusOr<std::unique_ptr<Connection>> connection;
  if (status.ok()) {
    connection = Connection::Open(globals);
    status = connection.status();
  }
  if (status.ok()) status = body(**connection);
  if (status.ok()) {
    *exit_code = kExitOk;
    return;
  }
  std::cerr << "icr: " << absl::StatusCodeToString(status.code()) << ": " << status.message()
            << std::endl;
  *exit_code = IsServerError(status) ? kExitServerError : kExitUsageError;
}

void PageFlags::AddTo(CLI::App* command) {
  command->add_option("--page_size", page_size, "print one page of at most N items")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--page_token", page_token, "the page after this token (from a previous page)");
}

}  // namespace icr::client
