// Text extraction from real files made by Debian's tools, and hostile files
// refused within the limits.
#include "server/text/extract.h"

#include <chrono>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/text/segmentation.h"
#include "tests/testing/temp_dir.h"
#include "tests/text/document_files.h"

namespace icr::text {
namespace {

using ::testing::HasSubstr;

SandboxLimits TestLimits() {
  SandboxLimits limits;
  limits.time = absl::Seconds(10);
  limits.memory_bytes = size_t{1} << 30;
  return limits;
}

int Paragraphs(const std::string& text) {
  return static_cast<int>(Segment(text, SegmentBy::kParagraph).size());
}

class ExtractFormatTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ExtractFormatTest, GivesTheTranscriptWithItsParagraphs) {
  const std::string format = GetParam();
  icr::testing::TempDir dir;
  const std::string file =
      icr::testing::WriteWithPandoc(icr::testing::kTranscriptMarkdown, format, dir.path());
  ASSERT_FALSE(file.empty()) << "pandoc could not write " << format;
  auto extracted = ExtractText(file, format, "", TestLimits());
  ASSERT_TRUE(extracted.ok()) << extracted.status();
  const std::string expected = icr::testing::ExpectedTranscriptText(format);
  EXPECT_EQ(extracted->text, expected);
  // The heading, four turns, two list items and four table cells.
  EXPECT_EQ(Paragraphs(extracted->text), 11);
  EXPECT_TRUE(absl::StartsWith(extracted->tool, "pandoc 2.")) << extracted->tool;
  EXPECT_TRUE(extracted->turns.empty());
  // Deterministic: the same file gives the same text.
  auto again = ExtractText(file, format, "", TestLimits());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->text, extracted->text);
}

INSTANTIATE_TEST_SUITE_P(PandocFormats, ExtractFormatTest,
                         ::testing::Values("docx", "odt", "rtf", "html", "md"));

TEST(ExtractTest, TextPdfGivesItsBlocksAsParagraphs) {
  auto extracted = ExtractText(icr::testing::MakeTextPdf(), "pdf", "", TestLimits());
  ASSERT_TRUE(extracted.ok()) << extracted.status();
  EXPECT_EQ(extracted->text, icr::testing::kTextPdfText);
  EXPECT_EQ(Paragraphs(extracted->text), 3);
  EXPECT_TRUE(absl::StartsWith(extracted->tool, "pdftotext ")) << extracted->tool;
}

TEST(ExtractTest, ScannedPdfIsRefusedSayingItHasNoText) {
  auto extracted = ExtractText(icr::testing::MakeScannedPdf(), "pdf", "", TestLimits());
  EXPECT_EQ(extracted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(extracted.status().message()), HasSubstr("no text layer"));
}

TEST(ExtractTest, TimedTranscriptsAndTextNeedNoTool) {
  auto vtt = ExtractText(icr::testing::kTranscriptVtt, "vtt", "", TestLimits());
  ASSERT_TRUE(vtt.ok()) << vtt.status();
  EXPECT_EQ(vtt->text, icr::testing::kTimedTranscriptText);
  EXPECT_EQ(vtt->turns.size(), 3u);
  auto srt = ExtractText(icr::testing::kTranscriptSrt, "srt", "", TestLimits());
  ASSERT_TRUE(srt.ok()) << srt.status();
  EXPECT_EQ(srt->text, icr::testing::kTimedTranscriptText);
  EXPECT_EQ(srt->turns, vtt->turns);
  auto txt = ExtractText("a\r\nb", "txt", "", TestLimits());
  ASSERT_TRUE(txt.ok());
  EXPECT_EQ(txt->text, "a\r\nb");
  EXPECT_EQ(ExtractText("\xff", "txt", "", TestLimits()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ExtractTest, WrongTypesAreRefusedSayingWhy) {
  const std::string png = "\x89PNG\r\n\x1a\n not a document";
  auto docx = ExtractText(png, "docx", "", TestLimits());
  EXPECT_EQ(docx.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(docx.status().message()), HasSubstr("not a readable docx file (pandoc"));
  auto pdf = ExtractText("hello, I am text", "pdf", "", TestLimits());
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(pdf.status().message()), HasSubstr("not a readable pdf file (pdftotext"));
  auto vtt = ExtractText(png, "vtt", "", TestLimits());
  EXPECT_EQ(vtt.status().code(), absl::StatusCode::kInvalidArgument);
  auto unknown = ExtractText("x", "pages", "", TestLimits());
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("format: \"pages\" is not one of"));
}

