#ifndef ICR_CLIENT_STATS_COEFFICIENT_FORMAT_H_
#define ICR_CLIENT_STATS_COEFFICIENT_FORMAT_H_

// One rendering of agreement::Coefficient for every command that prints
// coefficients (`icr stats`, `icr agreement`, span statistics), so their
// output is identical.

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "server/agreement/coefficient.h"

namespace icr::client {

// DESIGN §10's coefficient object:
//   {"name", "value" (null when undefined), "defined", "reason", "observed",
//    "expected", ["variant"], ["ci": {low, high, confidence, samples}],
//    ["p_below_min"]}
// "ci" and "p_below_min" appear only when present; "variant" only when set.
nlohmann::json CoefficientToJson(const agreement::Coefficient& c);

// Column headers of the table/CSV rendering, matching CoefficientTableRow.
std::vector<std::string> CoefficientTableHeader();

// One row of cells: name, value (or "undefined"), interpretation band, CI,
// p(<min), observed, expected, note (variant or reason). Values are printed
// with `precision` significant decimals.
std::vector<std::string> CoefficientTableRow(const agreement::Coefficient& c, int precision = 4);

// Pads cells into aligned columns (first row is the header), one line each.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

}  // namespace icr::client

#endif  // ICR_CLIENT_STATS_COEFFICIENT_FORMAT_H_
