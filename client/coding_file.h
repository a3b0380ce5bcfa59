#ifndef ICR_CLIENT_CODING_FILE_H_
#define ICR_CLIENT_CODING_FILE_H_

// The CSV file of `icr coding submit`: header `document,code,segment` or
// `document,code,start,end`, optional `memo` and `coder` columns (the coder
// column is for leads submitting for coders). Every row is checked before
// anything is sent; errors name the file and line.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "icr/v1/coding.pb.h"

namespace icr::client {

struct CodingRow {
  int64_t line = 0;
  v1::CodingInput input;
};

// Rows grouped by coder ("" where the file has no coder column: the caller).
using CodingsByCoder = std::map<std::string, std::vector<CodingRow>>;

absl::StatusOr<CodingsByCoder> ReadCodingFile(const std::string& path);
// The same over CSV text in memory; `name` stands for the path in messages.
absl::StatusOr<CodingsByCoder> ParseCodingFile(std::string_view text, const std::string& name);

}  // namespace icr::client

#endif  // ICR_CLIENT_CODING_FILE_H_
