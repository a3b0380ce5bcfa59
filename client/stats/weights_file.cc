#include "client/stats/weights_file.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "client/csv_reader.h"
#include "server/common/string_view.h"

namespace icr::client {

absl::StatusOr<WeightsTable> LoadWeightsCsv(const std::string& path) {
  WeightsTable out;
  int64_t row = 0;
  absl::Status status = ReadCsvFile(path, [&](const CsvRecord& r) -> absl::Status {
    if (r.line == 1 || out.labels.empty()) {
      if (r.fields.size() < 2) {
        return CsvError(path, r.line, "the header must be ,LABEL1,LABEL2,... (the categories)");
      }
      for (size_t i = 1; i < r.fields.size(); ++i) {
        if (r.fields[i].empty()) return CsvError(path, r.line, "an empty category label");
        out.labels.emplace_back(r.fields[i]);
      }
      return absl::OkStatus();
    }
    const size_t q = out.labels.size();
    if (row >= static_cast<int64_t>(q)) {
      return CsvError(path, r.line, absl::StrCat("more rows than the ", q, " categories"));
    }
    if (r.fields.size() != q + 1) {
      return CsvError(path, r.line,
                      absl::StrCat("ragged row: ", r.fields.size(), " fields, expected ", q + 1));
    }
    if (r.fields[0] != out.labels[row]) {
      return CsvError(path, r.line,
                      absl::StrCat("row '", AbslView(r.fields[0]), "' where the header has '",
                                   out.labels[row], "' (rows in the header's order)"));
    }
    for (size_t i = 1; i <= q; ++i) {
      std::optional<double> v = agreement::ParseNumber(r.fields[i]);
      if (!v || *v < 0 || *v > 1) {
        return CsvError(path, r.line,
                        absl::StrCat("weight '", AbslView(r.fields[i]), "' for (", out.labels[row],
                                     ", ", out.labels[i - 1], ") is not a number between 0 and 1"));
      }
      if (i - 1 == static_cast<size_t>(row) && *v != 1) {
        return CsvError(path, r.line,
                        absl::StrCat("the diagonal must be 1 (", out.labels[row], " has ",
                                     AbslView(r.fields[i]), ")"));
      }
      out.matrix.push_back(*v);
    }
    ++row;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (out.labels.empty()) return CsvError(path, 1, "empty weights file");
  if (row != static_cast<int64_t>(out.labels.size())) {
    return CsvError(path, row + 1,
                    absl::StrCat(row, " rows for the ", out.labels.size(), " categories"));
  }
  return out;
}

absl::StatusOr<agreement::WeightMatrix> WeightsOnData(const WeightsTable& table,
                                                      const std::string& path,
                                                      agreement::ReliabilityData& data) {
  absl::flat_hash_map<std::string, int> index;
  for (size_t i = 0; i < table.labels.size(); ++i) index[table.labels[i]] = static_cast<int>(i);
  for (const agreement::Category& c : data.categories()) {
    if (!index.contains(c.label)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": value '", c.label, "' of the data has no row in the weights"));
    }
  }
  data.AddUnusedCategories(table.labels);
  const int q = data.num_categories();
  std::vector<double> m(static_cast<size_t>(q) * q);
  const size_t n = table.labels.size();
  for (int k = 0; k < q; ++k) {
    const int tk = index.at(data.category(k).label);
    for (int l = 0; l < q; ++l) {
      m[static_cast<size_t>(k) * q + l] = table.matrix[tk * n + index.at(data.category(l).label)];
    }
  }
  return agreement::WeightMatrix(agreement::Weights::kCustom, std::move(m));
}

}  // namespace icr::client
