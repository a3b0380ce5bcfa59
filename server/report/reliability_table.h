#ifndef ICR_SERVER_REPORT_RELIABILITY_TABLE_H_
#define ICR_SERVER_REPORT_RELIABILITY_TABLE_H_

// The reliability table as papers print it: one row per code (and the
// overall row last), the chosen coefficients as columns, each with its
// interval, and the headline coefficient's interpretation. The report's
// agreement section shows it in Markdown and HTML; LaTeX (an APA 7 table
// environment) and CSV write it alone for a manuscript.

#include <optional>
#include <string>
#include <vector>

#include "server/report/report.h"

namespace icr::report {

struct ReliabilityCell {
  std::optional<double> value;
  std::string reason;  // why undefined
  std::optional<double> low, high;
};

struct ReliabilityRow {
  std::string label;
  int64_t units = 0;
  std::vector<ReliabilityCell> cells;  // one per coefficient
  std::string interpretation;          // of the first coefficient
  bool overall = false;
};

struct ReliabilityTable {
  std::vector<std::string> coefficients;
  bool intervals = false;
  double confidence = 0.95;
  std::vector<ReliabilityRow> rows;
};

ReliabilityTable BuildReliabilityTable(const RoundAgreement& agreement);

std::string ReliabilityMarkdown(const ReliabilityTable& table);
std::string ReliabilityHtml(const ReliabilityTable& table);
// A LaTeX `table` with a `tabular` inside (booktabs rules), special
// characters escaped; `caption` is plain text.
std::string ReliabilityLatex(const ReliabilityTable& table, const std::string& caption,
                             const std::string& label);
// CSV rows (RFC 4180); `round` becomes the first column.
std::string ReliabilityCsvRows(const ReliabilityTable& table, const std::string& round,
                               bool header);

// LaTeX-escaped text.
std::string LatexEscape(const std::string& text);

}  // namespace icr::report

#endif  // ICR_SERVER_REPORT_RELIABILITY_TABLE_H_
