#include "client/refi/refi_command_support.h"

#include <iostream>

namespace icr::client {

void PrintSummary(const GlobalOptions& globals, const nlohmann::json& summary, const Rows& rows,
                  const std::vector<std::string>& notes) {
  if (globals.output == OutputFormat::kJson) {
    std::cout << summary.dump(2) << "\n";
    return;
  }
  PrintRows(globals.output, std::cout, rows);
  if (globals.output == OutputFormat::kTable) {
    for (const std::string& note : notes) std::cout << note << "\n";
  }
}

absl::StatusOr<std::vector<v1::Code>> ListAllCodes(Connection& c, const std::string& project) {
  v1::ListCodesRequest request;
  request.set_project(project);
  request.set_include_merged(true);
  auto response = AllPages<v1::ListCodesRequest, v1::ListCodesResponse>(
      request, [&](const v1::ListCodesRequest& r) {
        return c.Call(&v1::ProjectService::Stub::ListCodes, c.project(), r);
      });
  if (!response.ok()) return response.status();
  return std::vector<v1::Code>(response->codes().begin(), response->codes().end());
}

std::string UnitWord(refi::PositionUnit unit) {
  return unit == refi::PositionUnit::kUtf16 ? "utf16" : "codepoint";
}

}  // namespace icr::client
