#include "server/text/segmentation.h"

#include "gtest/gtest.h"

namespace icr::text {
namespace {

TEST(SegmentationTest, WholeTextIsOneSegment) {
  EXPECT_EQ(Segment("abc\ndef", SegmentBy::kNone), (std::vector<Span>{{0, 7}}));
  EXPECT_TRUE(Segment("", SegmentBy::kNone).empty());
}

TEST(SegmentationTest, LinesWithCrLfAndBlankLines) {
  // "one\r\n\r\ntwo\n   \nthree": the CR LF is one terminator, blank lines
  // (spaces only) are skipped.
  const std::string text = "one\r\n\r\ntwo\n   \nthree";
  EXPECT_EQ(Segment(text, SegmentBy::kLine), (std::vector<Span>{{0, 3}, {7, 10}, {15, 20}}));
}

TEST(SegmentationTest, ParagraphsAreSeparatedByBlankLines) {
  const std::string text = "a1\r\na2\r\n\r\n\r\nb1\nb2\n \nc1\n";
  EXPECT_EQ(Segment(text, SegmentBy::kParagraph), (std::vector<Span>{{0, 6}, {12, 17}, {20, 22}}));
}

TEST(SegmentationTest, OffsetsCountCodePointsNotBytes) {
  // "😀x\n\nyé": the emoji is one code point (4 bytes), é one (2 bytes).
  const std::string text = "\xF0\x9F\x98\x80x\n\ny\xC3\xA9";
  EXPECT_EQ(Segment(text, SegmentBy::kParagraph), (std::vector<Span>{{0, 2}, {4, 6}}));
  EXPECT_EQ(Segment(text, SegmentBy::kNone), (std::vector<Span>{{0, 6}}));
}

TEST(SegmentationTest, OldMacLineEnds) {
  EXPECT_EQ(Segment("a\rb", SegmentBy::kLine), (std::vector<Span>{{0, 1}, {2, 3}}));
}

}  // namespace
}  // namespace icr::text
