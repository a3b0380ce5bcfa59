#ifndef ICR_SERVER_REPORT_REPORT_INTERNAL_H_
#define ICR_SERVER_REPORT_REPORT_INTERNAL_H_

// What the report's renderers share (internal to server/report): number and
// time formats, escaping, lookups in the agreement data, the verification
// text and the head line.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>
#include <sstream>

#include "nlohmann/json.hpp"
#include "server/report/apa.h"
#include "server/report/html_escape.h"
#include "server/report/methods.h"
#include "server/report/reliability_table.h"
#include "server/report/report.h"

namespace icr::report {

using agreement::Coefficient;
using nlohmann::json;

// Milliseconds since the epoch as RFC 3339 UTC text.
inline std::string MillisText(int64_t ms) {
  const time_t seconds = static_cast<time_t>(ms / 1000);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return buffer;
}

inline std::string Fixed(double value, int digits = 3) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

inline std::string Html(const std::string& text) { return HtmlEscape(text); }

// Text safe inside a Markdown table cell.
inline std::string Md(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out.empty() ? " " : out;
}

inline std::string Join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

inline bool IsAlphaFamily(const std::string& name) {
  return name == "krippendorff_alpha" || name == "unitizing_alpha" || name == "cu_alpha" ||
         name == "Cu_alpha";
}

inline bool IsKappaFamily(const std::string& name) {
  return name == "cohen_kappa" || name == "fleiss_kappa" || name == "scott_pi" ||
         name == "gwet_ac1" || name == "gwet_ac2" || name == "brennan_prediger";
}

inline std::string ValueText(const Coefficient& c) {
  return c.value ? Fixed(*c.value) : "undefined (" + c.reason + ")";
}

inline std::string IntervalText(const Coefficient& c) {
  if (!c.ci) return "";
  if (!c.ci->defined()) return "undefined (" + c.ci->undefined_reason + ")";
  return "[" + Fixed(c.ci->low) + ", " + Fixed(c.ci->high) + "]";
}

inline const Coefficient* Find(const AgreementRow& row, const std::string& name) {
  for (const Coefficient& c : row.coefficients) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

inline std::vector<std::string> Coders(const std::vector<PairCell>& cells) {
  std::set<std::string> coders;
  for (const PairCell& cell : cells) {
    coders.insert(cell.coder_a);
    coders.insert(cell.coder_b);
  }
  return std::vector<std::string>(coders.begin(), coders.end());
}

inline std::optional<const PairCell*> Cell(const std::vector<PairCell>& cells, const std::string& a,
                                           const std::string& b) {
  for (const PairCell& cell : cells) {
    if ((cell.coder_a == a && cell.coder_b == b) || (cell.coder_a == b && cell.coder_b == a)) {
      return &cell;
    }
  }
  return std::nullopt;
}

inline std::string BandColour(std::optional<double> value) {
  if (!value) return "#bbbbbb";
  if (*value >= 0.8) return "#2e7d32";
  if (*value >= 0.667) return "#f9a825";
  return "#c62828";
}

inline constexpr char kVerifyText[] =
    "Verify the audit trail this report was generated from, offline:\n"
    "1. `icr audit export PROJECT --out trail.jsonl` (or get the export from the team), and the "
    "server's public key (`icr audit key --out server.pem`, or DATA_DIR/audit-public-key.pem).\n"
    "2. `icr audit verify trail.jsonl --public_key server.pem --head head.json`, where head.json "
    "holds the audit head below as a head line (the JSON report's `audit_head.line`): exit 0 "
    "means every event is intact and the trail extends this report's head.\n"
    "3. Check the key id above against the one the team published.";

inline json HeadLineJson(const AuditHead& head) {
  return json{{"type", "head"},
              {"format", "icr.tree_head.v1"},
              {"project", head.project},
              {"tree_size", head.tree_size},
              {"timestamp_ms", head.timestamp_ms},
              {"root_hash", head.root_hash_hex},
              {"signature", head.signature_hex},
              {"signature_algorithm", "Ed25519"},
              {"key_id", head.key_id}};
}

}  // namespace icr::report

#endif  // ICR_SERVER_REPORT_REPORT_INTERNAL_H_
