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

}  // namespace

absl::Status CsvError(const std::string& path, int64_t line, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", message));
}

absl::Status ReadCsvText(std::string_view text, const std::string& name,
                         const std::function<absl::Status(const CsvRecord&)>& on_record) {
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
  ParseState state;
  state.on_record = &on_record;
  Parser parser;
  std::vector<char> buffer(1 << 20);
  while (true) {
    size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (n > 0) {
      if (absl::Status s = parser.Feed(std::string_view(buffer.data(), n), state, path); !s.ok()) {
        return s;
      }
    }
    if (n < buffer.size()) {
      if (std::ferror(file.get())) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": read error"));
      }
      break;
    }
  }
  return parser.Finish(state, path);
}

}  // namespace icr::client
