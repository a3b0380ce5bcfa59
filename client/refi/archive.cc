#include "client/refi/archive.h"

#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/refi/xml.h"
#include "server/text/utf8.h"
#include "server/text/utf8_append.h"

namespace icr::refi {
namespace {

struct ZipDiscard {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;

std::string Lower(std::string_view s) {
  return absl::AsciiStrToLower(absl::string_view(s.data(), s.size()));
}

std::string Basename(const std::string& path) {
  size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Dirname(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

// The entries of an open archive by lower-case name.
class Entries {
 public:
  static absl::StatusOr<Entries> Open(std::string_view bytes, const std::string& where,
                                      const ArchiveLimits& limits) {
    Entries entries;
    entries.where_ = where;
    entries.limits_ = limits;
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr) {
      std::string message = zip_error_strerror(&error);
      zip_error_fini(&error);
      return absl::ResourceExhaustedError(absl::StrCat(where, ": ", message));
    }
    zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (archive == nullptr) {
      std::string message = zip_error_strerror(&error);
      zip_error_fini(&error);
      zip_source_free(source);
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": not a zip archive (.qdpx): ", message));
    }
    zip_error_fini(&error);
    entries.archive_.reset(archive);
    zip_int64_t count = zip_get_num_entries(archive, 0);
    if (count > limits.max_entries) {
      return absl::ResourceExhaustedError(absl::StrCat(where, ": the archive lists ", count,
                                                       " entries; at most ", limits.max_entries,
                                                       " are read"));
    }
    for (zip_int64_t i = 0; i < count; ++i) {
      const char* name = zip_get_name(archive, i, ZIP_FL_ENC_GUESS);
      if (name == nullptr) continue;
      std::string n = name;
      if (n.empty() || n.back() == '/') continue;
      entries.names_.push_back(n);
      entries.by_lower_name_.emplace(Lower(n), i);
      entries.by_name_.emplace(n, i);
    }
    return entries;
  }

