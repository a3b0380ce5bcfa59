#include "server/text/utf8.h"

#include "gtest/gtest.h"

namespace icr::text {
namespace {

// "a😀é\r\nb": 'a' (1 byte), U+1F600 (4 bytes, a surrogate pair in UTF-16),
// 'é' (2 bytes), CR LF, 'b'.
const std::string kMixed = "a\xF0\x9F\x98\x80\xC3\xA9\r\nb";

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8(kMixed));
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));      // €
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(Utf8Test, RejectsMalformedText) {
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(
      IsValidUtf8("a\x80"
                  "b"));  // stray continuation
}

TEST(Utf8Test, MeasuresEveryUnit) {
  TextLengths lengths = MeasureUtf8(kMixed);
  EXPECT_EQ(lengths.code_points, 6);  // a 😀 é \r \n b
  EXPECT_EQ(lengths.utf16_units, 7);  // the emoji is two units
  EXPECT_EQ(lengths.bytes, 10);
}

TEST(Utf8Test, ConvertsCodePointsToUtf16AndBytes) {
  const std::vector<int64_t> code_points = {0, 1, 2, 3, 6, 5};
  auto utf16 =
      ConvertOffsets(kMixed, OffsetUnit::kCodePoints, OffsetUnit::kUtf16Units, code_points);
  ASSERT_TRUE(utf16.ok()) << utf16.status();
  EXPECT_EQ(*utf16, (std::vector<int64_t>{0, 1, 3, 4, 7, 6}));
  auto bytes = ConvertOffsets(kMixed, OffsetUnit::kCodePoints, OffsetUnit::kUtf8Bytes, code_points);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*bytes, (std::vector<int64_t>{0, 1, 5, 7, 10, 9}));
}

TEST(Utf8Test, ConversionRoundTrips) {
  for (OffsetUnit unit : {OffsetUnit::kUtf16Units, OffsetUnit::kUtf8Bytes}) {
    std::vector<int64_t> all = {0, 1, 2, 3, 4, 5, 6};
    auto there = ConvertOffsets(kMixed, OffsetUnit::kCodePoints, unit, all);
    ASSERT_TRUE(there.ok());
    auto back = ConvertOffsets(kMixed, unit, OffsetUnit::kCodePoints, *there);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, all);
  }
}

TEST(Utf8Test, RejectsOffsetsInsideACharacterOrPastTheEnd) {
  // UTF-16 offset 2 is between the two halves of the surrogate pair.
  EXPECT_FALSE(ConvertOffsets(kMixed, OffsetUnit::kUtf16Units, OffsetUnit::kCodePoints, {2}).ok());
  // Byte 3 is inside the emoji's four bytes.
  EXPECT_FALSE(ConvertOffsets(kMixed, OffsetUnit::kUtf8Bytes, OffsetUnit::kCodePoints, {3}).ok());
  EXPECT_FALSE(ConvertOffsets(kMixed, OffsetUnit::kCodePoints, OffsetUnit::kUtf8Bytes, {7}).ok());
  EXPECT_FALSE(ConvertOffsets(kMixed, OffsetUnit::kCodePoints, OffsetUnit::kUtf8Bytes, {-1}).ok());
}

}  // namespace
}  // namespace icr::text
