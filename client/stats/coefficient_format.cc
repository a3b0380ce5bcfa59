#include "client/stats/coefficient_format.h"

namespace icr::client {

nlohmann::json CoefficientToJson(const agreement::Coefficient& c) {
  nlohmann::json j;
  j["name"] = c.name;
  j["value"] = c.value ? nlohmann::json(*c.value) : nlohmann::json(nullptr);
  j["defined"] = c.defined();
  j["reason"] = c.reason;
  j["observed"] = c.observed;
  j["expected"] = c.expected;
  return j;
}

std::vector<std::string> CoefficientTableHeader() { return {"coefficient", "value"}; }

std::vector<std::string> CoefficientTableRow(const agreement::Coefficient& c, int precision) {
  return {c.name, c.value ? std::to_string(*c.value) : "undefined"};
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) { return {}; }

}  // namespace icr::client
