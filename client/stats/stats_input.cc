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

// Category ids of short labels (up to 7 bytes) by their bytes packed into an
// integer: a cheaper lookup than hashing a string, for the common case of
// codes like "3" or "yes".
class ShortLabelCache {
 public:
  int32_t Intern(std::string_view label, ReliabilityData& data) {
    if (label.size() > 7) return data.InternValue(label);
    uint64_t key = label.size();
    for (char c : label) key = (key << 8) | static_cast<unsigned char>(c);
    key |= uint64_t{1} << 63;
    auto [it, inserted] = ids_.try_emplace(key, 0);
    if (inserted) it->second = data.InternValue(label);
    return it->second;
  }

 private:
  absl::flat_hash_map<uint64_t, int32_t> ids_;
};

using ReadFn = std::function<absl::Status(const std::function<absl::Status(const CsvRecord&)>&)>;

absl::StatusOr<LoadedData> LoadWide(const ReadFn& read, const std::string& name, bool set_valued) {
  std::vector<std::string> coders;
  NameTable units;
  units.Reserve(1 << 16);
  std::vector<int32_t> cells;
  cells.reserve(1 << 20);
  std::vector<int64_t> unit_line;
  ReliabilityData interner;  // categories only; the table is built at the end
  ShortLabelCache cache;
  CategoryLines lines;
  size_t width = 0;
  absl::Status status = read([&](const CsvRecord& r) -> absl::Status {
    if (r.line == 1) {
      width = r.fields.size();
      if (width < 2 || r.fields[0] != "unit") {
        return CsvError(name, r.line, "wrong header: expected unit,CODER1,CODER2,...");
      }
      NameTable seen;
      for (size_t i = 1; i < width; ++i) {
        if (r.fields[i].empty()) return CsvError(name, r.line, "empty coder name in header");
        if (!seen.Intern(r.fields[i]).second) {
          return CsvError(name, r.line, absl::StrCat("coder '", AbslView(r.fields[i]),
                                                     "' appears twice in the header"));
        }
        coders.emplace_back(r.fields[i]);
      }
      return absl::OkStatus();
    }
    if (r.fields.size() != width) {
      return CsvError(name, r.line, absl::StrCat("ragged row: ", r.fields.size(),
                                                 " fields, the header has ", width));
    }
    if (r.fields[0].empty()) return CsvError(name, r.line, "empty unit");
    auto [unit, is_new] = units.Intern(r.fields[0]);
    if (!is_new) {
      return CsvError(name, r.line, absl::StrCat("duplicate unit '", AbslView(r.fields[0]),
                                                 "' (first on line ", unit_line[unit], ")"));
    }
    unit_line.push_back(r.line);
    for (size_t i = 1; i < width; ++i) {
      std::string_view cell = r.fields[i];
      int32_t id = ReliabilityData::kMissing;
      if (!cell.empty()) {
        if (set_valued) {
          id = interner.InternSet(SplitSet(cell));
        } else {
          id = cache.Intern(cell, interner);
        }
        lines.Note(id, r.line);
      }
      cells.push_back(id);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (width == 0) return CsvError(name, 1, "empty file: expected a header unit,CODER1,...");
  LoadedData out;
  out.layout = CsvLayout::kWide;
  out.data = ReliabilityData(std::move(units.names()), std::move(coders));
  // Categories are re-interned in id order so that the ids stay the same.
  for (const agreement::Category& c : interner.categories()) {
    if (c.is_set) {
      std::vector<std::string_view> elements;
      for (int32_t e : c.members) elements.push_back(interner.elements()[e]);
      out.data.InternSet(elements);
    } else {
      out.data.InternValue(c.label);
    }
  }
  for (int64_t i = 0; i < static_cast<int64_t>(cells.size()); ++i) {
    out.data.set_value(i / out.data.num_coders(), static_cast<int>(i % out.data.num_coders()),
                       cells[i]);
  }
  out.first_line = lines.Take();
  return out;
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

absl::StatusOr<LoadedData> Load(const ReadFn& read, const std::string& name, CsvLayout layout,
                                bool set_valued) {
  if (layout == CsvLayout::kAuto) {
    // Peek at the header only.
    bool is_long = false;
    absl::Status peek = read([&](const CsvRecord& r) -> absl::Status {
      is_long = r.fields.size() == 3 && r.fields[0] == "unit" && r.fields[1] == "coder" &&
                r.fields[2] == "value";
      return absl::CancelledError("header read");
    });
    if (!peek.ok() && !absl::IsCancelled(peek)) return peek;
    layout = is_long ? CsvLayout::kLong : CsvLayout::kWide;
  }
  return layout == CsvLayout::kLong ? LoadLong(read, name, set_valued)
                                    : LoadWide(read, name, set_valued);
}

}  // namespace

absl::StatusOr<LoadedData> LoadReliabilityCsv(const std::string& path, CsvLayout layout,
                                              bool set_valued) {
  return Load([&](const auto& fn) { return ReadCsvFile(path, fn); }, path, layout, set_valued);
}

absl::StatusOr<LoadedData> ParseReliabilityCsv(std::string_view text, const std::string& name,
                                               CsvLayout layout, bool set_valued) {
  return Load([&](const auto& fn) { return ReadCsvText(text, name, fn); }, name, layout,
              set_valued);
}

}  // namespace icr::client
