#ifndef ICR_CLIENT_REFI_ARCHIVE_H_
#define ICR_CLIENT_REFI_ARCHIVE_H_

// REFI-QDA files on disk: the `.qdpx` project archive (a zip holding one
// `.qde` project file and the source files) and the `.qdc` codebook, read
// and written with libzip and libxml2.
//
// Reading tolerates what the tools differ in: the `.qde` may have any name
// (one per archive; one at the top level wins over nested ones), source
// files may sit in `Sources/`, `sources/` or at the top level, and text files
// may carry a byte-order mark (UTF-8, or UTF-16 which is converted to
// UTF-8). Errors are INVALID_ARGUMENT "FILE: where: reason".

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "client/refi/model.h"
#include "client/refi/xml.h"

namespace icr::refi {

// No entry of an archive may inflate to more than this.
inline constexpr int64_t kMaxEntryBytes = int64_t{256} << 20;
// Nor all the entries read from one archive together (a zip bomb spreads
// its bytes over many entries), nor may it list more entries than this.
inline constexpr int64_t kMaxArchiveBytes = int64_t{1} << 30;
inline constexpr int64_t kMaxArchiveEntries = 100000;

// What reading one archive may cost; over a limit is RESOURCE_EXHAUSTED
// naming the limit.
struct ArchiveLimits {
  int64_t max_entry_bytes = kMaxEntryBytes;
  int64_t max_total_bytes = kMaxArchiveBytes;
  int64_t max_entries = kMaxArchiveEntries;
};

// Reads a `.qdpx` held in memory; `where` names it in errors.
absl::StatusOr<Project> ReadQdpx(std::string_view bytes, const std::string& where,
                                 const ArchiveLimits& limits = ArchiveLimits(),
                                 const ProjectReadOptions& options = {});
absl::StatusOr<Project> ReadQdpxFile(const std::string& path,
                                     const ProjectReadOptions& options = {});

// True when `bytes` start like a zip archive (a .qdpx), not like XML.
bool LooksLikeZip(std::string_view bytes);

// Reads a `.qdc` codebook file (XML).
absl::StatusOr<Codebook> ReadQdcFile(const std::string& path);

// How a `.qdpx` is laid out for the tool that will read it.
struct QdpxLayout {
  std::string qde_name = "project.qde";
  std::string sources_folder = "sources";  // the standard's; NVivo writes "Sources"
  bool byte_order_mark = false;            // start each source file with a UTF-8 BOM
};

// Writes `project` as a `.qdpx` at `path` (via a temporary file renamed into
// place): the .qde plus, for every source with a plain_text_path
// "internal://NAME", its text as "SOURCES_FOLDER/NAME", and with a
// rich_text_path "internal://RICH" and rich_text, that file as
// "SOURCES_FOLDER/RICH".
absl::Status WriteQdpxFile(const Project& project, const std::string& path,
                           const QdpxLayout& layout = {});

// Decodes a source file's bytes to UTF-8 text: drops a UTF-8 byte-order
// mark, converts UTF-16 with a byte-order mark, and refuses anything else
// that is not valid UTF-8.
absl::StatusOr<std::string> DecodeSourceText(std::string_view bytes);

// Reads a whole file.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

}  // namespace icr::refi

#endif  // ICR_CLIENT_REFI_ARCHIVE_H_
