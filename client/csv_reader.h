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
#include "absl/status/statusor.h"
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

// A file's bytes, memory-mapped; read into memory instead when the file cannot
// be mapped (a pipe, an empty file). Move-only; the text lives as long as it.
class FileText {
 public:
  // Errors: "F.csv: cannot open", "F.csv: read error".
  static absl::StatusOr<FileText> Open(const std::string& path);

  FileText(FileText&& other) noexcept;
  FileText& operator=(FileText&& other) noexcept;
  FileText(const FileText&) = delete;
  FileText& operator=(const FileText&) = delete;
  ~FileText();

  std::string_view text() const {
    return mapped_ != nullptr ? std::string_view(mapped_, size_) : copy_;
  }

 private:
  FileText() = default;

  char* mapped_ = nullptr;
  size_t size_ = 0;
  std::string copy_;
};

// Reading a file in pieces, in parallel: only a file without any '"' can be
// cut at a line end without parsing it first (a quoted field may span lines),
// and there every line is one record (ReadCsvText reads such text the same
// way).
bool IsUnquotedCsv(std::string_view text);

// Unquoted text's first record (after a byte-order mark and blank lines), as
// its line without the line end, and the text after that line.
struct HeaderAndBody {
  std::string_view header;
  std::string_view body;
};
HeaderAndBody SplitHeader(std::string_view text);

// Cuts `text` right after line ends ('\n') into at most `pieces` runs of
// about equal size, in order, none empty, together the whole text.
std::vector<std::string_view> CutAtLineEnds(std::string_view text, int pieces);

// The records of unquoted text (no '"'), numbered from `first_line`: the
// records ReadCsvText gives, for a piece of a file.
absl::Status ReadUnquotedCsv(std::string_view text, int64_t first_line,
                             const std::function<absl::Status(const CsvRecord&)>& on_record);

// "path:line: message" as INVALID_ARGUMENT, the shape every input error of the
// CLI takes.
absl::Status CsvError(const std::string& path, int64_t line, absl::string_view message);

}  // namespace icr::client

#endif  // ICR_CLIENT_CSV_READER_H_
