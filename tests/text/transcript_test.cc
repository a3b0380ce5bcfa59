// Speaker turns from WebVTT voice tags, SRT speaker labels and labelled text.
#include "server/text/transcript.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "server/text/utf8.h"

namespace icr::text {
namespace {

// The code points of `text` in [turn.start, turn.end).
std::string Covered(std::string_view text, const Turn& turn) {
  auto bytes =
      ConvertOffsets(text, OffsetUnit::kCodePoints, OffsetUnit::kUtf8Bytes, {turn.start, turn.end});
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return std::string(text.substr((*bytes)[0], (*bytes)[1] - (*bytes)[0]));
}

TEST(TimedTranscriptTest, WebVttVoiceTagsMakeTurnsWithTimes) {
  const std::string vtt =
      "\xEF\xBB\xBFWEBVTT - interview 12\r\n\r\n"
      "NOTE recorded on Zoom\r\n\r\n"
      "1\r\n00:00:01.000 --> 00:00:04.500 align:start\r\n"
      "<v Interviewer>How did you start? 🙂</v>\r\n\r\n"
      "00:00:05.000 --> 00:00:09.250\r\n<v.loud P12>Я начал в 2019 году.\r\n"
      "<i>我很高兴</i> &amp; more</v>\r\n\r\n"
      "00:00:09.250 --> 00:00:12.000\r\n<v P12>Then I moved.</v>\r\n\r\n"
      "01:00:00.000 --> 01:00:01.000\r\nno voice here\r\n";
  auto parsed = ParseTimedTranscript(vtt, /*srt=*/false, "");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->text,
            "Interviewer: How did you start? 🙂\n\n"
            "P12: Я начал в 2019 году. 我很高兴 & more\nThen I moved.\n\n"
            "no voice here\n");
  ASSERT_EQ(parsed->turns.size(), 3u);
  EXPECT_EQ(parsed->turns[0], (Turn{0, 33, "Interviewer", 1000, 4500}));
  EXPECT_EQ(Covered(parsed->text, parsed->turns[1]),
            "P12: Я начал в 2019 году. 我很高兴 & more\nThen I moved.");
  EXPECT_EQ(parsed->turns[1].speaker, "P12");
  EXPECT_EQ(parsed->turns[1].start_ms, 5000);
  EXPECT_EQ(parsed->turns[1].end_ms, 12000);
  EXPECT_EQ(parsed->turns[2],
            (Turn{parsed->turns[2].start, parsed->turns[2].start + 13, "", 3600000, 3601000}));
  EXPECT_EQ(parsed->tool, "icr WebVTT parser 1");
}

TEST(TimedTranscriptTest, SrtSpeakerLabelsMakeTurns) {
  const std::string srt =
      "1\n00:00:01,000 --> 00:00:03,000\nInterviewer: Hello.\n\n"
      "2\n00:00:03,500 --> 00:00:06,000\nParticipant 3 — <i>Hi</i>, fine\nthanks.\n\n"
      "3\n00:00:06,000 --> 00:00:08,000\nParticipant 3 — More.\n";
  auto parsed = ParseTimedTranscript(srt, /*srt=*/true, "");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->text, "Interviewer: Hello.\n\nParticipant 3: Hi, fine thanks.\nMore.\n");
  ASSERT_EQ(parsed->turns.size(), 2u);
  EXPECT_EQ(parsed->turns[0], (Turn{0, 19, "Interviewer", 1000, 3000}));
  EXPECT_EQ(parsed->turns[1].speaker, "Participant 3");
  EXPECT_EQ(parsed->turns[1].start_ms, 3500);
  EXPECT_EQ(parsed->turns[1].end_ms, 8000);
  EXPECT_EQ(Covered(parsed->text, parsed->turns[1]), "Participant 3: Hi, fine thanks.\nMore.");
}

TEST(TimedTranscriptTest, BadFilesAreRefusedSayingWhy) {
  EXPECT_EQ(
      ParseTimedTranscript("1\n00:00:01,000 --> 00:00:03,000\nHi\n", false, "").status().message(),
      "not a WebVTT file: the first line is not \"WEBVTT\"");
  EXPECT_EQ(
      ParseTimedTranscript("1\n00:00:01,000 --> 00:0x:03,000\nHi\n", true, "").status().message(),
      "SRT line 2: bad cue timing \"00:00:01,000 --> 00:0x:03,000\"");
  EXPECT_EQ(ParseTimedTranscript("WEBVTT\n\n", false, "").status().message(),
            "no cues with text in the WebVTT file");
  EXPECT_EQ(ParseTimedTranscript("PK\x03\x04 binary\n", true, "").status().message(),
            "not a SRT file: line 1 starts a block without a cue timing");
}

TEST(SpeakerTurnsTest, LabelledLinesStartTurnsThatRunToTheNextLabel) {
  const std::string text =
      "Interview 12, 3 May\r\n\r\n"
      "Interviewer: How did you start?\r\n"
      "I: Take your time.\r\n\r\n"
      "P12: Я начал 🙂\r\nand went on\r\n\r\nafter a pause.\r\n\r\n"
      "Participant 3 — Hello\r\n"
      "Мария: привет\r\n";
  auto turns = SpeakerTurns(text, "");
  ASSERT_TRUE(turns.ok()) << turns.status();
  ASSERT_EQ(turns->size(), 6u);
  const std::vector<std::string> speakers = {"",    "Interviewer",   "I",
                                             "P12", "Participant 3", "Мария"};
  for (size_t i = 0; i < speakers.size(); ++i) EXPECT_EQ((*turns)[i].speaker, speakers[i]);
  EXPECT_EQ(Covered(text, (*turns)[0]), "Interview 12, 3 May");
  EXPECT_EQ(Covered(text, (*turns)[3]),
            "P12: Я начал 🙂\r\nand went on\r\n\r\nafter a pause.");
  EXPECT_EQ(Covered(text, (*turns)[5]), "Мария: привет");
  EXPECT_FALSE((*turns)[1].start_ms.has_value());
}

TEST(SpeakerTurnsTest, APatternOfOneOwnNamesTheSpeakerByItsFirstGroup) {
  const std::string text = "[INT] Question?\n[R1] Answer.\nmore\nNote: not a speaker\n";
  auto turns = SpeakerTurns(text, R"(\[(\w+)\] )");
  ASSERT_TRUE(turns.ok()) << turns.status();
  ASSERT_EQ(turns->size(), 2u);
  EXPECT_EQ((*turns)[0].speaker, "INT");
  EXPECT_EQ((*turns)[1].speaker, "R1");
  EXPECT_EQ(Covered(text, (*turns)[1]), "[R1] Answer.\nmore\nNote: not a speaker");
  // Without a group, the match minus its punctuation names the speaker.
  auto plain = SpeakerTurns("Q - one\nA - two\n", "[QA] - ");
  ASSERT_TRUE(plain.ok());
  ASSERT_EQ(plain->size(), 2u);
  EXPECT_EQ((*plain)[1].speaker, "A");
  EXPECT_EQ(SpeakerTurns(text, "([unclosed").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      absl::StartsWith(SpeakerTurns(text, "([unclosed").status().message(), "speaker_pattern: "));
}

}  // namespace
}  // namespace icr::text
