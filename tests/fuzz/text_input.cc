// Document text: validation, measuring, segmentation and offset conversion.

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "server/text/segmentation.h"
#include "server/text/utf8.h"
#include "tests/fuzz/check.h"
#include "tests/fuzz/fuzz_inputs.h"

namespace icr::fuzz {
namespace {

using text::OffsetUnit;

// A naive decoder for comparison: the code point starts of valid UTF-8.
std::vector<size_t> CharacterStarts(std::string_view s) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  return starts;
}

}  // namespace

void TextInput(std::string_view data) {
  // The first 8 bytes, when there are that many, also give offsets to probe.
  std::vector<int64_t> probes;
  for (size_t i = 0; i + 2 <= std::min<size_t>(data.size(), 8); i += 2) {
    probes.push_back(static_cast<int64_t>(static_cast<unsigned char>(data[i])) << 8 |
                     static_cast<unsigned char>(data[i + 1]));
  }
  const bool valid = text::IsValidUtf8(data);
  if (!valid) return;  // the server refuses such text before anything else

  const text::TextLengths lengths = text::MeasureUtf8(data);
  const std::vector<size_t> starts = CharacterStarts(data);
  FUZZ_CHECK(lengths.bytes == static_cast<int64_t>(data.size()));
  FUZZ_CHECK(lengths.code_points == static_cast<int64_t>(starts.size()))
      << lengths.code_points << " vs " << starts.size();
  FUZZ_CHECK(lengths.code_points <= lengths.utf16_units &&
             lengths.utf16_units <= 2 * lengths.code_points);

  for (text::SegmentBy by :
       {text::SegmentBy::kNone, text::SegmentBy::kParagraph, text::SegmentBy::kLine}) {
    const std::vector<text::Span> segments = text::Segment(data, by);
    std::vector<int64_t> boundaries;
    int64_t previous_end = 0;
    for (const text::Span& s : segments) {
      FUZZ_CHECK(s.start >= previous_end && s.start < s.end && s.end <= lengths.code_points)
          << "segment [" << s.start << ", " << s.end << ") after " << previous_end << " of "
          << lengths.code_points;
      previous_end = s.end;
      boundaries.push_back(s.start);
      boundaries.push_back(s.end);
    }
    if (by == text::SegmentBy::kNone) {
      FUZZ_CHECK(segments.size() == (data.empty() ? 0u : 1u));
    }
    // Every boundary converts to UTF-16 units and bytes and back.
    for (OffsetUnit unit : {OffsetUnit::kUtf16Units, OffsetUnit::kUtf8Bytes}) {
      absl::StatusOr<std::vector<int64_t>> there =
          text::ConvertOffsets(data, OffsetUnit::kCodePoints, unit, boundaries);
      FUZZ_CHECK(there.ok()) << there.status();
      absl::StatusOr<std::vector<int64_t>> back =
          text::ConvertOffsets(data, unit, OffsetUnit::kCodePoints, *there);
      FUZZ_CHECK(back.ok()) << back.status();
      FUZZ_CHECK(*back == boundaries);
      if (unit == OffsetUnit::kUtf8Bytes) {
        for (size_t i = 0; i < boundaries.size(); ++i) {
          const int64_t cp = boundaries[i];
          const int64_t byte = (*there)[i];
          FUZZ_CHECK(byte == (cp == lengths.code_points ? lengths.bytes
                                                        : static_cast<int64_t>(starts[cp])));
          // No segment boundary splits a line end "\r\n".
          if (byte > 0 && byte < lengths.bytes) {
            FUZZ_CHECK(!(data[byte - 1] == '\r' && data[byte] == '\n'));
          }
        }
      }
    }
  }

  // Arbitrary offsets: each converts, or is refused; one that converts lands
  // on a character boundary of the target unit.
  for (OffsetUnit from :
       {OffsetUnit::kCodePoints, OffsetUnit::kUtf16Units, OffsetUnit::kUtf8Bytes}) {
    for (OffsetUnit to :
         {OffsetUnit::kCodePoints, OffsetUnit::kUtf16Units, OffsetUnit::kUtf8Bytes}) {
      absl::StatusOr<std::vector<int64_t>> converted = text::ConvertOffsets(data, from, to, probes);
      if (!converted.ok()) {
        FUZZ_CHECK(converted.status().code() == absl::StatusCode::kInvalidArgument);
        continue;
      }
      absl::StatusOr<std::vector<int64_t>> back = text::ConvertOffsets(data, to, from, *converted);
      FUZZ_CHECK(back.ok() && *back == probes) << back.status();
      if (from == OffsetUnit::kUtf8Bytes) {
        for (int64_t byte : probes) {
          FUZZ_CHECK(byte == lengths.bytes ||
                     (static_cast<unsigned char>(data[byte]) & 0xC0) != 0x80)
              << "byte offset " << byte << " inside a character was accepted";
        }
      }
    }
  }
}

}  // namespace icr::fuzz
