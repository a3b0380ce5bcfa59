#include "client/csv_reader.h"

#include <csv.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

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

bool IsBlankLine(std::string_view line) { return std::all_of(line.begin(), line.end(), IsBlank); }

// The line starting at *pos (without its line end); moves *pos past the end.
std::string_view NextLine(std::string_view text, size_t* pos) {
  const size_t size = text.size();
  size_t end = *pos;
  while (end < size && text[end] != '\n' && text[end] != '\r') ++end;
  std::string_view line = text.substr(*pos, end - *pos);
  *pos = end + 1;
  return line;
}

std::string_view WithoutByteOrderMark(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

}  // namespace

absl::Status ReadUnquotedCsv(std::string_view text, int64_t first_line,
                             const std::function<absl::Status(const CsvRecord&)>& on_record) {
  CsvRecord record;
  record.line = first_line - 1;
  auto trimmed = [&](size_t begin, size_t end) {
    while (begin < end && IsBlank(text[begin])) ++begin;
    while (end > begin && IsBlank(text[end - 1])) --end;
    return text.substr(begin, end - begin);
  };
  const size_t size = text.size();
  size_t pos = 0;
  while (pos < size) {
    // One pass over the line: fields end at commas, the record at CR or LF.
    record.fields.clear();
    size_t field_start = pos, end = pos;
    bool blank = true;
    for (; end < size; ++end) {
      const char c = text[end];
      if (c == ',') {
        record.fields.push_back(trimmed(field_start, end));
        field_start = end + 1;
        blank = false;
      } else if (c == '\n' || c == '\r') {
        break;
      } else if (blank && !IsBlank(c)) {
        blank = false;
      }
    }
    pos = end + 1;
    if (blank) continue;  // empty or blank line
    record.fields.push_back(trimmed(field_start, end));
    ++record.line;
    if (absl::Status s = on_record(record); !s.ok()) return s;
  }
  return absl::OkStatus();
}

bool IsUnquotedCsv(std::string_view text) {
  return std::memchr(text.data(), '"', text.size()) == nullptr;
}

HeaderAndBody SplitHeader(std::string_view text) {
  text = WithoutByteOrderMark(text);
  size_t pos = 0;
  while (pos < text.size()) {
    std::string_view line = NextLine(text, &pos);
    if (!IsBlankLine(line)) return {line, text.substr(std::min(pos, text.size()))};
  }
  return {};
}

std::vector<std::string_view> CutAtLineEnds(std::string_view text, int pieces) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (int i = 1; i <= pieces && start < text.size(); ++i) {
    size_t end = text.size();
    if (i < pieces) {
      const size_t target = std::max(start, text.size() / pieces * i);
      const void* newline = std::memchr(text.data() + target, '\n', text.size() - target);
      if (newline != nullptr) end = static_cast<const char*>(newline) - text.data() + 1;
    }
    out.push_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

absl::Status CsvError(const std::string& path, int64_t line, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(path, ":", line, ": ", message));
}

absl::Status ReadCsvText(std::string_view text, const std::string& name,
                         const std::function<absl::Status(const CsvRecord&)>& on_record) {
  if (IsUnquotedCsv(text)) return ReadUnquotedCsv(WithoutByteOrderMark(text), 1, on_record);
  ParseState state;
  state.on_record = &on_record;
  Parser parser;
  if (absl::Status s = parser.Feed(text, state, name); !s.ok()) return s;
  return parser.Finish(state, name);
}

absl::Status ReadCsvFile(const std::string& path,
                         const std::function<absl::Status(const CsvRecord&)>& on_record) {
  absl::StatusOr<FileText> file = FileText::Open(path);
  if (!file.ok()) return file.status();
  return ReadCsvText(file->text(), path, on_record);
}

absl::StatusOr<FileText> FileText::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open"));
  FileText out;
  struct stat info;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
    void* mapped = ::mmap(nullptr, info.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped != MAP_FAILED) {
      ::close(fd);
      out.mapped_ = static_cast<char*>(mapped);
      out.size_ = static_cast<size_t>(info.st_size);
      return out;
    }
  }
  // Not mappable: read it.
  std::vector<char> buffer(1 << 20);
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return absl::InvalidArgumentError(absl::StrCat(path, ": read error"));
    }
    if (n == 0) break;
    out.copy_.append(buffer.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

FileText::FileText(FileText&& other) noexcept
    : mapped_(std::exchange(other.mapped_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      copy_(std::move(other.copy_)) {}

FileText& FileText::operator=(FileText&& other) noexcept {
  if (this != &other) {
    if (mapped_ != nullptr) ::munmap(mapped_, size_);
    mapped_ = std::exchange(other.mapped_, nullptr);
    size_ = std::exchange(other.size_, 0);
    copy_ = std::move(other.copy_);
  }
  return *this;
}

FileText::~FileText() {
  if (mapped_ != nullptr) ::munmap(mapped_, size_);
}

}  // namespace icr::client
