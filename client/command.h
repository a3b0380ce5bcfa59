#ifndef ICR_CLIENT_COMMAND_H_
#define ICR_CLIENT_COMMAND_H_

// What every server command of the CLI shares: connecting, exit codes, and
// reading every page of a list.

#include <functional>
#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "client/connection.h"
#include "client/global_options.h"

namespace icr::client {

// Resolves the token, connects, runs `body`, and stores the exit code: 0, 1
// for an error the server answered, 2 for a local usage or input error. The
// error goes to stderr as "icr: CODE: message".
void RunRemote(GlobalOptions& globals, int* exit_code,
               const std::function<absl::Status(Connection&)>& body);

// --page_size / --page_token of a list command: without them every page is
// read and printed as one list.
struct PageFlags {
  int page_size = 0;
  std::string page_token;
  void AddTo(CLI::App* command);
  bool one_page() const { return page_size > 0 || !page_token.empty(); }
};

// Reads the pages of a List RPC into one response (protobuf's MergeFrom
// appends repeated fields), or one page when the flags ask for one.
template <typename Request, typename Response>
absl::StatusOr<Response> ListPages(const PageFlags& flags, Request request,
                                   const std::function<absl::StatusOr<Response>(const Request&)>& call) {
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  Response all;
  while (true) {
    absl::StatusOr<Response> page = call(request);
    if (!page.ok()) return page.status();
    all.MergeFrom(*page);
    all.set_next_page_token(page->next_page_token());
    if (flags.one_page() || page->next_page_token().empty()) break;
    request.set_page_token(page->next_page_token());
  }
  return all;
}

}  // namespace icr::client

#endif  // ICR_CLIENT_COMMAND_H_
