#include "server/report/report.h"

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

namespace icr::report {
namespace {

using agreement::Coefficient;
using nlohmann::json;

// Milliseconds since the epoch as RFC 3339 UTC text.
std::string MillisText(int64_t ms) {
  const time_t seconds = static_cast<time_t>(ms / 1000);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return buffer;
}

std::string Fixed(double value, int digits = 3) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, value);
  return buffer;
}

std::string Html(const std::string& text) { return HtmlEscape(text); }

// Text safe inside a Markdown table cell.
std::string Md(const std::string& text) {
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

std::string Join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

bool IsAlphaFamily(const std::string& name) {
  return name == "krippendorff_alpha" || name == "unitizing_alpha" || name == "cu_alpha" ||
         name == "Cu_alpha";
}

bool IsKappaFamily(const std::string& name) {
  return name == "cohen_kappa" || name == "fleiss_kappa" || name == "scott_pi" ||
         name == "gwet_ac1" || name == "gwet_ac2" || name == "brennan_prediger";
}

std::string ValueText(const Coefficient& c) {
  return c.value ? Fixed(*c.value) : "undefined (" + c.reason + ")";
}

std::string IntervalText(const Coefficient& c) {
  if (!c.ci) return "";
  if (!c.ci->defined()) return "undefined (" + c.ci->undefined_reason + ")";
  return "[" + Fixed(c.ci->low) + ", " + Fixed(c.ci->high) + "]";
}

const Coefficient* Find(const AgreementRow& row, const std::string& name) {
  for (const Coefficient& c : row.coefficients) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<std::string> Coders(const std::vector<PairCell>& cells) {
  std::set<std::string> coders;
  for (const PairCell& cell : cells) {
    coders.insert(cell.coder_a);
    coders.insert(cell.coder_b);
  }
  return std::vector<std::string>(coders.begin(), coders.end());
}

std::optional<const PairCell*> Cell(const std::vector<PairCell>& cells, const std::string& a,
                                    const std::string& b) {
  for (const PairCell& cell : cells) {
    if ((cell.coder_a == a && cell.coder_b == b) || (cell.coder_a == b && cell.coder_b == a)) {
      return &cell;
    }
  }
  return std::nullopt;
}

std::string BandColour(std::optional<double> value) {
  if (!value) return "#bbbbbb";
  if (*value >= 0.8) return "#2e7d32";
  if (*value >= 0.667) return "#f9a825";
  return "#c62828";
}

const char kVerifyText[] =
    "Verify the audit trail this report was generated from, offline:\n"
    "1. `icr audit export PROJECT --out trail.jsonl` (or get the export from the team), and the "
    "server's public key (`icr audit key --out server.pem`, or DATA_DIR/audit-public-key.pem).\n"
    "2. `icr audit verify trail.jsonl --public_key server.pem --head head.json`, where head.json "
    "holds the audit head below as a head line (the JSON report's `audit_head.line`): exit 0 "
    "means every event is intact and the trail extends this report's head.\n"
    "3. Check the key id above against the one the team published.";

json HeadLineJson(const AuditHead& head) {
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

// --- Markdown ------------------------------------------------------------

void MdCoefficientTable(std::ostringstream& out, const std::vector<AgreementRow>& rows,
                        const std::optional<AgreementRow>& overall) {
  out << "| row | units | coefficient | value | 95% interval | interpretation |\n"
      << "|---|---|---|---|---|---|\n";
  auto emit = [&](const AgreementRow& row, bool bold) {
    for (const Coefficient& c : row.coefficients) {
      const std::string label = bold ? "**" + Md(row.label) + "**" : Md(row.label);
      out << "| " << label << " | " << row.units << " | " << c.name << " | " << Md(ValueText(c))
          << " | " << Md(IntervalText(c)) << " | " << Md(Band(c)) << " |\n";
    }
  };
  for (const AgreementRow& row : rows) emit(row, false);
  if (overall) emit(*overall, true);
  out << "\n";
}

void MdAgreement(std::ostringstream& out, const RoundAgreement* agreement) {
  out << "#### Agreement\n\n";
  if (agreement == nullptr) {
    out << "No agreement computed yet for this round.\n\n";
    return;
  }
  out << "Independent coding (before consensus):\n\n"
      << ReliabilityMarkdown(BuildReliabilityTable(*agreement)) << "\n";
  if (!agreement->negotiated.empty() || agreement->negotiated_overall) {
    out << "After consensus (negotiated):\n\n";
    MdCoefficientTable(out, agreement->negotiated, agreement->negotiated_overall);
  }
  if (!agreement->pairwise.empty()) {
    const std::vector<std::string> coders = Coders(agreement->pairwise);
    out << "Pairwise " << agreement->pairwise_coefficient << ":\n\n| |";
    for (const std::string& c : coders) out << " " << Md(c) << " |";
    out << "\n|---|";
    for (size_t i = 0; i < coders.size(); ++i) out << "---|";
    out << "\n";
    for (const std::string& a : coders) {
      out << "| " << Md(a) << " |";
      for (const std::string& b : coders) {
        auto cell = Cell(agreement->pairwise, a, b);
        out << " "
            << (a == b           ? "—"
                : !cell          ? ""
                : (*cell)->value ? Fixed(*(*cell)->value)
                                 : "undefined")
            << " |";
      }
      out << "\n";
    }
    out << "\n";
  }
  out << "Disagreements and their resolution:\n\n";
  if (agreement->resolutions.empty()) {
    out << "None resolved.\n\n";
    return;
  }
  out << "| document | unit | code | values | resolved to | rationale | by | when |\n"
      << "|---|---|---|---|---|---|---|---|\n";
  for (const DisagreementResolution& r : agreement->resolutions) {
    std::vector<std::string> values;
    for (const auto& [coder, value] : r.values) values.push_back(coder + ": " + value);
    out << "| " << Md(r.document) << " | " << Md(r.unit) << " | " << Md(r.code) << " | "
        << Md(Join(values, "; ")) << " | " << Md(r.final_value) << " | " << Md(r.rationale) << " | "
        << Md(r.resolved_by) << " | " << Md(r.time) << " |\n";
  }
  out << "\n";
}

void MdMethods(std::ostringstream& out, const MethodsSection& methods) {
  out << "#### For your methods section\n\n" << methods.Paragraph() << "\n\n"
      << "Where each sentence comes from (audit events):\n\n";
  for (size_t i = 0; i < methods.sentences.size(); ++i) {
    out << i + 1 << ". events " << methods.sentences[i].first_event << "\u2013"
        << methods.sentences[i].last_event << "\n";
  }
  out << "\nReferences:\n\n";
  for (const Reference& r : References()) {
    if (std::count(methods.references.begin(), methods.references.end(), r.key)) {
      out << "- " << r.apa << "\n";
    }
  }
  out << "\n";
}

// --- HTML ----------------------------------------------------------------

// Markdown's *italic* (the reference list's titles) as <i>.
std::string HtmlItalics(const std::string& text);

void HtmlMethods(std::ostringstream& out, const MethodsSection& methods) {
  out << "<section class=methods><h4>For your methods section</h4>\n<p class=paragraph>"
      << Html(methods.Paragraph()) << "</p>\n<details><summary>Where each sentence comes from"
      << "</summary><ol>";
  for (const MethodsSentence& s : methods.sentences) {
    out << "<li>" << Html(s.text) << " <span class=note>(audit events " << s.first_event
        << "\u2013" << s.last_event << ")</span></li>";
  }
  out << "</ol></details>\n<h5>References</h5><ul class=references>";
  for (const Reference& r : References()) {
    if (std::count(methods.references.begin(), methods.references.end(), r.key)) {
      out << "<li>" << HtmlItalics(Html(r.apa)) << "</li>";
    }
  }
  out << "</ul></section>\n";
}

std::string HtmlItalics(const std::string& text) {
  std::string out;
  bool open = false;
  for (char c : text) {
    if (c == '*') {
      out += open ? "</i>" : "<i>";
      open = !open;
    } else {
      out += c;
    }
  }
  if (open) out += "</i>";
  return out;
}

const char kCss[] = R"css(
body{font-family:Georgia,'Times New Roman',serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.4}
h1,h2,h3,h4{font-family:Helvetica,Arial,sans-serif;color:#1a3d5c}
h1{border-bottom:2px solid #1a3d5c;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem;width:100%}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef3f7}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code,.hash{font-family:'DejaVu Sans Mono',monospace;font-size:.8rem;word-break:break-all}
.band-reliable{color:#2e7d32}.band-tentative{color:#b27c00}.band-unreliable{color:#c62828}
.note{color:#555;font-style:italic}
svg{max-width:100%;height:auto}
section{margin-bottom:1.5rem}
.methods .paragraph{background:#f4f7fa;border-left:3px solid #1a3d5c;padding:.6rem 1rem;font-size:1.02rem}
.references li{margin-bottom:.3rem;padding-left:1.5rem;text-indent:-1.5rem;list-style:none}
tr.overall td{font-weight:bold;border-top:2px solid #888}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}table,svg,figure{break-inside:avoid}a{color:inherit}}
)css";

std::string BandClass(const std::string& band) {
  if (band.rfind("reliable", 0) == 0 || band.rfind("almost perfect", 0) == 0 ||
      band.rfind("substantial", 0) == 0) {
    return "band-reliable";
  }
  if (band.rfind("tentative", 0) == 0 || band.rfind("moderate", 0) == 0) return "band-tentative";
  if (band.empty()) return "";
  return "band-unreliable";
}

void HtmlCoefficientTable(std::ostringstream& out, const std::vector<AgreementRow>& rows,
                          const std::optional<AgreementRow>& overall) {
  out << "<table><tr><th>row</th><th>units</th><th>coefficient</th><th>value</th>"
         "<th>95% interval</th><th>interpretation</th></tr>\n";
  auto emit = [&](const AgreementRow& row, bool bold) {
    for (const Coefficient& c : row.coefficients) {
      const std::string band = Band(c);
      out << "<tr><td>" << (bold ? "<b>" : "") << Html(row.label) << (bold ? "</b>" : "")
          << "</td><td class=num>" << row.units << "</td><td>" << Html(c.name)
          << "</td><td class=num>" << Html(ValueText(c)) << "</td><td class=num>"
          << Html(IntervalText(c)) << "</td><td class=\"" << BandClass(band) << "\">" << Html(band)
          << "</td></tr>\n";
    }
  };
  for (const AgreementRow& row : rows) emit(row, false);
  if (overall) emit(*overall, true);
  out << "</table>\n";
}

void HtmlAgreement(std::ostringstream& out, const RoundAgreement* agreement) {
  out << "<h4>Agreement</h4>\n";
  if (agreement == nullptr) {
    out << "<p class=note>No agreement computed yet for this round.</p>\n";
    return;
  }
  out << "<p>Independent coding (before consensus):</p>\n";
  const std::string table = ReliabilityHtml(BuildReliabilityTable(*agreement));
  const std::string chart = BarChartSvg(agreement->independent, agreement->headline);
  if (!chart.empty()) {
    out << "<figure>" << chart << "<figcaption>" << Html(InfoFor(agreement->headline).label)
        << " per row with its 95% bootstrap interval; dashed lines at .667 and .800."
        << "</figcaption></figure>\n";
  }
  out << table;
  if (!agreement->negotiated.empty() || agreement->negotiated_overall) {
    out << "<p>After consensus (negotiated):</p>\n";
    HtmlCoefficientTable(out, agreement->negotiated, agreement->negotiated_overall);
  }
  if (!agreement->pairwise.empty()) {
    out << "<p>Pairwise " << Html(agreement->pairwise_coefficient) << ":</p>\n<figure>"
        << HeatMapSvg(agreement->pairwise) << "</figure>\n";
  }
  out << "<p>Disagreements and their resolution:</p>\n";
  if (agreement->resolutions.empty()) {
    out << "<p class=note>None resolved.</p>\n";
    return;
  }
  out << "<table><tr><th>document</th><th>unit</th><th>code</th><th>values</th>"
         "<th>resolved to</th><th>rationale</th><th>by</th><th>when</th></tr>\n";
  for (const DisagreementResolution& r : agreement->resolutions) {
    std::vector<std::string> values;
    for (const auto& [coder, value] : r.values) values.push_back(coder + ": " + value);
    out << "<tr><td>" << Html(r.document) << "</td><td>" << Html(r.unit) << "</td><td>"
        << Html(r.code) << "</td><td>" << Html(Join(values, "; ")) << "</td><td>"
        << Html(r.final_value) << "</td><td>" << Html(r.rationale) << "</td><td>"
        << Html(r.resolved_by) << "</td><td>" << Html(r.time) << "</td></tr>\n";
  }
  out << "</table>\n";
}

// --- JSON ----------------------------------------------------------------

json CoefficientJson(const Coefficient& c) {
  json out = {{"name", c.name},           {"value", c.value ? json(*c.value) : json(nullptr)},
              {"defined", c.defined()},   {"reason", c.reason},
              {"observed", c.observed},   {"expected", c.expected},
              {"units", c.units},         {"pairable_values", c.pairable_values},
              {"interpretation", Band(c)}};
  if (c.ci && !c.ci->defined()) {
    out["ci"] = {{"defined", false},
                 {"undefined_reason", c.ci->undefined_reason},
                 {"confidence", c.ci->confidence},
                 {"samples", 0}};
  } else if (c.ci) {
    out["ci"] = {{"defined", true},
                 {"low", c.ci->low},
                 {"high", c.ci->high},
                 {"confidence", c.ci->confidence},
                 {"samples", c.ci->samples}};
  }
  if (c.p_below_min) out["p_below_min"] = *c.p_below_min;
  return out;
}

json RowJson(const AgreementRow& row) {
  json coefficients = json::array();
  for (const Coefficient& c : row.coefficients) coefficients.push_back(CoefficientJson(c));
  return {{"label", row.label}, {"units", row.units}, {"coefficients", coefficients}};
}

json RowsJson(const std::vector<AgreementRow>& rows) {
  json out = json::array();
  for (const AgreementRow& row : rows) out.push_back(RowJson(row));
  return out;
}

json AgreementJson(const RoundAgreement& a) {
  json pairwise = json::array();
  for (const PairCell& cell : a.pairwise) {
    pairwise.push_back({{"coder_a", cell.coder_a},
                        {"coder_b", cell.coder_b},
                        {"units", cell.units},
                        {"value", cell.value ? json(*cell.value) : json(nullptr)}});
  }
  json resolutions = json::array();
  for (const DisagreementResolution& r : a.resolutions) {
    resolutions.push_back({{"document", r.document},
                           {"unit", r.unit},
                           {"code", r.code},
                           {"values", r.values},
                           {"final_value", r.final_value},
                           {"rationale", r.rationale},
                           {"resolved_by", r.resolved_by},
                           {"time", r.time}});
  }
  return {{"headline", a.headline},
          {"coefficients", a.coefficients},
          {"interval", a.interval},
          {"bootstrap", a.bootstrap_samples},
          {"seed", a.seed},
          {"interval_note", a.interval_note},
          {"units", a.units},
          {"disagreements", a.disagreements},
          {"resolved", a.resolved},
          {"work",
           {{"pairs_counted", a.pairs_counted},
            {"pairs_in_progress", a.pairs_in_progress},
            {"pairs_not_started", a.pairs_not_started}}},
          {"independent",
           {{"rows", RowsJson(a.independent)},
            {"overall", a.independent_overall ? RowJson(*a.independent_overall) : json(nullptr)}}},
          {"negotiated",
           {{"rows", RowsJson(a.negotiated)},
            {"overall", a.negotiated_overall ? RowJson(*a.negotiated_overall) : json(nullptr)}}},
          {"pairwise_coefficient", a.pairwise_coefficient},
          {"pairwise", pairwise},
          {"resolutions", resolutions}};
}

json MethodsJson(const MethodsSection& methods) {
  json sentences = json::array();
  for (const MethodsSentence& s : methods.sentences) {
    sentences.push_back({{"text", s.text}, {"events", {s.first_event, s.last_event}}});
  }
  json references = json::array();
  for (const Reference& r : References()) {
    if (std::count(methods.references.begin(), methods.references.end(), r.key)) {
      references.push_back({{"key", r.key}, {"apa", r.apa}});
    }
  }
  return {{"paragraph", methods.Paragraph()}, {"sentences", sentences}, {"references", references}};
}

}  // namespace

std::string Band(const Coefficient& c) {
  if (!c.value) return "";
  const double v = *c.value;
  if (IsAlphaFamily(c.name)) {
    if (v >= 0.800) return "reliable (>= .800)";
    if (v >= 0.667) return "tentative (>= .667)";
    return "unreliable (< .667)";
  }
  if (IsKappaFamily(c.name)) {
    // Landis & Koch (1977).
    if (v > 0.80) return "almost perfect (Landis & Koch)";
    if (v > 0.60) return "substantial (Landis & Koch)";
    if (v > 0.40) return "moderate (Landis & Koch)";
    if (v > 0.20) return "fair (Landis & Koch)";
    if (v >= 0.0) return "slight (Landis & Koch)";
    return "poor (Landis & Koch)";
  }
  return "";
}

std::string BarChartSvg(const std::vector<AgreementRow>& rows, const std::string& coefficient) {
  struct Bar {
    std::string label;
    const Coefficient* c;
  };
  std::vector<Bar> bars;
  double low = 0;
  for (const AgreementRow& row : rows) {
    const Coefficient* c = Find(row, coefficient);
    if (c == nullptr) continue;
    bars.push_back({row.label, c});
    if (c->value) low = std::min(low, *c->value);
    if (c->ci && c->ci->defined()) low = std::min(low, c->ci->low);
  }
  if (bars.empty()) return "";
  low = std::max(-1.0, std::floor(low * 5) / 5);  // to a .2 tick
  const double high = 1.0;
  // Room for the longest label (about 6.5 px a character at the chart's
  // font size), so none is cut at the left edge.
  size_t longest = 0;
  for (const auto& bar : bars) longest = std::max(longest, bar.label.size());
  const int left = std::clamp(static_cast<int>(16 + 6.5 * static_cast<double>(longest)), 170, 360);
  const int plot = 420, row_height = 26, top = 28;
  const int height = top + row_height * static_cast<int>(bars.size()) + 30;
  auto x = [&](double v) { return left + (std::clamp(v, low, high) - low) / (high - low) * plot; };
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bar-chart\" width=\""
      << left + plot + 70 << "\" height=\"" << height << "\" viewBox=\"0 0 " << left + plot + 70
      << " " << height
      << "\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\" role=\"img\" "
         "aria-label=\""
      << Html(coefficient) << " per row\">\n";
  // Axis ticks every .2.
  for (double t = low; t <= high + 1e-9; t += 0.2) {
    svg << "<line x1=\"" << Fixed(x(t), 1) << "\" y1=\"" << top - 6 << "\" x2=\"" << Fixed(x(t), 1)
        << "\" y2=\"" << height - 24 << "\" stroke=\"#e0e0e0\"/>"
        << "<text x=\"" << Fixed(x(t), 1) << "\" y=\"" << height - 8
        << "\" text-anchor=\"middle\" fill=\"#555\">" << Fixed(t, 1) << "</text>\n";
  }
  for (const auto& [t, label] : {std::pair{0.667, ".667"}, std::pair{0.800, ".800"}}) {
    svg << "<line class=\"threshold\" x1=\"" << Fixed(x(t), 1) << "\" y1=\"" << top - 10
        << "\" x2=\"" << Fixed(x(t), 1) << "\" y2=\"" << height - 24
        << "\" stroke=\"#1a3d5c\" stroke-dasharray=\"4 3\"/><text x=\"" << Fixed(x(t), 1)
        << "\" y=\"" << top - 14 << "\" text-anchor=\"middle\" fill=\"#1a3d5c\">" << label
        << "</text>\n";
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const Coefficient& c = *bars[i].c;
    const int y = top + static_cast<int>(i) * row_height;
    svg << "<text x=\"" << left - 8 << "\" y=\"" << y + 16 << "\" text-anchor=\"end\">"
        << Html(bars[i].label) << "</text>";
    if (!c.value) {
      svg << "<text x=\"" << Fixed(x(0) + 4, 1) << "\" y=\"" << y + 16
          << "\" fill=\"#777\" font-style=\"italic\">undefined: " << Html(c.reason) << "</text>\n";
      continue;
    }
    const double x0 = x(0), x1 = x(*c.value);
    svg << "<rect class=\"bar\" x=\"" << Fixed(std::min(x0, x1), 1) << "\" y=\"" << y + 4
        << "\" width=\"" << Fixed(std::max(1.0, std::fabs(x1 - x0)), 1) << "\" height=\""
        << row_height - 10 << "\" fill=\"" << BandColour(c.value) << "\"><title>"
        << Html(bars[i].label) << ": " << Fixed(*c.value) << "</title></rect>";
    if (c.ci && c.ci->defined()) {
      const double cy = y + row_height / 2.0 - 1;
      svg << "<line class=\"ci\" x1=\"" << Fixed(x(c.ci->low), 1) << "\" y1=\"" << cy << "\" x2=\""
          << Fixed(x(c.ci->high), 1) << "\" y2=\"" << cy << "\" stroke=\"#222\"/>";
      for (double end : {c.ci->low, c.ci->high}) {
        svg << "<line x1=\"" << Fixed(x(end), 1) << "\" y1=\"" << cy - 5 << "\" x2=\""
            << Fixed(x(end), 1) << "\" y2=\"" << cy + 5 << "\" stroke=\"#222\"/>";
      }
    }
    svg << "<text x=\"" << left + plot + 6 << "\" y=\"" << y + 16 << "\">" << Fixed(*c.value)
        << "</text>\n";
  }
  svg << "</svg>";
  return svg.str();
}

std::string HeatMapSvg(const std::vector<PairCell>& cells) {
  const std::vector<std::string> coders = Coders(cells);
  if (coders.empty()) return "";
  const int cell = 56, left = 110, top = 90;
  const int n = static_cast<int>(coders.size());
  const int width = left + cell * n + 10, height = top + cell * n + 10;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heat-map\" width=\"" << width
      << "\" height=\"" << height << "\" viewBox=\"0 0 " << width << " " << height
      << "\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\" role=\"img\" "
         "aria-label=\"pairwise agreement\">\n";
  for (int i = 0; i < n; ++i) {
    svg << "<text x=\"" << left - 6 << "\" y=\"" << top + i * cell + cell / 2 + 4
        << "\" text-anchor=\"end\">" << Html(coders[i]) << "</text>";
    const int cx = left + i * cell + cell / 2;
    svg << "<text x=\"" << cx << "\" y=\"" << top - 6 << "\" transform=\"rotate(-45 " << cx << " "
        << top - 6 << ")\">" << Html(coders[i]) << "</text>\n";
  }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const int x = left + j * cell, y = top + i * cell;
      std::string fill = "#f0f0f0", text = "—";
      if (i != j) {
        auto found = Cell(cells, coders[i], coders[j]);
        if (found && (*found)->value) {
          const double v = std::clamp(*(*found)->value, 0.0, 1.0);
          fill = "hsl(" + Fixed(120 * v, 0) + ",65%,72%)";
          text = Fixed(*(*found)->value, 2);
        } else {
          text = found ? "undef." : "";
        }
      }
      svg << "<rect class=\"cell\" x=\"" << x << "\" y=\"" << y << "\" width=\"" << cell
          << "\" height=\"" << cell << "\" fill=\"" << fill << "\" stroke=\"#fff\"/>"
          << "<text x=\"" << x + cell / 2 << "\" y=\"" << y + cell / 2 + 4
          << "\" text-anchor=\"middle\">" << text << "</text>\n";
    }
  }
  svg << "</svg>";
  return svg.str();
}

std::string RenderMarkdown(const ReportData& d) {
  std::ostringstream out;
  out << "# Trustworthiness report: " << d.title << " (" << d.project << ")\n\n"
      << "Generated " << d.generated_time << " from the audit trail's signed head of "
      << d.head.tree_size << " events (see *Audit head* below).\n\n";
  if (!d.description.empty()) out << d.description << "\n\n";
  out << "## Team\n\n| user | role | rounds coded | codings submitted |\n|---|---|---|---|\n";
  for (const TeamMember& m : d.team) {
    out << "| " << Md(m.user) << " | " << m.role << " | " << Md(Join(m.rounds)) << " | "
        << m.codings_submitted << " |\n";
  }
  out << "\n## Codebook (revision " << d.codebook_revision << ")\n\n"
      << "| code | name | parent | definition | state | revision |\n|---|---|---|---|---|---|\n";
  for (const Code& c : d.codes) {
    out << "| " << Md(c.id) << " | " << Md(c.name) << " | " << Md(c.parent) << " | "
        << Md(c.definition) << " | "
        << Md(c.merged_into.empty() ? c.state : c.state + " into " + c.merged_into) << " | "
        << c.revision << " |\n";
  }
  out << "\n### Revisions (from the audit trail)\n\n";
  if (d.codebook_changes.empty()) {
    out << "No codebook changes recorded.\n";
  } else {
    out << "| revision | when | by | change | audit event |\n|---|---|---|---|---|\n";
    for (const CodebookChange& c : d.codebook_changes) {
      out << "| " << c.revision << " | " << c.time << " | " << Md(c.actor) << " | "
          << Md(c.action + ": " + c.summary) << " | " << c.seq << " |\n";
    }
  }
  out << "\n## Rounds\n\n";
  if (d.rounds.empty()) out << "No rounds yet.\n\n";
  for (const Round& r : d.rounds) {
    out << "### Round " << r.id << (r.title.empty() ? "" : ": " + r.title) << "\n\n"
        << "- state: " << r.state << (r.blind ? ", blind" : "") << "\n"
        << "- started from codebook revision " << r.codebook_revision << "\n"
        << "- documents: " << Join(r.documents) << "\n- coders: " << Join(r.coders) << "\n\n";
    if (!r.history.empty()) {
      out << "| when | what | by | audit event |\n|---|---|---|---|\n";
      for (const RoundEvent& e : r.history) {
        out << "| " << e.time << " | " << Md(e.what) << " | " << Md(e.actor) << " | " << e.seq
            << " |\n";
      }
      out << "\n";
    }
    auto it = d.agreement.find(r.id);
    MdAgreement(out, it == d.agreement.end() ? nullptr : &it->second);
    if (it != d.agreement.end()) MdMethods(out, BuildMethods(d, r, it->second));
  }
  const AuditHead& h = d.head;
  out << "## Audit head\n\n"
      << "| field | value |\n|---|---|\n"
      << "| project | " << h.project << " |\n| tree size (events) | " << h.tree_size << " |\n"
      << "| root hash (SHA-256, RFC 9162) | `" << h.root_hash_hex << "` |\n"
      << "| signed at | " << MillisText(h.timestamp_ms) << " (" << h.timestamp_ms << " ms) |\n"
      << "| Ed25519 signature | `" << h.signature_hex << "` |\n"
      << "| key id (SHA-256 of the public key) | `" << h.key_id << "` |\n\n"
      << "Head line for `--head`:\n\n```\n"
      << HeadLineJson(h).dump() << "\n```\n\n"
      << "Server public key:\n\n```\n"
      << h.public_key_pem << "```\n\n"
      << "### How to verify\n\n"
      << kVerifyText << "\n";
  return out.str();
}

std::string RenderHtml(const ReportData& d) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<title>Trustworthiness report: " << Html(d.title) << "</title><style>" << kCss
      << "</style></head><body>\n"
      << "<h1>Trustworthiness report: " << Html(d.title) << " <small>(" << Html(d.project)
      << ")</small></h1>\n<p>Generated " << Html(d.generated_time)
      << " from the audit trail's signed head of " << d.head.tree_size << " events.</p>\n";
  if (!d.description.empty()) out << "<p>" << Html(d.description) << "</p>\n";
  out << "<section><h2>Team</h2><table><tr><th>user</th><th>role</th><th>rounds coded</th>"
         "<th>codings submitted</th></tr>\n";
  for (const TeamMember& m : d.team) {
    out << "<tr><td>" << Html(m.user) << "</td><td>" << m.role << "</td><td>"
        << Html(Join(m.rounds)) << "</td><td class=num>" << m.codings_submitted << "</td></tr>\n";
  }
  out << "</table></section>\n<section><h2>Codebook (revision " << d.codebook_revision
      << ")</h2><table><tr><th>code</th><th>name</th><th>parent</th><th>definition</th>"
         "<th>state</th><th>revision</th></tr>\n";
  for (const Code& c : d.codes) {
    out << "<tr><td><code>" << Html(c.id) << "</code></td><td>" << Html(c.name) << "</td><td>"
        << Html(c.parent) << "</td><td>" << Html(c.definition) << "</td><td>"
        << Html(c.merged_into.empty() ? c.state : c.state + " into " + c.merged_into)
        << "</td><td class=num>" << c.revision << "</td></tr>\n";
  }
  out << "</table><h3>Revisions (from the audit trail)</h3>\n";
  if (d.codebook_changes.empty()) {
    out << "<p class=note>No codebook changes recorded.</p>\n";
  } else {
    out << "<table><tr><th>revision</th><th>when</th><th>by</th><th>change</th>"
           "<th>audit event</th></tr>\n";
    for (const CodebookChange& c : d.codebook_changes) {
      out << "<tr><td class=num>" << c.revision << "</td><td>" << Html(c.time) << "</td><td>"
          << Html(c.actor) << "</td><td>" << Html(c.action + ": " + c.summary)
          << "</td><td class=num>" << c.seq << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  out << "</section>\n<section><h2>Rounds</h2>\n";
  if (d.rounds.empty()) out << "<p class=note>No rounds yet.</p>\n";
  for (const Round& r : d.rounds) {
    out << "<h3>Round " << Html(r.id) << (r.title.empty() ? "" : ": " + Html(r.title))
        << "</h3>\n<ul><li>state: " << r.state << (r.blind ? ", blind" : "")
        << "</li><li>started from codebook revision " << r.codebook_revision
        << "</li><li>documents: " << Html(Join(r.documents))
        << "</li><li>coders: " << Html(Join(r.coders)) << "</li></ul>\n";
    if (!r.history.empty()) {
      out << "<table><tr><th>when</th><th>what</th><th>by</th><th>audit event</th></tr>\n";
      for (const RoundEvent& e : r.history) {
        out << "<tr><td>" << Html(e.time) << "</td><td>" << Html(e.what) << "</td><td>"
            << Html(e.actor) << "</td><td class=num>" << e.seq << "</td></tr>\n";
      }
      out << "</table>\n";
    }
    auto it = d.agreement.find(r.id);
    HtmlAgreement(out, it == d.agreement.end() ? nullptr : &it->second);
    if (it != d.agreement.end()) HtmlMethods(out, BuildMethods(d, r, it->second));
  }
  const AuditHead& h = d.head;
  out << "</section>\n<section><h2>Audit head</h2><table>"
      << "<tr><th>project</th><td>" << Html(h.project) << "</td></tr>"
      << "<tr><th>tree size (events)</th><td>" << h.tree_size << "</td></tr>"
      << "<tr><th>root hash (SHA-256, RFC 9162)</th><td class=hash>" << h.root_hash_hex
      << "</td></tr><tr><th>signed at</th><td>" << MillisText(h.timestamp_ms) << " ("
      << h.timestamp_ms << " ms)</td></tr>"
      << "<tr><th>Ed25519 signature</th><td class=hash>" << h.signature_hex << "</td></tr>"
      << "<tr><th>key id</th><td class=hash>" << h.key_id << "</td></tr></table>\n"
      << "<p>Head line for <code>--head</code>:</p><pre class=hash>" << Html(HeadLineJson(h).dump())
      << "</pre>\n<p>Server public key:</p><pre class=hash>" << Html(h.public_key_pem)
      << "</pre>\n<h3>How to verify</h3><p>";
  std::string text = kVerifyText;
  // The verification text is Markdown-ish: show backticks as code.
  bool in_code = false;
  for (char c : text) {
    if (c == '`') {
      out << (in_code ? "</code>" : "<code>");
      in_code = !in_code;
    } else if (c == '\n') {
      out << "<br>";
    } else {
      out << Html(std::string(1, c));
    }
  }
  out << "</p></section>\n</body></html>\n";
  return out.str();
}

std::string RenderJson(const ReportData& d) {
  json team = json::array();
  for (const TeamMember& m : d.team) {
    team.push_back({{"user", m.user},
                    {"role", m.role},
                    {"rounds", m.rounds},
                    {"codings_submitted", m.codings_submitted}});
  }
  json codes = json::array();
  for (const Code& c : d.codes) {
    codes.push_back({{"id", c.id},
                     {"name", c.name},
                     {"definition", c.definition},
                     {"parent", c.parent},
                     {"state", c.state},
                     {"merged_into", c.merged_into},
                     {"revision", c.revision}});
  }
  json changes = json::array();
  for (const CodebookChange& c : d.codebook_changes) {
    changes.push_back({{"seq", c.seq},
                       {"revision", c.revision},
                       {"time", c.time},
                       {"actor", c.actor},
                       {"action", c.action},
                       {"summary", c.summary}});
  }
  json rounds = json::array();
  for (const Round& r : d.rounds) {
    json history = json::array();
    for (const RoundEvent& e : r.history) {
      history.push_back({{"time", e.time}, {"what", e.what}, {"actor", e.actor}, {"seq", e.seq}});
    }
    auto it = d.agreement.find(r.id);
    json methods = nullptr;
    if (it != d.agreement.end()) methods = MethodsJson(BuildMethods(d, r, it->second));
    rounds.push_back(
        {{"id", r.id},
         {"title", r.title},
         {"state", r.state},
         {"blind", r.blind},
         {"codebook_revision", r.codebook_revision},
         {"documents", r.documents},
         {"coders", r.coders},
         {"history", history},
         {"agreement", it == d.agreement.end() ? json(nullptr) : AgreementJson(it->second)},
         {"methods", methods}});
  }
  const AuditHead& h = d.head;
  json out = {
      {"project", d.project},
      {"title", d.title},
      {"description", d.description},
      {"generated_time", d.generated_time},
      {"team", team},
      {"codebook", {{"revision", d.codebook_revision}, {"codes", codes}, {"changes", changes}}},
      {"rounds", rounds},
      {"audit_head",
       {{"project", h.project},
        {"tree_size", h.tree_size},
        {"root_hash", h.root_hash_hex},
        {"timestamp_ms", h.timestamp_ms},
        {"time", MillisText(h.timestamp_ms)},
        {"signature", h.signature_hex},
        {"key_id", h.key_id},
        {"public_key_pem", h.public_key_pem},
        {"line", HeadLineJson(h)}}},
      {"verification", kVerifyText}};
  return out.dump(2) + "\n";
}

}  // namespace icr::report

namespace icr::report {

std::string RenderLatex(const ReportData& d) {
  std::ostringstream out;
  out << "% Reliability of the coding of " << LatexEscape(d.title) << " (" << LatexEscape(d.project)
      << "), from icr's signed audit head of " << d.head.tree_size << " events.\n";
  for (const Round& r : d.rounds) {
    auto it = d.agreement.find(r.id);
    if (it == d.agreement.end()) continue;
    out << ReliabilityLatex(BuildReliabilityTable(it->second),
                            "Intercoder reliability per code, round " + r.id,
                            "tab:reliability-" + r.id);
  }
  return out.str();
}

std::string RenderCsv(const ReportData& d) {
  std::string out;
  bool header = true;
  for (const Round& r : d.rounds) {
    auto it = d.agreement.find(r.id);
    if (it == d.agreement.end()) continue;
    out += ReliabilityCsvRows(BuildReliabilityTable(it->second), r.id, header);
    header = false;
  }
  return out;
}

}  // namespace icr::report