  // The one `.qde` file: a top-level one wins; several at the same level
  // are an error. Skips macOS resource forks.
  absl::StatusOr<std::string> FindQde() const {
    std::vector<std::string> found;
    for (const std::string& name : names_) {
      if (absl::StartsWith(name, "__MACOSX/")) continue;
      if (absl::EndsWithIgnoreCase(name, ".qde")) found.push_back(name);
    }
    if (found.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where_, ": no .qde project file in the archive (entries: ",
                       names_.empty() ? "none" : absl::StrJoin(Head(names_), ", "), ")"));
    }
    std::vector<std::string> top;
    size_t best_depth = std::string::npos;
    for (const std::string& name : found) {
      size_t depth = std::count(name.begin(), name.end(), '/');
      if (depth < best_depth) {
        best_depth = depth;
        top.clear();
      }
      if (depth == best_depth) top.push_back(name);
    }
    if (top.size() > 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(where_, ": several .qde files: ", absl::StrJoin(top, ", ")));
    }
    return top.front();
  }

  absl::StatusOr<std::string> Read(const std::string& name) const {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return absl::NotFoundError("not in the archive");
    return ReadIndex(it->second, name);
  }

  // Finds the file a plainTextPath names, relative to the .qde's folder.
  absl::StatusOr<std::string> Resolve(const std::string& path, const std::string& qde_dir) const {
    std::string name;
    if (absl::StartsWithIgnoreCase(path, "internal://")) {
      name = path.substr(std::strlen("internal://"));
    } else if (absl::StartsWithIgnoreCase(path, "relative://") ||
               absl::StartsWithIgnoreCase(path, "absolute://") ||
               path.find("://") != std::string::npos) {
      // Outside the archive; a tool may still have packed a copy.
      name = Basename(path.substr(path.find("://") + 3));
      auto copy = Find({qde_dir + "sources/" + name, "sources/" + name});
      if (copy.has_value()) return ReadIndex(*copy, path);
      return absl::NotFoundError(
          "the file is outside the archive; icr imports sources packed in the .qdpx");
    } else {
      name = path;
    }
    while (!name.empty() && (name.front() == '/' || name.front() == '\\')) name.erase(0, 1);
    if (name.empty()) return absl::InvalidArgumentError("empty file name");
    auto index = Find({qde_dir + "sources/" + name, qde_dir + name, "sources/" + name, name});
    if (!index.has_value()) {
      return absl::NotFoundError(absl::StrCat("no file \"", name, "\" in the archive (looked in ",
                                              qde_dir, "Sources/, ",
                                              qde_dir.empty() ? "the top level" : qde_dir, ")"));
    }
    return ReadIndex(*index, name);
  }

 private:
  static std::vector<std::string> Head(const std::vector<std::string>& names) {
    std::vector<std::string> head(names.begin(), names.begin() + std::min<size_t>(names.size(), 5));
    if (names.size() > 5) head.push_back("...");
    return head;
  }

  // The first candidate present, exact name first, then ignoring case.
  std::optional<zip_int64_t> Find(const std::vector<std::string>& candidates) const {
    for (const std::string& candidate : candidates) {
      auto it = by_name_.find(candidate);
      if (it != by_name_.end()) return it->second;
    }
    for (const std::string& candidate : candidates) {
      auto it = by_lower_name_.find(Lower(candidate));
      if (it != by_lower_name_.end()) return it->second;
    }
    return std::nullopt;
  }

  absl::StatusOr<std::string> ReadIndex(zip_int64_t index, const std::string& name) const {
    zip_file_t* file = zip_fopen_index(archive_.get(), index, 0);
    if (file == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(where_, ": ", name, ": ", zip_strerror(archive_.get())));
    }
    std::string data;
    char buffer[65536];
    while (true) {
      zip_int64_t n = zip_fread(file, buffer, sizeof(buffer));
      if (n < 0) {
        std::string message = zip_file_strerror(file);
        zip_fclose(file);
        return absl::InvalidArgumentError(absl::StrCat(where_, ": ", name, ": ", message));
      }
      if (n == 0) break;
      if (static_cast<int64_t>(data.size()) + n > limits_.max_entry_bytes) {
        zip_fclose(file);
        return absl::ResourceExhaustedError(absl::StrCat(
            where_, ": ", name, ": inflates to more than ", Size(limits_.max_entry_bytes)));
      }
      // Counted as read, so an entry named twice counts twice: the bound is
      // on what the reader holds, not on the archive's directory.
      if (total_read_ + n > limits_.max_total_bytes) {
        zip_fclose(file);
        return absl::ResourceExhaustedError(
            absl::StrCat(where_, ": ", name, ": the archive's entries inflate to more than ",
                         Size(limits_.max_total_bytes), " in total"));
      }
      total_read_ += n;
      data.append(buffer, static_cast<size_t>(n));
    }
    zip_fclose(file);
    return data;
  }

  // "256 MiB", or bytes below a MiB.
  static std::string Size(int64_t bytes) {
    if (bytes >= (1 << 20) && bytes % (1 << 20) == 0) return absl::StrCat(bytes >> 20, " MiB");
    return absl::StrCat(bytes, " bytes");
  }

  std::string where_;
  ArchiveLimits limits_;
  // Inflated bytes handed out so far. ReadIndex is const (a read does not
  // change the archive) but is charged here.
  mutable int64_t total_read_ = 0;
  ZipPtr archive_;
  std::vector<std::string> names_;
  std::map<std::string, zip_int64_t> by_name_;
  std::map<std::string, zip_int64_t> by_lower_name_;
};

absl::StatusOr<std::string> Utf16ToUtf8(std::string_view bytes, bool big_endian) {
  if (bytes.size() % 2 != 0) return absl::InvalidArgumentError("UTF-16 text of odd length");
  std::string out;
  out.reserve(bytes.size());
  auto unit = [&](size_t i) -> uint32_t {
    auto b0 = static_cast<unsigned char>(bytes[i]), b1 = static_cast<unsigned char>(bytes[i + 1]);
    return big_endian ? (b0 << 8 | b1) : (b1 << 8 | b0);
  };
  for (size_t i = 0; i < bytes.size(); i += 2) {
    uint32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 3 >= bytes.size()) return absl::InvalidArgumentError("unpaired UTF-16 surrogate");
      uint32_t low = unit(i + 2);
      if (low < 0xDC00 || low > 0xDFFF) {
        return absl::InvalidArgumentError("unpaired UTF-16 surrogate");
      }
      text::AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
      i += 2;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      return absl::InvalidArgumentError("unpaired UTF-16 surrogate");
    } else {
      text::AppendUtf8(out, u);
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> DecodeSourceText(std::string_view bytes) {
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (bytes.size() >= 2 && bytes.substr(0, 2) == "\xFF\xFE") {
    return Utf16ToUtf8(bytes.substr(2), /*big_endian=*/false);
  }
  if (bytes.size() >= 2 && bytes.substr(0, 2) == "\xFE\xFF") {
    return Utf16ToUtf8(bytes.substr(2), /*big_endian=*/true);
  }
  if (!text::IsValidUtf8(bytes)) {
    return absl::InvalidArgumentError("not UTF-8 text (nor UTF-16 with a byte-order mark)");
  }
  return std::string(bytes);
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read"));
  return buffer.str();
}

bool LooksLikeZip(std::string_view bytes) {
  return bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4);
}

