// The report as one self-contained HTML file (inline CSS and SVG, no scripts).

#include "server/report/report.h"
#include "server/report/report_internal.h"

namespace icr::report {
namespace {

// Markdown's *italic* (the reference list's titles) as <i>.
std::string HtmlItalics(const std::string& text);

void HtmlMethods(std::ostringstream& out, const MethodsSection& methods) {
  out << "<section class=methods><h4>For your methods section</h4>\n<p class=paragraph>"
      << Html(methods.Paragraph()) << "</p>\n<details><summary>Where each sentence comes from"
      << "</summary><ol>";
  for (const MethodsSentence& s : methods.sentences) {
    out << "<li>" << Html(s.text) << " <span class=note>(audit events " << s.first_event << "\u2013"
        << s.last_event << ")</span></li>";
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

// Every table cell, list item and paragraph of names or text takes its
// direction from its own text (unicode-bidi: plaintext, the CSS form of
// dir="auto"), so a Persian, Arabic or Hebrew code name, document title or
// rationale reads right to left in an English report, and a right-to-left
// project title inside the English heading is isolated (<bdi>).
const char kCss[] = R"css(
body{font-family:Georgia,'Times New Roman',serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.4}
h1,h2,h3,h4{font-family:Helvetica,Arial,sans-serif;color:#1a3d5c}
h1{border-bottom:2px solid #1a3d5c;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem;width:100%}
th,td,li,.paragraph{unicode-bidi:plaintext}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:start;vertical-align:top}
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
  out << "<p>Units of analysis: " << agreement->units << ", "
      << Html(UnitsPhrase(agreement->speakers, agreement->exclude_speakers)) << ".</p>\n"
      << "<p>Independent coding (before consensus):</p>\n";
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

}  // namespace

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

std::string RenderHtml(const ReportData& d) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      << "<title>Trustworthiness report: " << Html(d.title) << "</title><style>" << kCss
      << "</style></head><body>\n"
      << "<h1>Trustworthiness report: <bdi>" << Html(d.title) << "</bdi> <small>("
      << Html(d.project) << ")</small></h1>\n<p>Generated " << Html(d.generated_time)
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
        << "</li><li>coders: " << Html(Join(r.coders))
        << "</li><li>units: " << Html(UnitsPhrase(r.speakers, r.exclude_speakers))
        << "</li></ul>\n";
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

}  // namespace icr::report
