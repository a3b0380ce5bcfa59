#include "client/stats/coefficient_format.h"

#include <algorithm>
#include <cstdio>

namespace icr::client {

std::string FormatNumber(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  std::string out = buffer;
  if (out == "-0" || out.find_first_not_of("-0.") == std::string::npos) {
    if (out[0] == '-') out.erase(0, 1);  // no "-0.0000"
  }
  return out;
}

std::string FormatPValue(double p) {
  if (p >= 0.001) return FormatNumber(p, 4);
  if (p == 0) return "0";
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2e", p);
  return buffer;
}

std::string Interpretation(const agreement::Coefficient& c) {
  if (!c.value) return "";
  const double v = *c.value;
  auto ends_with = [&](std::string_view suffix) {
    return c.name.size() >= suffix.size() &&
           c.name.compare(c.name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  // Krippendorff's bands for every member of the alpha family; none for
  // percent agreement, which has no chance correction to band; Landis & Koch
  // for the kappa family.
  if (ends_with("_alpha")) {
    if (v >= 0.800) return "reliable";
    if (v >= 0.667) return "tentative";
    return "unreliable";
  }
  if (ends_with("percent_agreement")) return "";
  // Koo & Li (2016) for the intraclass correlations.
  if (c.name.rfind("icc_", 0) == 0) {
    if (v < 0.5) return "poor";
    if (v < 0.75) return "moderate";
    if (v < 0.9) return "good";
    return "excellent";
  }
  if (v < 0) return "poor";
  if (v <= 0.20) return "slight";
  if (v <= 0.40) return "fair";
  if (v <= 0.60) return "moderate";
  if (v <= 0.80) return "substantial";
  return "almost perfect";
}

nlohmann::json CoefficientToJson(const agreement::Coefficient& c) {
  nlohmann::json j;
  j["name"] = c.name;
  j["value"] = c.value ? nlohmann::json(*c.value) : nlohmann::json(nullptr);
  j["defined"] = c.defined();
  j["reason"] = c.reason;
  j["observed"] = c.observed;
  j["expected"] = c.expected;
  j["observed_is_disagreement"] = c.observed_is_disagreement;
  j["units"] = c.units;
  j["pairable_values"] = c.pairable_values;
  j["interpretation"] = Interpretation(c);
  if (!c.variant.empty()) j["variant"] = c.variant;
  if (!c.weights.empty()) j["weights"] = c.weights;
  if (c.ci && c.ci->defined()) {
    j["ci"] = {{"defined", true},
               {"low", c.ci->low},
               {"high", c.ci->high},
               {"confidence", c.ci->confidence},
               {"samples", c.ci->samples}};
  } else if (c.ci) {
    // No low and high: a [0, 0] would read as an interval.
    j["ci"] = {{"defined", false},
               {"undefined_reason", c.ci->undefined_reason},
               {"confidence", c.ci->confidence},
               {"samples", c.ci->samples}};
  }
  if (c.ci && c.ci->se) j["ci"]["se"] = *c.ci->se;
  if (c.p_below_min) j["p_below_min"] = *c.p_below_min;
  if (c.analytic) {
    // The names of the proto's Coefficient fields.
    const agreement::AnalyticInterval& a = *c.analytic;
    j["se_method"] = "analytic";
    j["se_confidence"] = a.confidence;
    if (a.population > 0) j["se_population"] = a.population;
    if (a.defined()) {
      j["se"] = a.se;
      j["ci_low"] = a.low;
      j["ci_high"] = a.high;
      j["p_value"] = a.p_value ? nlohmann::json(*a.p_value) : nlohmann::json(nullptr);
      j["se_degrees_of_freedom"] = a.degrees_of_freedom;
    } else {
      j["se"] = nullptr;
      j["se_reason"] = a.undefined_reason;
    }
  } else if (c.f_test) {
    const agreement::FTestInterval& f = *c.f_test;
    j["se_method"] = "f_distribution";
    j["se_confidence"] = f.confidence;
    j["ci_low"] = f.low;
    j["ci_high"] = f.high;
    j["p_value"] = f.p_value;
  } else if (c.ci && c.ci->se) {
    j["se"] = *c.ci->se;
    j["se_method"] = "bootstrap";
  }
  return j;
}

std::vector<std::string> CoefficientTableHeader() {
  return {"coefficient", "value",   "interpretation",  "ci",
          "se",          "p_value", "p_below_min",     "observed",
          "expected",    "units",   "pairable_values", "note"};
}

std::vector<std::string> CoefficientTableRow(const agreement::Coefficient& c, int decimals) {
  auto interval = [&](double low, double high) {
    return "[" + FormatNumber(low, decimals) + ", " + FormatNumber(high, decimals) + "]";
  };
  std::string bootstrap_ci;
  if (c.ci && c.ci->defined()) {
    bootstrap_ci = interval(c.ci->low, c.ci->high);
  } else if (c.ci) {
    bootstrap_ci = "undefined (" + c.ci->undefined_reason + ")";
  }
  // The analytic interval when there is one (the bootstrap's beside it),
  // else the bootstrap's; se likewise.
  std::string ci = bootstrap_ci, se, p_value;
  if (c.analytic && c.analytic->defined()) {
    ci = interval(c.analytic->low, c.analytic->high);
    if (!bootstrap_ci.empty()) ci += "; bootstrap " + bootstrap_ci;
    se = FormatNumber(c.analytic->se, decimals);
    if (c.analytic->p_value) p_value = FormatPValue(*c.analytic->p_value);
  } else if (c.f_test) {
    ci = interval(c.f_test->low, c.f_test->high) + " (F)";
    p_value = FormatPValue(c.f_test->p_value);
  } else if (c.ci && c.ci->se) {
    se = FormatNumber(*c.ci->se, decimals) + " (bootstrap)";
  }
  std::string note = c.defined() ? c.variant : c.reason;
  if (c.defined() && c.analytic && !c.analytic->defined()) {
    note += (note.empty() ? "" : "; ") + ("no se: " + c.analytic->undefined_reason);
  }
  return {c.name,
          c.value ? FormatNumber(*c.value, decimals) : "undefined",
          Interpretation(c),
          ci,
          se,
          p_value,
          c.p_below_min ? FormatNumber(*c.p_below_min, decimals) : "",
          FormatNumber(c.observed, decimals),
          FormatNumber(c.expected, decimals),
          std::to_string(c.units),
          std::to_string(c.pairable_values),
          note};
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (size_t i = 0; i < row.size(); ++i) {
      text += row[i];
      if (i + 1 < row.size()) text += std::string(width[i] - row[i].size() + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  for (size_t r = 0; r < rows.size(); ++r) {
    line(rows[r]);
    if (r == 0) {
      std::vector<std::string> rule;
      for (size_t i = 0; i < rows[0].size(); ++i) rule.push_back(std::string(width[i], '-'));
      line(rule);
    }
  }
  return out;
}

std::string FormatCsv(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      const std::string& f = row[i];
      if (f.find_first_of(",\"\n\r") == std::string::npos) {
        out += f;
        continue;
      }
      out += '"';
      for (char ch : f) {
        if (ch == '"') out += '"';
        out += ch;
      }
      out += '"';
    }
    out += '\n';
  }
  return out;
}

}  // namespace icr::client
