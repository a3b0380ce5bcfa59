#ifndef ICR_CLIENT_OUTPUT_H_
#define ICR_CLIENT_OUTPUT_H_

// How the CLI prints: JSON (stable, for scripts), aligned tables (for
// people), or CSV (for spreadsheets), per --output.

#include <ostream>
#include <string>
#include <vector>

#include "client/global_options.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace icr::client {

using Rows = std::vector<std::vector<std::string>>;  // first row: the header

// A message in protobuf's JSON mapping with the .proto field names
// (snake_case) and every field present, defaults included.
std::string MessageToJson(const google::protobuf::Message& message);

// Prints `message` as JSON when --output json, else `rows` as a table or CSV.
void Print(const GlobalOptions& globals, std::ostream& out,
           const google::protobuf::Message& message, const Rows& rows);

// A timestamp as RFC 3339 text.
std::string FormatTime(const google::protobuf::Timestamp& time);

// `rows` as an aligned table or as CSV (RFC 4180 quoting).
void PrintRows(OutputFormat format, std::ostream& out, const Rows& rows);

}  // namespace icr::client

#endif  // ICR_CLIENT_OUTPUT_H_
