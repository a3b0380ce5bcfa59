#include "server/text/segmentation.h"

#include "gtest/gtest.h"
#include "server/text/utf8.h"

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

// The text of each span, to read the expectations as sentences: code
// points to bytes through the library's own offset conversion.
std::vector<std::string> Texts(const std::string& text, const std::vector<Span>& spans) {
  std::vector<int64_t> offsets;
  for (const Span& span : spans) offsets.insert(offsets.end(), {span.start, span.end});
  absl::StatusOr<std::vector<int64_t>> bytes =
      ConvertOffsets(text, OffsetUnit::kCodePoints, OffsetUnit::kUtf8Bytes, offsets);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  std::vector<std::string> out;
  for (size_t i = 0; bytes.ok() && i + 1 < bytes->size(); i += 2) {
    out.push_back(text.substr((*bytes)[i], (*bytes)[i + 1] - (*bytes)[i]));
  }
  return out;
}

TEST(SentenceTest, EnglishSentencesWithinParagraphs) {
  // A hard-wrapped sentence stays one; a blank line always ends one, even
  // without a full stop; white space around a sentence belongs to none.
  const std::string text =
      "It was hard. Then my\nmentor called!  Did it help?\n\nYes a lot\n\n  Fine.";
  const std::vector<Span> sentences = Segment(text, SegmentBy::kSentence);
  EXPECT_EQ(Texts(text, sentences),
            (std::vector<std::string>{"It was hard.", "Then my\nmentor called!", "Did it help?",
                                      "Yes a lot", "Fine."}));
  EXPECT_EQ(sentences.front(), (Span{0, 12}));
}

TEST(SentenceTest, PersianQuestionMarkAndFullStopEndSentencesButTheCommaDoesNot) {
  // "Was the mentor good? Yes، very. 😀 Thanks." in Persian, with a ZWNJ
  // (U+200C) inside "می‌کرد" and Persian digits.
  const std::string text = "منتور خوب بود؟ بله، خیلی کمک می\u200cکرد ۱۲ بار. 😀 ممنون.";
  EXPECT_EQ(Texts(text, Segment(text, SegmentBy::kSentence)),
            (std::vector<std::string>{"منتور خوب بود؟", "بله، خیلی کمک می\u200cکرد ۱۲ بار.",
                                      "😀 ممنون."}));
}

TEST(SentenceTest, ArabicFullStopDevanagariDandaAndCjkFullStop) {
  const std::string arabic = "كان المرشد جيدًا۔ شكرًا؟ نعم";
  EXPECT_EQ(Texts(arabic, Segment(arabic, SegmentBy::kSentence)),
            (std::vector<std::string>{"كان المرشد جيدًا۔", "شكرًا؟", "نعم"}));
  const std::string hindi = "मेरा मेंटर अच्छा था। धन्यवाद।";
  EXPECT_EQ(Texts(hindi, Segment(hindi, SegmentBy::kSentence)),
            (std::vector<std::string>{"मेरा मेंटर अच्छा था।", "धन्यवाद।"}));
  const std::string chinese = "导师很好。谢谢！";
  EXPECT_EQ(Texts(chinese, Segment(chinese, SegmentBy::kSentence)),
            (std::vector<std::string>{"导师很好。", "谢谢！"}));
}

TEST(SentenceTest, CrLfAndEmptyText) {
  const std::string text = "One.\r\nTwo.\r\n\r\nThree.";
  EXPECT_EQ(Texts(text, Segment(text, SegmentBy::kSentence)),
            (std::vector<std::string>{"One.", "Two.", "Three."}));
  EXPECT_TRUE(Segment("", SegmentBy::kSentence).empty());
  EXPECT_TRUE(Segment(" \n\n ", SegmentBy::kSentence).empty());
}

}  // namespace
}  // namespace icr::text
