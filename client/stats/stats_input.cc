#include "client/stats/stats_input.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/csv_reader.h"
#include "server/common/parallel_for.h"
#include "server/common/status_macros.h"

namespace icr::client {
namespace {

using agreement::ReliabilityData;

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// Interns names (units, coders) to dense ids in first-appearance order. The
// index is keyed by the names' 64-bit hashes (an integer key is much cheaper
// than a string key for a million units); names whose hash collides with a
// different name's go to a string-keyed overflow map.
class NameTable {
 public:
  // The id of `name` and whether it is new.
  std::pair<int64_t, bool> Intern(std::string_view name) {
    const uint64_t hash = absl::Hash<absl::string_view>{}(AbslView(name));
    const int64_t next = static_cast<int64_t>(names_.size());
    auto [it, inserted] = by_hash_.try_emplace(hash, next);
    if (inserted) {
      names_.emplace_back(name);
      return {next, true};
    }
    if (names_[it->second] == name) return {it->second, false};
    auto [over, new_name] = overflow_.try_emplace(AbslView(name), next);
    if (new_name) names_.emplace_back(name);
    return {over->second, new_name};
  }
  std::vector<std::string>& names() { return names_; }
  void Reserve(size_t n) {
    by_hash_.reserve(n);
    names_.reserve(n);
  }

