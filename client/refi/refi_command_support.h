#ifndef ICR_CLIENT_REFI_REFI_COMMAND_SUPPORT_H_
#define ICR_CLIENT_REFI_REFI_COMMAND_SUPPORT_H_

// What the REFI-QDA import and export commands share: their summaries
// (JSON, or rows and notes), every page of a listing, the codebook.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "client/command.h"
#include "client/connection.h"
#include "client/global_options.h"
#include "client/output.h"
#include "client/refi/plan.h"
#include "icr/v1/project.grpc.pb.h"
#include "nlohmann/json.hpp"

namespace icr::client {

// `summary` as JSON with --output json; else `rows`, and in a table the
// `notes` after them.
void PrintSummary(const GlobalOptions& globals, const nlohmann::json& summary, const Rows& rows,
                  const std::vector<std::string>& notes);

template <typename Request, typename Response>
absl::StatusOr<Response> AllPages(
    Request request, const std::function<absl::StatusOr<Response>(const Request&)>& call) {
  return ListPages<Request, Response>(PageFlags(), std::move(request), call);
}

// Every code of `project`, merged ones included.
absl::StatusOr<std::vector<v1::Code>> ListAllCodes(Connection& c, const std::string& project);

// "utf16" or "codepoint", as --offsets spells them.
std::string UnitWord(refi::PositionUnit unit);

}  // namespace icr::client

#endif  // ICR_CLIENT_REFI_REFI_COMMAND_SUPPORT_H_
