#include "server/text/utf8.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace icr::text {
namespace {

// Length of the UTF-8 sequence starting with `lead`, from its first byte.
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  return 4;
}

int64_t Position(const TextLengths& p, OffsetUnit unit) {
  switch (unit) {
    case OffsetUnit::kCodePoints:
      return p.code_points;
    case OffsetUnit::kUtf16Units:
      return p.utf16_units;
    case OffsetUnit::kUtf8Bytes:
      return p.bytes;
  }
  return 0;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    uint32_t cp;
    int len;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;  // overlong or out of range
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // surrogates are not characters
    i += len;
  }
  return true;
}

TextLengths MeasureUtf8(std::string_view text) {
  TextLengths lengths;
  lengths.bytes = static_cast<int64_t>(text.size());
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) {
      ++lengths.code_points;
      // A 4-byte sequence is a character outside the Basic Multilingual
      // Plane: two UTF-16 units (a surrogate pair).
      lengths.utf16_units += (c >= 0xF0) ? 2 : 1;
    }
  }
  return lengths;
}

absl::StatusOr<std::vector<int64_t>> ConvertOffsets(std::string_view text, OffsetUnit from,
                                                    OffsetUnit to,
                                                    const std::vector<int64_t>& offsets) {
  std::vector<size_t> order(offsets.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return offsets[a] < offsets[b]; });

  std::vector<int64_t> result(offsets.size());
  TextLengths position;  // position before the character at `position.bytes`
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const int64_t n = static_cast<int64_t>(text.size());
  size_t next = 0;
  while (next < order.size()) {
    const int64_t wanted = offsets[order[next]];
    if (wanted < 0) {
      return absl::InvalidArgumentError(absl::StrCat("offset ", wanted, " is negative"));
    }
    const int64_t here = Position(position, from);
    if (here == wanted) {
      result[order[next]] = Position(position, to);
      ++next;
      continue;
    }
    if (here > wanted) {
      return absl::InvalidArgumentError(
          absl::StrCat("offset ", wanted, " falls inside a character"));
    }
    if (position.bytes >= n) {
      return absl::InvalidArgumentError(
          absl::StrCat("offset ", wanted, " is past the end of the text"));
    }
    const int len = SequenceLength(s[position.bytes]);
    position.bytes += len;
    position.code_points += 1;
    position.utf16_units += (len == 4) ? 2 : 1;
  }
  return result;
}

}  // namespace icr::text
