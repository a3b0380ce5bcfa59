#include "client/csv_reader.h"

#include <csv.h>

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"

namespace icr::client {
namespace {

// State shared with libcsv's C callbacks.
struct ParseState {
  const std::function<absl::Status(const CsvRecord&)>* on_record = nullptr;
  CsvRecord record;
  // Field bytes are copied here because libcsv reuses its buffer; the views in
  // `record.fields` point into `storage` and are rebuilt at the end of a record.
  std::vector<std::string> storage;
  size_t used = 0;
  absl::Status status;
};

void OnField(void* data, size_t len, void* raw) {
  auto* state = static_cast<ParseState*>(raw);
  if (!state->status.ok()) return;
  if (state->used == state->storage.size()) state->storage.emplace_back();
  state->storage[state->used].assign(static_cast<const char*>(data), len);
  ++state->used;
}

void OnRecordEnd(int, void* raw) {
  auto* state = static_cast<ParseState*>(raw);
  if (!state->status.ok()) {
    state->used = 0;
    return;
  }
  ++state->record.line;
  state->record.fields.clear();
  for (size_t i = 0; i < state->used; ++i) {
    state->record.fields.emplace_back(state->storage[i]);
  }
  state->used = 0;
  state->status = (*state->on_record)(state->record);
}

class Parser {
 public:
  Parser() { csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI); }
  ~Parser() { csv_free(&parser_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  absl::Status Feed(std::string_view chunk, ParseState& state, const std::string& name) {
    if (!bom_checked_ && !chunk.empty()) {
      bom_checked_ = true;
      if (chunk.substr(0, 3) == "\xEF\xBB\xBF") chunk.remove_prefix(3);
    }
    size_t done = csv_parse(&parser_, chunk.data(), chunk.size(), OnField, OnRecordEnd, &state);
    if (!state.status.ok()) return state.status;
    if (done != chunk.size()) {
      return CsvError(name, state.record.line + 1,
                      absl::StrCat("malformed CSV: ", csv_strerror(csv_error(&parser_))));
    }
    return absl::OkStatus();
  }

  absl::Status Finish(ParseState& state, const std::string& name) {
    csv_fini(&parser_, OnField, OnRecordEnd, &state);
    if (!state.status.ok()) return state.status;
    if (csv_error(&parser_) != CSV_SUCCESS) {
      return CsvError(name, state.record.line + 1,
                      absl::StrCat("malformed CSV: ", csv_strerror(csv_error(&parser_))));
    }
    return absl::OkStatus();
  }

 private:
  csv_parser parser_;
  bool bom_checked_ = false;
};

// The common case, a file without any quote character, split directly: the
// same records as libcsv gives (CR, LF or CRLF end a record; empty and blank
// lines are skipped; spaces and tabs around a field are dropped), several
// times faster. Files with quotes go through libcsv.
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

absl::Status SplitUnquoted(std::string_view text,
                           const std::function<absl::Status(const CsvRecord&)>& on_record) {
  CsvRecord record;
  size_t pos = 0;
  const size_t size = text.size();
  while (pos < size) {
    size_t end = pos;
    while (end < size && text[end] != '\n' && text[end] != '\r') ++end;
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    size_t first = 0;
    while (first < line.size() && IsBlank(line[first])) ++first;
    if (first == line.size()) continue;  // empty or blank line
    record.fields.clear();
    size_t start = 0;
    while (true) {
      size_t comma = line.find(',', start);
      std::string_view field =
          line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      while (!field.empty() && IsBlank(field.front())) field.remove_prefix(1);
      while (!field.empty() && IsBlank(field.back())) field.remove_suffix(1);
      record.fields.push_back(field);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    ++record.line;
    if (absl::Status s = on_record(record); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CsvError(const std::string& path, int64_t line, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", message));
}

absl::Status ReadCsvText(std::string_view text, const std::string& name,
                         const std::function<absl::Status(const CsvRecord&)>& on_record) {
  if (text.find('"') == std::string_view::npos) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    return SplitUnquoted(text, on_record);
  }
  ParseState state;
  state.on_record = &on_record;
  Parser parser;
  if (absl::Status s = parser.Feed(text, state, name); !s.ok()) return s;
  return parser.Finish(state, name);
}

absl::Status ReadCsvFile(const std::string& path,
                         const std::function<absl::Status(const CsvRecord&)>& on_record) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (file == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open"));
  }
  // The whole file in memory, then one parse (unquoted files take the fast
  // split in ReadCsvText).
  std::string text;
  std::vector<char> buffer(1 << 20);
  while (true) {
    size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    text.append(buffer.data(), n);
    if (n < buffer.size()) {
      if (std::ferror(file.get())) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": read error"));
      }
      break;
    }
  }
  return ReadCsvText(text, path, on_record);
}

}  // namespace icr::client