 private:
  absl::flat_hash_map<uint64_t, int64_t> by_hash_;
  absl::flat_hash_map<std::string, int64_t> overflow_;
  std::vector<std::string> names_;
};

// Splits a wide-layout set cell "a;b" into its elements (empty ones dropped).
std::vector<std::string_view> SplitSet(std::string_view cell) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= cell.size()) {
    size_t end = cell.find(';', start);
    if (end == std::string_view::npos) end = cell.size();
    if (end > start) parts.push_back(cell.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

class CategoryLines {
 public:
  void Note(int32_t id, int64_t line) {
    if (id == static_cast<int32_t>(lines_.size())) lines_.push_back(line);
  }
  std::vector<int64_t> Take() { return std::move(lines_); }

 private:
  std::vector<int64_t> lines_;
};

// Category ids of short labels by their bytes: a cheaper lookup than hashing
// a string, for the common case of codes like "3", "12" or "yes". Labels of
// one or two bytes index a table directly; up to 7 bytes are packed into an
// integer key.
class ShortLabelCache {
 public:
  ShortLabelCache() : tiny_(256 + 65536, kUnknown) {}

  int32_t Intern(std::string_view label, ReliabilityData& data) {
    if (!label.empty() && label.size() <= 2) {
      const auto byte = [&](size_t i) { return static_cast<unsigned char>(label[i]); };
      int32_t& id = tiny_[label.size() == 1 ? byte(0) : 256 + (byte(0) << 8 | byte(1))];
      if (id == kUnknown) id = data.InternValue(label);
      return id;
    }
    if (label.size() > 7) return data.InternValue(label);
    uint64_t key = label.size();
    for (char c : label) key = (key << 8) | static_cast<unsigned char>(c);
    auto [it, inserted] = ids_.try_emplace(key, 0);
    if (inserted) it->second = data.InternValue(label);
    return it->second;
  }

 private:
  static constexpr int32_t kUnknown = -2;
  std::vector<int32_t> tiny_;  // by the label's bytes (see Intern)
  absl::flat_hash_map<uint64_t, int32_t> ids_;
};

using ReadFn = std::function<absl::Status(const std::function<absl::Status(const CsvRecord&)>&)>;

// The coder names of a wide header (record 1).
absl::Status ReadWideHeader(const CsvRecord& r, const std::string& name,
                            std::vector<std::string>* coders) {
  const size_t width = r.fields.size();
  if (width < 2 || r.fields[0] != "unit") {
    return CsvError(name, r.line, "wrong header: expected unit,CODER1,CODER2,...");
  }
  NameTable seen;
  for (size_t i = 1; i < width; ++i) {
    if (r.fields[i].empty()) return CsvError(name, r.line, "empty coder name in header");
    if (!seen.Intern(r.fields[i]).second) {
      return CsvError(
          name, r.line,
          absl::StrCat("coder '", AbslView(r.fields[i]), "' appears twice in the header"));
    }
    coders->emplace_back(r.fields[i]);
  }
  return absl::OkStatus();
}

// The rows of one run of consecutive records of a wide file, read on their
// own (several runs in parallel): categories interned in the run's order of
// first appearance, unit names hashed for the duplicate check that needs all
// runs (AssembleWide). Row i of the run is its i-th record.
class WideRun {
 public:
  WideRun(size_t width, bool set_valued) : width_(width), set_valued_(set_valued) {}

  // Room for `rows` rows, so that a large run does not grow (and copy) its
  // arrays step by step.
  void Reserve(int64_t rows) {
    units_.reserve(rows);
    hashes_.reserve(rows);
    cells_.reserve(rows * (width_ - 1));
  }

  // Adds one row; on a bad row, keeps the first reason and returns non-OK so
  // that reading stops there (later rows cannot come before it).
  absl::Status Add(const CsvRecord& r) {
    if (r.fields.size() != width_) {
      return Fail(
          absl::StrCat("ragged row: ", r.fields.size(), " fields, the header has ", width_));
    }
    if (r.fields[0].empty()) return Fail("empty unit");
    const int64_t row = rows();
    units_.emplace_back(r.fields[0]);
    hashes_.push_back(absl::Hash<absl::string_view>{}(AbslView(r.fields[0])));
    for (size_t i = 1; i < width_; ++i) {
      std::string_view cell = r.fields[i];
      int32_t id = ReliabilityData::kMissing;
      if (!cell.empty()) {
        id = set_valued_ ? categories_.InternSet(SplitSet(cell)) : cache_.Intern(cell, categories_);
        if (id == static_cast<int32_t>(first_row_.size())) first_row_.push_back(row);
      }
      cells_.push_back(id);
    }
    return absl::OkStatus();
  }

  int64_t rows() const { return static_cast<int64_t>(units_.size()); }
  bool failed() const { return !error_.empty(); }
  // The bad row (a run-relative index, = rows()) and why.
  const std::string& error() const { return error_; }
  std::vector<std::string>& units() { return units_; }
  const std::vector<uint64_t>& hashes() const { return hashes_; }
  const std::vector<int32_t>& cells() const { return cells_; }
  // Run-local category ids, and the row on which each first appears.
  const ReliabilityData& categories() const { return categories_; }
  const std::vector<int64_t>& first_row() const { return first_row_; }

 private:
  absl::Status Fail(std::string reason) {
    error_ = std::move(reason);
    return absl::CancelledError("bad row");
  }

  size_t width_;
  bool set_valued_;
  std::vector<std::string> units_;
  std::vector<uint64_t> hashes_;
  std::vector<int32_t> cells_;
  ReliabilityData categories_;
  ShortLabelCache cache_;
  std::vector<int64_t> first_row_;
  std::string error_;
};

// Row r of the body (0-based, over all runs) is record r + 2: the header is
// record 1 and every later record is one row.
int64_t LineOfRow(int64_t row) { return row + 2; }

// The runs of a wide file and where each starts (start[i] is the number of
// rows before run i; start.back() all of them).
struct WideRuns {
  std::vector<WideRun> runs;
  std::vector<int64_t> start;

  const std::string& UnitAt(int64_t row) {
    const size_t i = std::upper_bound(start.begin(), start.end(), row) - start.begin() - 1;
    return runs[i].units()[row - start[i]];
  }
};

// The first row whose unit name an earlier row has, and that earlier row;
// {-1, -1} when all of the first `rows` are distinct. Names are split by hash
// into one shard per thread; each shard meets its rows in file order, so its
// first repeat is its earliest, and the earliest over the shards is the one.
std::pair<int64_t, int64_t> FirstDuplicateUnit(WideRuns& all, int64_t rows) {
  const int shards = WorkerCount();
  std::vector<std::pair<int64_t, int64_t>> found(shards, {-1, -1});
  ParallelFor(shards, [&](int shard) {
    // An integer key is much cheaper than a string key for a million units;
    // names whose hash collides with a different name's go to `overflow`.
    absl::flat_hash_map<uint64_t, int64_t> by_hash;
    by_hash.reserve(static_cast<size_t>(rows / shards + 16));
    absl::flat_hash_map<std::string_view, int64_t> overflow;
    int64_t row = 0;
    for (WideRun& run : all.runs) {
      for (int64_t i = 0; i < run.rows() && row < rows; ++i, ++row) {
        const uint64_t hash = run.hashes()[i];
        if (static_cast<int>(hash % shards) != shard) continue;
        auto [it, inserted] = by_hash.try_emplace(hash, row);
        if (inserted) continue;
        const std::string& name = run.units()[i];
        if (all.UnitAt(it->second) == name) {
          found[shard] = {row, it->second};
          return;
        }
        auto [over, new_name] = overflow.try_emplace(name, row);
        if (!new_name) {
          found[shard] = {row, over->second};
          return;
        }
      }
    }
  });
  std::pair<int64_t, int64_t> first = {-1, -1};
  for (auto [row, earlier] : found) {
    if (row >= 0 && (first.first < 0 || row < first.first)) first = {row, earlier};
  }
  return first;
}

absl::StatusOr<LoadedData> AssembleWide(WideRuns& all, std::vector<std::string> coders,
                                        const std::string& name) {
  // Where each run starts, and the first bad row: reading stopped there, and
  // only rows before it can hold an earlier error (a repeated unit).
  std::vector<WideRun>& runs = all.runs;
  std::vector<int64_t>& start = all.start;
  start.assign(runs.size() + 1, 0);
  int64_t bad_row = -1;
  std::string bad_reason;
  for (size_t i = 0; i < runs.size(); ++i) {
    start[i + 1] = start[i] + runs[i].rows();
    if (bad_row < 0 && runs[i].failed()) {
      bad_row = start[i + 1];
      bad_reason = runs[i].error();
    }
  }
  const int64_t checked = bad_row >= 0 ? bad_row : start.back();
  if (auto [row, earlier] = FirstDuplicateUnit(all, checked); row >= 0) {
    return CsvError(name, LineOfRow(row),
                    absl::StrCat("duplicate unit '", AbslView(all.UnitAt(row)), "' (first on line ",
                                 LineOfRow(earlier), ")"));
  }
  if (bad_row >= 0) return CsvError(name, LineOfRow(bad_row), bad_reason);

  std::vector<std::string> units(start.back());
  ParallelFor(static_cast<int>(runs.size()), [&](int i) {
    std::move(runs[i].units().begin(), runs[i].units().end(), units.begin() + start[i]);
  });
  LoadedData out;
  out.layout = CsvLayout::kWide;
  out.data = ReliabilityData(std::move(units), std::move(coders));
  // The runs' categories in run order: ids stay in order of first
  // appearance in the file.
  std::vector<std::vector<int32_t>> global_id(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    const ReliabilityData& local = runs[i].categories();
    for (int32_t c = 0; c < local.num_categories(); ++c) {
      const agreement::Category& category = local.category(c);
      int32_t id;
      if (category.is_set) {
        std::vector<std::string_view> elements;
        for (int32_t e : category.members) elements.push_back(local.elements()[e]);
        id = out.data.InternSet(elements);
      } else {
        id = out.data.InternValue(category.label);
      }
      if (id == static_cast<int32_t>(out.first_line.size())) {
        out.first_line.push_back(LineOfRow(start[i] + runs[i].first_row()[c]));
      }
      global_id[i].push_back(id);
    }
  }
  ParallelFor(static_cast<int>(runs.size()), [&](int i) {
    const std::vector<int32_t>& cells = runs[i].cells();
    const std::vector<int32_t>& ids = global_id[i];
    int32_t* row = runs[i].rows() > 0 ? out.data.mutable_unit_row(start[i]) : nullptr;
    for (size_t j = 0; j < cells.size(); ++j) {
      row[j] = cells[j] == ReliabilityData::kMissing ? ReliabilityData::kMissing : ids[cells[j]];
    }
  });
  return out;
}

// Unquoted text: the header, then the body cut into `pieces` runs read in
// parallel.
absl::StatusOr<LoadedData> LoadWideUnquoted(std::string_view text, const std::string& name,
                                            bool set_valued, int pieces) {
  const HeaderAndBody parts = SplitHeader(text);
  if (parts.header.empty()) {
    return CsvError(name, 1, "empty file: expected a header unit,CODER1,...");
  }
  std::vector<std::string> coders;
  absl::Status header = ReadUnquotedCsv(
      parts.header, 1, [&](const CsvRecord& r) { return ReadWideHeader(r, name, &coders); });
  if (!header.ok()) return header;
  if (pieces <= 0) pieces = parts.body.size() < (1 << 20) ? 1 : 2 * WorkerCount();
  const std::vector<std::string_view> cut = CutAtLineEnds(parts.body, pieces);
  WideRuns all;
  all.runs.assign(cut.size(), WideRun(coders.size() + 1, set_valued));
  ParallelFor(static_cast<int>(cut.size()), [&](int i) {
    // Every line end may end a row.
    all.runs[i].Reserve(std::count(cut[i].begin(), cut[i].end(), '\n') + 1);
    // A bad row stops the run; its reason stays in the run.
    (void)ReadUnquotedCsv(cut[i], 1, [&](const CsvRecord& r) { return all.runs[i].Add(r); });
  });
  return AssembleWide(all, std::move(coders), name);
}

// Any CSV (quoted fields may span lines): one run, in order.
absl::StatusOr<LoadedData> LoadWide(const ReadFn& read, const std::string& name, bool set_valued) {
  std::vector<std::string> coders;
  WideRuns all;
  std::vector<WideRun>& runs = all.runs;
  absl::Status status = read([&](const CsvRecord& r) -> absl::Status {
    if (r.line == 1) {
      ICR_RETURN_IF_ERROR(ReadWideHeader(r, name, &coders));
      runs.emplace_back(coders.size() + 1, set_valued);
      return absl::OkStatus();
    }
    return runs.back().Add(r);
  });
  if (!status.ok() && !(runs.size() == 1 && runs[0].failed())) return status;
  if (runs.empty()) return CsvError(name, 1, "empty file: expected a header unit,CODER1,...");
  return AssembleWide(all, std::move(coders), name);
}

absl::StatusOr<LoadedData> LoadLong(const ReadFn& read, const std::string& name, bool set_valued) {
  NameTable units, coders;
  struct Row {
    int64_t unit;
    int64_t coder;
    int32_t value;  // element id (sets) or category id
    int64_t line;
  };
  std::vector<Row> rows;
  ReliabilityData values;  // plain categories, or the set elements as categories
  ShortLabelCache cache;
  bool header_seen = false;
  absl::Status status = read([&](const CsvRecord& r) -> absl::Status {
    if (r.line == 1) {
      header_seen = true;
      if (r.fields.size() != 3 || r.fields[0] != "unit" || r.fields[1] != "coder" ||
          r.fields[2] != "value") {
        return CsvError(name, r.line, "wrong header: expected unit,coder,value");
      }
      return absl::OkStatus();
    }
    if (r.fields.size() != 3) {
      return CsvError(name, r.line,
                      absl::StrCat("ragged row: ", r.fields.size(), " fields, the header has 3"));
    }
    if (r.fields[0].empty()) return CsvError(name, r.line, "empty unit");
    if (r.fields[1].empty()) return CsvError(name, r.line, "empty coder");
    const int64_t unit = units.Intern(r.fields[0]).first;
    const int64_t coder = coders.Intern(r.fields[1]).first;
    if (r.fields[2].empty()) return absl::OkStatus();  // no value
    rows.push_back({unit, coder, cache.Intern(r.fields[2], values), r.line});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!header_seen) return CsvError(name, 1, "empty file: expected a header unit,coder,value");

  LoadedData out;
  out.layout = CsvLayout::kLong;
  const int64_t num_units = static_cast<int64_t>(units.names().size());
  out.data = ReliabilityData(std::move(units.names()), std::move(coders.names()));
  const int num_coders = out.data.num_coders();
  CategoryLines lines;
  if (!set_valued) {
    std::vector<int64_t> line_of(num_units * num_coders, 0);
    for (const Row& row : rows) {
      const int64_t cell = row.unit * num_coders + row.coder;
      if (line_of[cell] != 0) {
        return CsvError(
            name, row.line,
            absl::StrCat("second value for unit '", out.data.unit_name(row.unit), "' and coder '",
                         out.data.coder_names()[row.coder], "' (first on line ", line_of[cell],
                         "); use --metric jaccard|masi for set-valued data"));
      }
      line_of[cell] = row.line;
      const int32_t id = out.data.InternValue(values.category(row.value).label);
      lines.Note(id, row.line);
      out.data.set_value(row.unit, static_cast<int>(row.coder), id);
    }
  } else {
    // Group the rows of each cell (stable: first-appearance order within it).
    std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
      return a.unit * num_coders + a.coder < b.unit * num_coders + b.coder;
    });
    std::vector<std::pair<int64_t, int32_t>> set_ids;  // (first line, id) per cell
    for (size_t i = 0; i < rows.size();) {
      size_t j = i;
      std::vector<std::string_view> elements;
      int64_t first = rows[i].line;
      while (j < rows.size() && rows[j].unit == rows[i].unit && rows[j].coder == rows[i].coder) {
        elements.push_back(values.category(rows[j].value).label);
        first = std::min(first, rows[j].line);
        ++j;
      }
      const int32_t id = out.data.InternSet(elements);
      out.data.set_value(rows[i].unit, static_cast<int>(rows[i].coder), id);
      set_ids.emplace_back(first, id);
      i = j;
    }
    std::vector<int64_t> first_line(out.data.num_categories(), 0);
    for (auto [line, id] : set_ids) {
      if (first_line[id] == 0 || line < first_line[id]) first_line[id] = line;
    }
    for (int32_t id = 0; id < static_cast<int32_t>(first_line.size()); ++id) {
      lines.Note(id, first_line[id]);
    }
  }
  out.first_line = lines.Take();
  return out;
}

absl::StatusOr<LoadedData> Load(std::string_view text, const std::string& name, CsvLayout layout,
                                bool set_valued, int pieces) {
  const bool unquoted = IsUnquotedCsv(text);
  const ReadFn read = [&](const std::function<absl::Status(const CsvRecord&)>& on_record) {
    return ReadCsvText(text, name, on_record);
  };
  if (layout == CsvLayout::kAuto) {
    // Peek at the header only.
    bool is_long = false;
    auto is_long_header = [&](const CsvRecord& r) -> absl::Status {
      is_long = r.fields.size() == 3 && r.fields[0] == "unit" && r.fields[1] == "coder" &&
                r.fields[2] == "value";
      return absl::CancelledError("header read");
    };
    absl::Status peek = unquoted ? ReadUnquotedCsv(SplitHeader(text).header, 1, is_long_header)
                                 : read(is_long_header);
    if (!peek.ok() && !absl::IsCancelled(peek)) return peek;
    layout = is_long ? CsvLayout::kLong : CsvLayout::kWide;
  }
  if (layout == CsvLayout::kLong) return LoadLong(read, name, set_valued);
  if (unquoted) return LoadWideUnquoted(text, name, set_valued, pieces);
  return LoadWide(read, name, set_valued);
}

}  // namespace

absl::StatusOr<LoadedData> LoadReliabilityCsv(const std::string& path, CsvLayout layout,
                                              bool set_valued) {
  absl::StatusOr<FileText> file = FileText::Open(path);
  if (!file.ok()) return file.status();
  return Load(file->text(), path, layout, set_valued, /*pieces=*/0);
}

absl::StatusOr<LoadedData> ParseReliabilityCsv(std::string_view text, const std::string& name,
                                               CsvLayout layout, bool set_valued, int pieces) {
  return Load(text, name, layout, set_valued, pieces);
}

}  // namespace icr::client