TEST(ExtractTest, ZipBombDressedAsDocxIsRefusedWithinTheLimits) {
  const std::string bomb = icr::testing::MakeZipBombDocx(400);
  ASSERT_LT(bomb.size(), size_t{4} << 20);
  SandboxLimits limits = TestLimits();
  limits.time = absl::Seconds(8);
  limits.memory_bytes = size_t{512} << 20;
  const auto start = std::chrono::steady_clock::now();
  auto extracted = ExtractText(bomb, "docx", "", limits);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(extracted.ok());
  EXPECT_TRUE(extracted.status().code() == absl::StatusCode::kResourceExhausted ||
              extracted.status().code() == absl::StatusCode::kDeadlineExceeded)
      << extracted.status();
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST(SandboxTest, ATimeLimitKillsTheTool) {
  icr::testing::TempDir dir;
  SandboxLimits limits;
  limits.time = absl::Milliseconds(500);
  const auto start = std::chrono::steady_clock::now();
  auto run = RunSandboxed({FindProgram("sleep"), "30"}, dir.path(), limits);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(run->timed_out);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(SandboxTest, OutputAndMemoryAreCapped) {
  icr::testing::TempDir dir;
  SandboxLimits limits;
  limits.output_bytes = 1 << 20;
  auto yes = RunSandboxed({FindProgram("yes")}, dir.path(), limits);
  ASSERT_TRUE(yes.ok()) << yes.status();
  EXPECT_TRUE(yes->output_over);
  EXPECT_EQ(yes->out.size(), size_t{1} << 20);
  // sort holds its input in memory: 300 MB from /dev/zero cannot fit in 64 MB.
  limits.memory_bytes = size_t{64} << 20;
  limits.output_bytes = size_t{64} << 20;
  auto sort = RunSandboxed({FindProgram("sh"), "-c", "head -c 300000000 /dev/zero | sort -S 1G"},
                           dir.path(), limits);
  ASSERT_TRUE(sort.ok()) << sort.status();
  EXPECT_NE(sort->exit_code, 0) << sort->err;
}

TEST(SandboxTest, TheToolHasNoNetworkAndAMinimalEnvironment) {
  icr::testing::TempDir dir;
  auto devices = RunSandboxed({FindProgram("cat"), "/proc/net/dev"}, dir.path(), SandboxLimits{});
  ASSERT_TRUE(devices.ok()) << devices.status();
  ASSERT_EQ(devices->exit_code, 0) << devices->err;
  // Two header lines, then loopback only, where a network namespace is allowed.
  int interfaces = -2;
  for (char c : devices->out) interfaces += c == '\n';
  EXPECT_LE(interfaces, 1) << devices->out;
  auto env = RunSandboxed({FindProgram("env")}, dir.path(), SandboxLimits{});
  ASSERT_TRUE(env.ok());
  EXPECT_EQ(env->out,
            "PATH=/usr/bin:/bin\nLANG=C.UTF-8\nLC_ALL=C.UTF-8\nHOME=" + dir.path() + "\n");
}

TEST(RtfUnicodeTest, EscapesBecomeUtf8WithTheirFallbacks) {
  EXPECT_EQ(RtfUnicodeToUtf8(R"({\rtf1 A \u1071? \u1085?x \u-10179?\u-8638? \\u12 \ul B})"),
            "{\\rtf1 A Я нx 🙂 \\\\u12 \\ul B}");
  EXPECT_EQ(RtfUnicodeToUtf8(R"({\uc2\u1071\'3f\'3fZ \uc0\u1085 Y})"), "{\\uc2ЯZ \\uc0нY}");
}

}  // namespace
}  // namespace icr::text
