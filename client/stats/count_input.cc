#include "client/stats/count_input.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "client/csv_reader.h"
#include "server/common/string_view.h"

namespace icr::client {
namespace {

using agreement::ReliabilityData;

// A count: a whole number from 0 up.
std::optional<int64_t> ParseCount(std::string_view field) {
  int64_t v = 0;
  const char* end = field.data() + field.size();
  auto [ptr, ec] = std::from_chars(field.data(), end, v);
  if (ec != std::errc() || ptr != end || v < 0) return std::nullopt;
  return v;
}

struct CountFile {
  std::vector<std::string> labels;         // the header's categories
  std::vector<std::string> row_names;      // first column
  std::vector<std::vector<int64_t>> rows;  // counts, labels.size() each
  std::vector<int64_t> lines;
};

absl::StatusOr<CountFile> ReadCounts(const std::string& path) {
  CountFile f;
  absl::Status status = ReadCsvFile(path, [&](const CsvRecord& r) -> absl::Status {
    if (f.labels.empty()) {
      if (r.fields.size() < 3) {
        return CsvError(path, r.line,
                        "the header must name the categories: ,LABEL1,LABEL2,... (two or more)");
      }
      absl::flat_hash_set<std::string> seen;
      for (size_t i = 1; i < r.fields.size(); ++i) {
        if (r.fields[i].empty()) return CsvError(path, r.line, "an empty category label");
        if (!seen.insert(std::string(r.fields[i])).second) {
          return CsvError(path, r.line,
                          absl::StrCat("category '", AbslView(r.fields[i]), "' twice"));
        }
        f.labels.emplace_back(r.fields[i]);
      }
      return absl::OkStatus();
    }
    if (r.fields.size() != f.labels.size() + 1) {
      return CsvError(
          path, r.line,
          absl::StrCat("ragged row: ", r.fields.size(), " fields, expected ", f.labels.size() + 1));
    }
    std::vector<int64_t> counts;
    for (size_t i = 1; i < r.fields.size(); ++i) {
      std::optional<int64_t> n = ParseCount(r.fields[i]);
      if (!n) {
        return CsvError(path, r.line,
                        absl::StrCat("count '", AbslView(r.fields[i]), "' for ", f.labels[i - 1],
                                     " is not a whole number from 0 up"));
      }
      counts.push_back(*n);
    }
    f.row_names.emplace_back(r.fields[0]);
    f.rows.push_back(std::move(counts));
    f.lines.push_back(r.line);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (f.labels.empty()) return CsvError(path, 1, "empty file");
  return f;
}

// The categories in the header's order, every one present (unused ones too).
ReliabilityData WithCategories(std::vector<std::string> units, std::vector<std::string> coders,
                               const std::vector<std::string>& labels) {
  ReliabilityData data(std::move(units), std::move(coders));
  data.AddUnusedCategories(labels);
  return data;
}

LoadedData Loaded(ReliabilityData data) {
  LoadedData out;
  out.first_line.assign(data.num_categories(), 1);  // the header names them all
  out.data = std::move(data);
  out.layout = CsvLayout::kWide;
  return out;
}

}  // namespace

absl::StatusOr<LoadedData> LoadContingencyTableCsv(const std::string& path) {
  absl::StatusOr<CountFile> f = ReadCounts(path);
  if (!f.ok()) return f.status();
  const size_t k = f->labels.size();
  if (f->rows.size() != k) {
    return CsvError(path, f->lines.empty() ? 1 : f->lines.back(),
                    absl::StrCat(f->rows.size(), " rows for the ", k,
                                 " categories of the header (a k x k table)"));
  }
  int64_t total = 0;
  for (size_t i = 0; i < k; ++i) {
    if (f->row_names[i] != f->labels[i]) {
      return CsvError(path, f->lines[i],
                      absl::StrCat("row '", f->row_names[i], "' where the header has '",
                                   f->labels[i], "' (rows in the header's order)"));
    }
    for (int64_t n : f->rows[i]) total += n;
  }
  if (total == 0) return CsvError(path, 1, "the table counts no units");
  std::vector<std::string> units(total);
  for (int64_t u = 0; u < total; ++u) units[u] = std::to_string(u + 1);
  ReliabilityData data = WithCategories(std::move(units), {"row", "column"}, f->labels);
  int64_t u = 0;
  for (size_t a = 0; a < k; ++a) {
    for (size_t b = 0; b < k; ++b) {
      for (int64_t n = 0; n < f->rows[a][b]; ++n, ++u) {
        data.set_value(u, 0, static_cast<int32_t>(a));
        data.set_value(u, 1, static_cast<int32_t>(b));
      }
    }
  }
  return Loaded(std::move(data));
}

absl::StatusOr<LoadedData> LoadUnitCountsCsv(const std::string& path) {
  absl::StatusOr<CountFile> f = ReadCounts(path);
  if (!f.ok()) return f.status();
  int64_t coders = 0;
  for (const auto& row : f->rows) {
    int64_t m = 0;
    for (int64_t n : row) m += n;
    coders = std::max(coders, m);
  }
  if (coders < 2) return CsvError(path, 1, "no unit has two ratings");
  if (coders > 100000) {
    return CsvError(path, 1, absl::StrCat("a unit with ", coders, " ratings: too many coders"));
  }
  std::vector<std::string> names;
  for (int64_t c = 0; c < coders; ++c) names.push_back(absl::StrCat("rating", c + 1));
  ReliabilityData data = WithCategories(f->row_names, std::move(names), f->labels);
  for (size_t u = 0; u < f->rows.size(); ++u) {
    int c = 0;
    for (size_t k = 0; k < f->labels.size(); ++k) {
      for (int64_t n = 0; n < f->rows[u][k]; ++n) {
        data.set_value(static_cast<int64_t>(u), c++, static_cast<int32_t>(k));
      }
    }
  }
  return Loaded(std::move(data));
}

}  // namespace icr::client
