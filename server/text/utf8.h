#ifndef ICR_SERVER_TEXT_UTF8_H_
#define ICR_SERVER_TEXT_UTF8_H_

// UTF-8 validation and offset conversion. icr stores every offset in Unicode
// code points; NVivo, browsers and Java count UTF-16 code units, and files
// count bytes, so offsets cross the API in any of the three.

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace icr::text {

enum class OffsetUnit { kCodePoints, kUtf16Units, kUtf8Bytes };

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing
// above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Length of valid UTF-8 `text` in each unit.
struct TextLengths {
  int64_t code_points = 0;
  int64_t utf16_units = 0;
  int64_t bytes = 0;
};
TextLengths MeasureUtf8(std::string_view text);

// Converts offsets into valid UTF-8 `text` from one unit to another, in one
// pass over the text whatever the number or order of offsets. An offset past
// the end, or one that falls inside a character (a UTF-16 surrogate pair or a
// multi-byte sequence), is INVALID_ARGUMENT.
absl::StatusOr<std::vector<int64_t>> ConvertOffsets(std::string_view text, OffsetUnit from,
                                                    OffsetUnit to,
                                                    const std::vector<int64_t>& offsets);

}  // namespace icr::text

#endif  // ICR_SERVER_TEXT_UTF8_H_