absl::StatusOr<Project> ReadQdpx(std::string_view bytes, const std::string& where,
                                 const ArchiveLimits& limits, const ProjectReadOptions& options) {
  absl::StatusOr<Entries> entries = Entries::Open(bytes, where, limits);
  if (!entries.ok()) return entries.status();
  absl::StatusOr<std::string> qde = entries->FindQde();
  if (!qde.ok()) return qde.status();
  absl::StatusOr<std::string> xml = entries->Read(*qde);
  if (!xml.ok()) return xml.status();
  const std::string qde_dir = Dirname(*qde);
  TextResolver resolve = [&](const std::string& path) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::string> data = entries->Resolve(path, qde_dir);
    if (!data.ok()) return data.status();
    return DecodeSourceText(*data);
  };
  absl::StatusOr<Project> project =
      ParseProjectXml(*xml, absl::StrCat(where, ": ", *qde), resolve, options);
  if (project.ok()) project->qde_path = *qde;
  return project;
}

absl::StatusOr<Project> ReadQdpxFile(const std::string& path, const ProjectReadOptions& options) {
  absl::StatusOr<std::string> bytes = ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  return ReadQdpx(*bytes, path, ArchiveLimits(), options);
}

absl::StatusOr<Codebook> ReadQdcFile(const std::string& path) {
  absl::StatusOr<std::string> bytes = ReadWholeFile(path);
  if (!bytes.ok()) return bytes.status();
  return ParseCodebookXml(*bytes, path);
}

absl::Status WriteQdpxFile(const Project& project, const std::string& path,
                           const QdpxLayout& layout) {
  const std::string temporary = path + ".tmp";
  std::remove(temporary.c_str());
  int code = 0;
  zip_t* raw = zip_open(temporary.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (raw == nullptr) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot create: ", message));
  }
  ZipPtr archive(raw);
  // libzip reads the buffers at zip_close: keep them alive until then.
  std::vector<std::string> buffers;
  buffers.reserve(2 * project.sources.size() + 1);
  auto add = [&](const std::string& name, std::string data) -> absl::Status {
    buffers.push_back(std::move(data));
    const std::string& kept = buffers.back();
    zip_source_t* source = zip_source_buffer(archive.get(), kept.data(), kept.size(), 0);
    if (source == nullptr || zip_file_add(archive.get(), name.c_str(), source,
                                          ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
      if (source != nullptr) zip_source_free(source);
      return absl::InternalError(
          absl::StrCat(path, ": cannot add ", name, ": ", zip_strerror(archive.get())));
    }
    return absl::OkStatus();
  };
  absl::Status status = add(layout.qde_name, WriteProjectXml(project));
  if (!status.ok()) return status;
  for (const TextSource& source : project.sources) {
    if (!absl::StartsWith(source.plain_text_path, "internal://")) continue;
    std::string name = source.plain_text_path.substr(std::strlen("internal://"));
    status = add(layout.sources_folder + "/" + name,
                 layout.byte_order_mark ? "\xEF\xBB\xBF" + source.text : source.text);
    if (!status.ok()) return status;
    if (absl::StartsWith(source.rich_text_path, "internal://") && !source.rich_text.empty()) {
      status = add(
          layout.sources_folder + "/" + source.rich_text_path.substr(std::strlen("internal://")),
          source.rich_text);
      if (!status.ok()) return status;
    }
  }
  if (zip_close(archive.get()) != 0) {
    std::string message = zip_strerror(archive.get());
    std::remove(temporary.c_str());
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot write: ", message));
  }
  archive.release();
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot rename into place"));
  }
  return absl::OkStatus();
}

}  // namespace icr::refi
