#ifndef ICR_CLIENT_STATS_COEFFICIENT_FORMAT_H_
#define ICR_CLIENT_STATS_COEFFICIENT_FORMAT_H_

// One rendering of agreement::Coefficient for every command that prints
// coefficients (`icr stats`, `icr agreement`, span statistics), so that their
// output is identical.

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "server/agreement/coefficient.h"

namespace icr::client {

// DESIGN §10's coefficient object:
//   {"name": "krippendorff_alpha", "value": 0.743 | null, "defined": true,
//    "reason": "", "observed": 0.1, "expected": 0.4,
//    "observed_is_disagreement": true, "units": 11, "pairable_values": 40,
//    "variant": "nominal", "interpretation": "tentative",
//    "ci": {"defined": true, "low", "high", "confidence", "samples"},
//                                                      // only with a bootstrap
//    "p_below_min": 0.01,                              // only when computed
//    "se": 0.153, "se_method": "analytic", "ci_low": 0.424, "ci_high": 1,
//    "p_value": 0.00021, "se_confidence": 0.95, "se_degrees_of_freedom": 11,
//    "se_population": 48}        // analytic (variance.h); names as in the proto
// Analytic standard errors give "se", "ci_low", "ci_high" (the interval at
// se_confidence, t with se_degrees_of_freedom), "p_value" (one-sided, against
// 0) and "se_method": "analytic"; an undefined one gives "se": null and
// "se_reason". Without them, a bootstrap's standard deviation is "se" with
// "se_method": "bootstrap"; it is also "ci"."se". An intraclass correlation
// gives its F interval as "ci_low", "ci_high" and its F test as "p_value",
// with "se_method": "f_distribution" and no "se".
// An undefined coefficient has "value": null, "defined": false and the reason.
// A bootstrap in which no replicate was defined has no low and high:
//   "ci": {"defined": false, "undefined_reason": "...", "confidence", "samples": 0}
// and the table prints "undefined (reason)" in its ci column.
nlohmann::json CoefficientToJson(const agreement::Coefficient& c);

// The interpretation band beside a value (never instead of it):
// Krippendorff (2004) for alpha: >= .800 "reliable", >= .667 "tentative",
// else "unreliable"; Landis & Koch (1977) for the kappa family ("poor" < 0,
// "slight" <= .20, "fair" <= .40, "moderate" <= .60, "substantial" <= .80,
// "almost perfect"); Koo & Li (2016) for the intraclass correlations (icc_*:
// "poor" < .5, "moderate" < .75, "good" < .9, "excellent"); "" for percent
// agreement and undefined values.
std::string Interpretation(const agreement::Coefficient& c);

// Column headers of the table/CSV rendering, matching CoefficientTableRow:
// coefficient, value, interpretation, ci, se, p_value, p_below_min, observed,
// expected, units, pairable_values, note. ci and se are the analytic ones
// when computed ("; bootstrap [l, h]" follows when there is a bootstrap too),
// else the bootstrap's ("(bootstrap)" after se).
std::vector<std::string> CoefficientTableHeader();

// One row of cells. Numbers have `decimals` decimals; an undefined value is
// "undefined" and the note gives the reason (else the variant).
std::vector<std::string> CoefficientTableRow(const agreement::Coefficient& c, int decimals = 4);

// Aligned columns, one line per row, the first row being the header and a
// rule under it. Every line ends with '\n'.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

// RFC 4180 CSV lines (fields quoted when they hold a comma, quote or newline).
std::string FormatCsv(const std::vector<std::vector<std::string>>& rows);

// A number with `decimals` decimals ("0.7430").
std::string FormatNumber(double value, int decimals = 4);

// A p-value: four decimals from .001 up, else two significant digits
// ("2.17e-05").
std::string FormatPValue(double p);

}  // namespace icr::client

#endif  // ICR_CLIENT_STATS_COEFFICIENT_FORMAT_H_
