#include "server/report/reliability_table.h"

#include <cstdio>
#include <sstream>

#include "server/report/apa.h"
#include "server/report/html_escape.h"

namespace icr::report {
namespace {

const agreement::Coefficient* FindCoefficient(const AgreementRow& row, const std::string& name) {
  for (const agreement::Coefficient& c : row.coefficients) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

ReliabilityRow RowOf(const AgreementRow& row, const std::vector<std::string>& coefficients,
                     bool overall) {
  ReliabilityRow out;
  out.label = row.label;
  out.units = row.units;
  out.overall = overall;
  for (const std::string& name : coefficients) {
    ReliabilityCell cell;
    const agreement::Coefficient* c = FindCoefficient(row, name);
    if (c == nullptr) {
      cell.reason = "not computed";
    } else {
      cell.value = c->value;
      cell.reason = c->reason;
      if (c->ci && c->ci->defined()) {
        cell.low = c->ci->low;
        cell.high = c->ci->high;
      }
    }
    if (out.cells.empty() && c != nullptr) out.interpretation = Band(*c);
    out.cells.push_back(std::move(cell));
  }
  return out;
}

std::string Html(const std::string& text) { return HtmlEscape(text); }

std::string MdCell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out.empty() ? " " : out;
}

std::string ValueText(const ReliabilityCell& cell) {
  return cell.value ? ApaCoefficient(*cell.value) : "undefined";
}

// For a reader of the report: why a value is undefined, beside it.
std::string ValueWithReason(const ReliabilityCell& cell) {
  if (cell.value || cell.reason.empty()) return ValueText(cell);
  return "undefined (" + cell.reason + ")";
}

std::string IntervalText(const ReliabilityCell& cell) {
  return cell.low ? ApaInterval(*cell.low, *cell.high) : "";
}

std::string Csv(const std::string& field) {
  if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Percent(double confidence) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%g%%", confidence * 100);
  return buffer;
}

}  // namespace

ReliabilityTable BuildReliabilityTable(const RoundAgreement& agreement) {
  ReliabilityTable table;
  table.coefficients = agreement.coefficients;
  table.intervals = agreement.interval == "bootstrap" || agreement.interval == "analytic";
  auto has_interval = [](const AgreementRow& row) {
    for (const agreement::Coefficient& c : row.coefficients) {
      if (c.ci) return true;
    }
    return false;
  };
  for (const AgreementRow& row : agreement.independent) table.intervals |= has_interval(row);
  for (const AgreementRow& row : agreement.independent) {
    table.rows.push_back(RowOf(row, table.coefficients, false));
  }
  if (agreement.independent_overall) {
    ReliabilityRow overall = RowOf(*agreement.independent_overall, table.coefficients, true);
    overall.label = "Overall";
    table.rows.push_back(std::move(overall));
  }
  return table;
}

std::string ReliabilityMarkdown(const ReliabilityTable& table) {
  std::ostringstream out;
  out << "| code | units |";
  for (const std::string& name : table.coefficients) {
    out << " " << InfoFor(name).label << " |";
    if (table.intervals) out << " " << Percent(table.confidence) << " CI |";
  }
  out << " interpretation |\n|---|---|";
  for (size_t i = 0; i < table.coefficients.size(); ++i)
    out << (table.intervals ? "---|---|" : "---|");
  out << "---|\n";
  for (const ReliabilityRow& row : table.rows) {
    const std::string label = row.overall ? "**" + MdCell(row.label) + "**" : MdCell(row.label);
    out << "| " << label << " | " << ApaCount(row.units) << " |";
    for (const ReliabilityCell& cell : row.cells) {
      out << " " << MdCell(ValueWithReason(cell)) << " |";
      if (table.intervals) out << " " << MdCell(IntervalText(cell)) << " |";
    }
    out << " " << MdCell(row.interpretation) << " |\n";
  }
  return out.str();
}

std::string ReliabilityHtml(const ReliabilityTable& table) {
  std::ostringstream out;
  out << "<table class=reliability><tr><th>code</th><th>units</th>";
  for (const std::string& name : table.coefficients) {
    out << "<th>" << Html(InfoFor(name).label) << "</th>";
    if (table.intervals) out << "<th>" << Percent(table.confidence) << " CI</th>";
  }
  out << "<th>interpretation</th></tr>\n";
  for (const ReliabilityRow& row : table.rows) {
    out << "<tr" << (row.overall ? " class=overall" : "") << "><td>" << Html(row.label)
        << "</td><td class=num>" << ApaCount(row.units) << "</td>";
    for (const ReliabilityCell& cell : row.cells) {
      out << "<td class=num>" << Html(ValueWithReason(cell)) << "</td>";
      if (table.intervals) out << "<td class=num>" << IntervalText(cell) << "</td>";
    }
    out << "<td>" << Html(row.interpretation) << "</td></tr>\n";
  }
  out << "</table>\n";
  return out.str();
}

std::string LatexEscape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '&':
      case '%':
      case '$':
      case '#':
      case '_':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      default:
        // U+2212 MINUS SIGN (from ApaCoefficient) as math minus.
        if (text.compare(i, 3, "\u2212") == 0) {
          out += "$-$";
          i += 2;
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string ReliabilityLatex(const ReliabilityTable& table, const std::string& caption,
                             const std::string& label) {
  const size_t per = table.intervals ? 2 : 1;
  std::ostringstream out;
  out << "% Needs \\usepackage{booktabs}.\n\\begin{table}[htbp]\n\\centering\n\\caption{"
      << LatexEscape(caption) << "}\n\\label{" << LatexEscape(label) << "}\n\\begin{tabular}{lr"
      << std::string(table.coefficients.size() * per, 'r') << "l}\n\\toprule\nCode & Units";
  for (const std::string& name : table.coefficients) {
    out << " & " << InfoFor(name).latex;
    if (table.intervals) out << " & " << LatexEscape(Percent(table.confidence)) << " CI";
  }
  out << " & Interpretation \\\\\n\\midrule\n";
  for (const ReliabilityRow& row : table.rows) {
    if (row.overall) out << "\\midrule\n";
    out << LatexEscape(row.label) << " & " << LatexEscape(ApaCount(row.units));
    for (const ReliabilityCell& cell : row.cells) {
      out << " & " << LatexEscape(ValueText(cell));
      if (table.intervals) out << " & " << LatexEscape(IntervalText(cell));
    }
    out << " & " << LatexEscape(row.interpretation) << " \\\\\n";
  }
  out << "\\bottomrule\n\\end{tabular}\n\\end{table}\n";
  return out.str();
}

std::string ReliabilityCsvRows(const ReliabilityTable& table, const std::string& round,
                               bool header) {
  std::ostringstream out;
  if (header) {
    out << "round,code,units";
    for (const std::string& name : table.coefficients) {
      out << "," << name;
      if (table.intervals) out << "," << name << "_ci_low," << name << "_ci_high";
    }
    out << ",interpretation\r\n";
  }
  for (const ReliabilityRow& row : table.rows) {
    out << Csv(round) << "," << Csv(row.label) << "," << row.units;
    for (const ReliabilityCell& cell : row.cells) {
      // Machine-readable: plain decimals (no APA style), empty when undefined.
      char buffer[32] = "";
      if (cell.value) std::snprintf(buffer, sizeof(buffer), "%.3f", *cell.value);
      out << "," << buffer;
      if (table.intervals) {
        char low[32] = "", high[32] = "";
        if (cell.low) {
          std::snprintf(low, sizeof(low), "%.3f", *cell.low);
          std::snprintf(high, sizeof(high), "%.3f", *cell.high);
        }
        out << "," << low << "," << high;
      }
    }
    out << "," << Csv(row.interpretation) << "\r\n";
  }
  return out.str();
}

}  // namespace icr::report
