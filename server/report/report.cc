// Interpretation bands, and the reliability table alone (LaTeX, CSV).

#include "server/report/report.h"

#include "server/report/report_internal.h"

namespace icr::report {
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

std::string RenderLatex(const ReportData& d) {
  std::ostringstream out;
  out << "% Reliability of the coding of " << LatexEscape(d.title) << " (" << LatexEscape(d.project)
      << "), from icr's signed audit head of " << d.head.tree_size << " events.\n";
  for (const Round& r : d.rounds) {
    auto it = d.agreement.find(r.id);
    if (it == d.agreement.end()) continue;
    out << ReliabilityLatex(BuildReliabilityTable(it->second),
                            "Intercoder reliability per code, round " + r.id + " (units: " +
                                UnitsPhrase(it->second.speakers, it->second.exclude_speakers) + ")",
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
