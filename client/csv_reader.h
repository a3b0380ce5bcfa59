#ifndef ICR_CLIENT_CSV_READER_H_
#define ICR_CLIENT_CSV_READER_H_

// Streaming CSV reading (RFC 4180, via Debian's libcsv) with record numbers
// for error messages. Used by `icr stats` and `icr coding submit`.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace icr::client {

// One record of a CSV file. The views are valid only during the callback.
struct CsvRecord {
  // 1-based record number; the header is record 1. Equals the line number
  // unless a quoted field spans lines.
  int64_t line = 0;
  std::vector<std::string_view> fields;
};

// Calls `on_record` for every record of the file at `path`, header included,
// in order. Stops at the first non-OK status the callback returns and returns
// it. Errors name the file: "F.csv: cannot open", "F.csv:12: malformed CSV".
// Empty lines are skipped. A UTF-8 byte-order mark at the start is dropped.
absl::Status ReadCsvFile(const std::string& path,
                         const std::function<absl::Status(const CsvRecord&)>& on_record);

// The same over text already in memory; `name` is used in error messages.
absl::Status ReadCsvText(std::string_view text, const std::string& name,
                         const std::function<absl::Status(const CsvRecord&)>& on_record);

// "path:line: message" as INVALID_ARGUMENT, the shape every input error of the
// CLI takes.
absl::Status CsvError(const std::string& path, int64_t line, absl::string_view message);

}  // namespace icr::client

#endif  // ICR_CLIENT_CSV_READER_H_
