// The CSV readers of `icr stats` and `icr coding submit`.

#include <string>
#include <string_view>

#include "client/coding_file.h"
#include "client/csv_reader.h"
#include "client/stats/stats_input.h"
#include "server/agreement/analysis.h"
#include "tests/fuzz/check.h"
#include "tests/fuzz/fuzz_inputs.h"

namespace icr::fuzz {
namespace {

// Errors of the readers are INVALID_ARGUMENT "name:line: reason".
void CheckInputError(const absl::Status& status, const std::string& name) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument) << status;
  FUZZ_CHECK(status.message().substr(0, name.size() + 1) == name + ":") << status;
}

void CheckData(const client::LoadedData& loaded) {
  const agreement::ReliabilityData& data = loaded.data;
  FUZZ_CHECK(data.cells().size() == static_cast<size_t>(data.num_units() * data.num_coders()));
  for (int32_t cell : data.cells()) {
    FUZZ_CHECK(cell == agreement::ReliabilityData::kMissing ||
               (cell >= 0 && cell < data.num_categories()))
        << cell;
  }
}

}  // namespace

void StatsCsvInput(std::string_view data) {
  const std::string name = "fuzz.csv";
  // The CSV layer alone: records are numbered in order.
  int64_t last_line = 0;
  absl::Status read = client::ReadCsvText(data, name, [&](const client::CsvRecord& record) {
    FUZZ_CHECK(record.line > last_line) << record.line << " after " << last_line;
    last_line = record.line;
    return absl::OkStatus();
  });
  if (!read.ok()) CheckInputError(read, name);

  for (client::CsvLayout layout :
       {client::CsvLayout::kAuto, client::CsvLayout::kLong, client::CsvLayout::kWide}) {
    for (bool set_valued : {false, true}) {
      absl::StatusOr<client::LoadedData> loaded =
          client::ParseReliabilityCsv(data, name, layout, set_valued);
      // A wide file read in pieces (in parallel) gives what one piece gives:
      // the same error, or the same table.
      absl::StatusOr<client::LoadedData> pieces =
          client::ParseReliabilityCsv(data, name, layout, set_valued, /*pieces=*/3);
      FUZZ_CHECK(pieces.status() == loaded.status())
          << pieces.status() << " vs " << loaded.status();
      if (loaded.ok()) {
        FUZZ_CHECK(pieces->data.cells() == loaded->data.cells());
        FUZZ_CHECK(pieces->first_line == loaded->first_line);
        FUZZ_CHECK(pieces->data.num_categories() == loaded->data.num_categories());
      }
      if (!loaded.ok()) {
        CheckInputError(loaded.status(), name);
        continue;
      }
      CheckData(*loaded);
      if (!loaded->data.OrderCategories().ok()) continue;
      CheckData(*loaded);
      // The analysis `icr stats` runs next; kept small so one input stays fast.
      if (loaded->data.num_coders() > 12 || loaded->data.num_units() > 200) continue;
      agreement::AnalysisOptions options;
      options.set_metric = set_valued ? std::optional(agreement::Metric::kMasi) : std::nullopt;
      absl::StatusOr<agreement::Analysis> analysis = agreement::Analyze(loaded->data, options);
      if (!analysis.ok()) {
        FUZZ_CHECK(analysis.status().code() == absl::StatusCode::kInvalidArgument)
            << analysis.status();
        continue;
      }
      FUZZ_CHECK(analysis->units == loaded->data.num_units());
      if (loaded->data.all_numeric() && !set_valued) {
        options.level = agreement::Level::kInterval;
        absl::StatusOr<agreement::Analysis> interval = agreement::Analyze(loaded->data, options);
        FUZZ_CHECK(interval.ok() || interval.status().code() == absl::StatusCode::kInvalidArgument)
            << interval.status();
      }
    }
  }
}

void CodingCsvInput(std::string_view data) {
  const std::string name = "codings.csv";
  absl::StatusOr<client::CodingsByCoder> rows = client::ParseCodingFile(data, name);
  if (!rows.ok()) {
    CheckInputError(rows.status(), name);
    return;
  }
  for (const auto& [coder, coder_rows] : *rows) {
    for (const client::CodingRow& row : coder_rows) {
      FUZZ_CHECK(row.line > 1);
      FUZZ_CHECK(!row.input.document().empty() && !row.input.code().empty());
      if (row.input.has_span()) {
        FUZZ_CHECK(row.input.span().start() >= 0 &&
                   row.input.span().start() < row.input.span().end());
      } else {
        FUZZ_CHECK(row.input.unit_case() == v1::CodingInput::kSegment && row.input.segment() >= 0);
      }
    }
  }
}

}  // namespace icr::fuzz
