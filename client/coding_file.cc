#include "client/coding_file.h"

#include <charconv>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/csv_reader.h"

namespace icr::client {
namespace {

bool ParseInt(std::string_view text, int64_t* value) {
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, *value);
  return error == std::errc() && ptr == end;
}

using RecordCallback = std::function<absl::Status(const CsvRecord&)>;

// Reads the records `read` gives (a file's or a text's), `path` naming them.
absl::StatusOr<CodingsByCoder> ReadCodings(
    const std::string& path,
    const std::function<absl::Status(const RecordCallback&)>& read) {
  CodingsByCoder result;
  std::map<std::string, int> column;  // name -> index
  size_t width = 0;
  absl::Status status = read([&](const CsvRecord& record) -> absl::Status {
    if (record.line == 1) {
      static const std::vector<std::string> kKnown = {"document", "code", "segment", "start",
                                                      "end",      "memo", "coder"};
      for (size_t i = 0; i < record.fields.size(); ++i) {
        std::string name(record.fields[i]);
        if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end()) {
          return CsvError(path, 1,
                          absl::StrCat("unknown column \"", name, "\"; expected ",
                                       absl::StrJoin(kKnown, ", ")));
        }
        if (!column.emplace(name, static_cast<int>(i)).second) {
          return CsvError(path, 1, absl::StrCat("column \"", name, "\" appears twice"));
        }
      }
      width = record.fields.size();
      const bool segment = column.count("segment") > 0;
      const bool span = column.count("start") > 0 && column.count("end") > 0;
      if (!column.count("document") || !column.count("code") || segment == span ||
          (!span && (column.count("start") || column.count("end")))) {
        return CsvError(path, 1,
                        "the header must be document,code,segment or document,code,start,end "
                        "(with optional memo and coder)");
      }
      return absl::OkStatus();
    }
    if (record.fields.size() != width) {
      return CsvError(path, record.line,
                      absl::StrCat(record.fields.size(), " fields; the header has ", width));
    }
    auto field = [&](const char* name) { return record.fields[column.at(name)]; };
    CodingRow row;
    row.line = record.line;
    row.input.set_document(std::string(field("document")));
    row.input.set_code(std::string(field("code")));
    if (row.input.document().empty()) return CsvError(path, record.line, "document is empty");
    if (row.input.code().empty()) return CsvError(path, record.line, "code is empty");
    if (column.count("segment")) {
      int64_t segment = 0;
      if (!ParseInt(field("segment"), &segment) || segment < 0) {
        return CsvError(path, record.line,
                        absl::StrCat("segment \"", std::string(field("segment")),
                                     "\" is not a segment index (0, 1, ...)"));
      }
      row.input.set_segment(segment);
    } else {
      int64_t start = 0, end = 0;
      if (!ParseInt(field("start"), &start) || !ParseInt(field("end"), &end) || start < 0) {
        return CsvError(path, record.line, "start and end must be code point offsets (0, 1, ...)");
      }
      if (start >= end) {
        return CsvError(path, record.line,
                        absl::StrCat("start ", start, " must be before end ", end));
      }
      row.input.mutable_span()->set_start(start);
      row.input.mutable_span()->set_end(end);
    }
    if (column.count("memo")) row.input.set_memo(std::string(field("memo")));
    const std::string coder = column.count("coder") ? std::string(field("coder")) : "";
    result[coder].push_back(std::move(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (column.empty()) return CsvError(path, 1, "the file is empty");
  return result;
}

}  // namespace

absl::StatusOr<CodingsByCoder> ReadCodingFile(const std::string& path) {
  return ReadCodings(path, [&](const RecordCallback& on_record) {
    return ReadCsvFile(path, on_record);
  });
}

absl::StatusOr<CodingsByCoder> ParseCodingFile(std::string_view text, const std::string& name) {
  return ReadCodings(name, [&](const RecordCallback& on_record) {
    return ReadCsvText(text, name, on_record);
  });
}

}  // namespace icr::client
