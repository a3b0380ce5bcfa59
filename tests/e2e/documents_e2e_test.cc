// Documents as researchers have them, through the real icr CLI and a real
// icr-server: Word, OpenDocument, RTF, HTML, Markdown, PDF, WebVTT and SRT
// files; speaker turns; the original file back; hostile files refused with
// nothing stored.
#include <chrono>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/cli_test.h"
#include "tests/testing/subprocess.h"
#include "tests/text/document_files.h"

namespace icr {
namespace {

using nlohmann::json;
using testing::CommandResult;

class DocumentsEndToEndTest : public testing::CliTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartServer({"--extraction_time_limit", "8s"}));
    ASSERT_EQ(Icr({"project", "create", "study", "--title", "Study"}).exit_code, 0);
  }

  std::string Text(const std::string& doc) {
    return IcrJson({"doc", "show", "study", doc, "--text"})["document"]["text"];
  }

  size_t DocumentCount() {
    json list = IcrJson({"doc", "list", "study"});
    return list.contains("documents") ? list["documents"].size() : 0;
  }
};

TEST_F(DocumentsEndToEndTest, EveryFormatGivesTheTranscriptAndKeepsTheOriginal) {
  for (const std::string format : {"docx", "odt", "rtf", "html", "md"}) {
    SCOPED_TRACE(format);
    const std::string bytes =
        testing::WriteWithPandoc(testing::kTranscriptMarkdown, format, dir_.path());
    ASSERT_FALSE(bytes.empty());
    const std::string file = WriteFile("interview." + format, bytes);
    json added = IcrJson({"doc", "add", "study", "int-" + format, "--file", file});
    EXPECT_EQ(added["document"]["segments"].size(), 11u);  // --segment paragraph
    EXPECT_EQ(added["document"]["original_format"], format);
    EXPECT_EQ(Text("int-" + format), testing::ExpectedTranscriptText(format));
    // The original comes back byte for byte.
    const std::string out = dir_.path() + "/back." + format;
    CommandResult back = Icr({"doc", "show", "study", "int-" + format, "--original", "--out", out});
    ASSERT_EQ(back.exit_code, 0) << back.err;
    EXPECT_EQ(testing::ReadFile(out), bytes);
  }
  // A PDF, and a file whose extension says nothing, with --format.
  json pdf = IcrJson({"doc", "add", "study", "int-pdf", "--file",
                      WriteFile("scan-0001", testing::MakeTextPdf()), "--format", "pdf"});
  EXPECT_EQ(pdf["document"]["segments"].size(), 3u);
  EXPECT_EQ(Text("int-pdf"), testing::kTextPdfText);

  // The audit event names both hashes and the tool.
  json events = IcrJson({"audit", "events", "study"});
  const std::string summary = events["events"].back()["event"]["result_summary"];
  EXPECT_NE(summary.find("sha256 " + pdf["document"]["sha256"].get<std::string>()),
            std::string::npos)
      << summary;
  EXPECT_NE(
      summary.find("from a pdf file of " + pdf["document"]["original_bytes"].get<std::string>() +
                   " bytes, sha256 " + pdf["document"]["original_sha256"].get<std::string>() +
                   ", extracted by pdftotext "),
      std::string::npos)
      << summary;
}

