#include "client/output.h"

#include <csv.h>

#include <algorithm>

#include "client/display_width.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace icr::client {
namespace {

std::string CsvField(const std::string& field) {
  // Worst case every character is a quote: 2n + 2.
  std::string quoted(2 * field.size() + 2, '\0');
  size_t n = csv_write(quoted.data(), quoted.size(), field.data(), field.size());
  quoted.resize(n);
  return quoted;
}

}  // namespace

std::string FormatTime(const google::protobuf::Timestamp& time) {
  return google::protobuf::util::TimeUtil::ToString(time);
}

std::string MessageToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

void PrintRows(OutputFormat format, std::ostream& out, const Rows& rows) {
  if (format == OutputFormat::kCsv) {
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << CsvField(row[i]);
      out << "\n";
    }
    return;
  }
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    out << line << "\n";
  }
}

void Print(const GlobalOptions& globals, std::ostream& out,
           const google::protobuf::Message& message, const Rows& rows) {
  if (globals.output == OutputFormat::kJson) {
    out << MessageToJson(message) << "\n";
  } else {
    PrintRows(globals.output, out, rows);
  }
}

}  // namespace icr::client
