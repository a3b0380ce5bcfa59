#ifndef ICR_CLIENT_STATS_STATS_INPUT_H_
#define ICR_CLIENT_STATS_STATS_INPUT_H_

// Reading reliability data from the CSV layouts of `icr stats` (DESIGN §10).
//
// Long: header `unit,coder,value`, one row per value; several rows for one
// unit and coder make a set (only when `set_valued`; otherwise an error).
// A row with an empty value is no value. A unit or coder without a row is
// missing.
//
// Wide: header `unit,CODER1,CODER2,...`, one row per unit; an empty cell is
// missing. With `set_valued`, a cell "a;b" is the set {a, b}.
//
// Every error is INVALID_ARGUMENT "path:line: reason".

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/agreement/reliability_data.h"

namespace icr::client {

enum class CsvLayout { kAuto, kLong, kWide };  // kAuto: long iff the header is unit,coder,value

struct LoadedData {
  agreement::ReliabilityData data;
  // The line on which each category (by id, as loaded) first appears, for
  // error messages about values.
  std::vector<int64_t> first_line;
  CsvLayout layout = CsvLayout::kLong;
};

absl::StatusOr<LoadedData> LoadReliabilityCsv(const std::string& path, CsvLayout layout,
                                              bool set_valued);

// The same over CSV text in memory; `name` stands for the path in messages.
// A wide file without any '"' is cut at line ends into `pieces` runs read in
// parallel (0: two per core, one for a small file); the result is the same
// for any number.
absl::StatusOr<LoadedData> ParseReliabilityCsv(std::string_view text, const std::string& name,
                                               CsvLayout layout, bool set_valued, int pieces = 0);

}  // namespace icr::client

#endif  // ICR_CLIENT_STATS_STATS_INPUT_H_