TEST_F(DocumentsEndToEndTest, SpeakerTurnsFromTimedTranscriptsAndLabelledText) {
  ASSERT_EQ(Icr({"doc", "add", "study", "zoom", "--file",
                 WriteFile("zoom.vtt", testing::kTranscriptVtt), "--segment", "turn"})
                .exit_code,
            0);
  CommandResult shown = Icr({"doc", "show", "study", "zoom"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("speaker"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("Interviewer"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("00:00:04.500"), std::string::npos) << shown.out;
  json zoom = IcrJson({"doc", "show", "study", "zoom"});
  ASSERT_EQ(zoom["document"]["segments"].size(), 3u);
  EXPECT_EQ(zoom["document"]["segments"][1]["speaker"], "P12");
  EXPECT_EQ(zoom["document"]["segments"][1]["start_ms"], "4500");
  EXPECT_EQ(zoom["document"]["segments"][1]["end_ms"], "9000");
  EXPECT_EQ(zoom["document"]["segmentation"], "SEGMENT_TURN");

  json srt = IcrJson({"doc", "add", "study", "whisper", "--file",
                      WriteFile("whisper.srt", testing::kTranscriptSrt), "--segment", "turn"});
  EXPECT_EQ(srt["document"]["segments"], zoom["document"]["segments"]);

  // A Word file with labelled turns, and a text file with a pattern of its own.
  const std::string docx =
      testing::WriteWithPandoc(testing::kTranscriptMarkdown, "docx", dir_.path());
  json word = IcrJson(
      {"doc", "add", "study", "word", "--file", WriteFile("w.docx", docx), "--segment", "turn"});
  const json& turns = word["document"]["segments"];
  ASSERT_EQ(turns.size(), 5u);
  EXPECT_EQ(turns[0]["speaker"], "");  // the heading: no speaker
  EXPECT_FALSE(turns[0].contains("start_ms"));
  EXPECT_EQ(turns[1]["speaker"], "Interviewer");
  EXPECT_EQ(turns[4]["speaker"], "P12");  // runs through the list and the table
  json text = IcrJson({"doc", "add", "study", "notes", "--file",
                       WriteFile("notes.txt", "[INT] Why?\r\n[R1] Because.\r\nYes.\r\n"),
                       "--segment", "turn", "--speaker_pattern", R"(\[(\w+)\] )"});
  ASSERT_EQ(text["document"]["segments"].size(), 2u);
  EXPECT_EQ(text["document"]["segments"][1]["speaker"], "R1");

  CommandResult bad = Icr({"doc", "add", "study", "bad", "--file", WriteFile("b.txt", "x"),
                           "--segment", "turn", "--speaker_pattern", "(["});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("speaker_pattern"), std::string::npos) << bad.err;
}

TEST_F(DocumentsEndToEndTest, SentencesOfAWordFileInPersianAndEnglish) {
  // A Word file whose paragraphs hold several sentences, one of them Persian
  // with the Arabic question mark and comma: each sentence is a unit.
  const std::string docx = testing::WriteWithPandoc(
      "Was it useful? Yes. Very.\n\nمفید بود؟ بله، خیلی.\n", "docx", dir_.path());
  json added = IcrJson({"doc", "add", "study", "sent", "--file", WriteFile("s.docx", docx),
                        "--segment", "sentence"});
  EXPECT_EQ(added["document"]["segmentation"], "SEGMENT_SENTENCE");
  const json& segments = added["document"]["segments"];
  ASSERT_EQ(segments.size(), 5u) << added.dump();
  EXPECT_EQ(segments[0]["end"], "14");  // "Was it useful?"
  EXPECT_EQ(segments[1]["start"], "15");
  EXPECT_EQ(segments[1]["end"], "19");  // "Yes."
  EXPECT_EQ(segments[3]["start"], "27");
  EXPECT_EQ(segments[3]["end"], "36");  // "مفید بود؟"
  EXPECT_EQ(segments[4]["start"], "37");
  EXPECT_EQ(segments[4]["end"], "47");  // "بله، خیلی." — the comma ends nothing
}

TEST_F(DocumentsEndToEndTest, HostileFilesAreRefusedNamingTheFileAndNothingIsStored) {
  struct Case {
    std::string name, content, says;
    int exit_code = 1;  // refused by the server; 2: by the CLI
  };
  const std::vector<Case> cases = {
      // Over the memory limit, or on a loaded machine first over the time limit.
      {"bomb.docx", testing::MakeZipBombDocx(400), ", the limit"},
      {"picture.docx", "\x89PNG\r\n\x1a\n not a document", "not a readable docx file"},
      {"scan.pdf", testing::MakeScannedPdf(), "no text layer"},
      {"notes.vtt", "just some words\n", "not a WebVTT file"},
      {"huge.rtf", std::string(17 << 20, 'x'), "over the limit"},
      {"thing.pages", "x", "unknown format \".pages\"", 2},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string file = WriteFile(c.name, c.content);
    const auto start = std::chrono::steady_clock::now();
    CommandResult result = Icr({"doc", "add", "study", "hostile", "--file", file});
    // The server's extraction limit is 8 s.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(12));
    EXPECT_EQ(result.exit_code, c.exit_code);
    EXPECT_NE(result.err.find(file + ": "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(c.says), std::string::npos) << result.err;
  }
  EXPECT_EQ(DocumentCount(), 0u);
  // The server is unharmed: the next file goes in.
  ASSERT_EQ(
      Icr({"doc", "add", "study", "fine", "--file", WriteFile("fine.srt", testing::kTranscriptSrt)})
          .exit_code,
      0);
  EXPECT_EQ(DocumentCount(), 1u);
}

}  // namespace
}  // namespace icr
