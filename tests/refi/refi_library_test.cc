// The REFI-QDA library on its own: the hand-written fixtures that mimic each
// tool's quirks, every bad input, and writing then reading back.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "client/refi/archive.h"
#include "client/refi/ids.h"
#include "client/refi/plan.h"
#include "client/refi/xml.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/text/utf8.h"
#include "tests/refi/schema_check.h"
#include "tests/testing/temp_dir.h"

namespace icr::refi {
namespace {

using ::testing::HasSubstr;

const std::string kData = ICR_REFI_TEST_DATA;  // tests/data/refi
const std::string kText = "Emoji 😀 first. Mentoring helped me a lot.\nSecond 𝄞 line about stress.";

struct Span {
  std::string user;
  std::string code;
  int64_t start, end;
  bool operator==(const Span&) const = default;
};
std::ostream& operator<<(std::ostream& out, const Span& s) {
  return out << s.user << ":" << s.code << "[" << s.start << "," << s.end << ")";
}

std::vector<Span> Spans(const ImportPlan& plan) {
  std::vector<Span> spans;
  for (const PlannedSource& source : plan.sources) {
    for (const PlannedCoding& c : source.codings) {
      spans.push_back({c.user_guid.substr(0, 8), c.code_guid.substr(0, 8), c.start, c.end});
    }
  }
  return spans;
}

// --- the tools' quirks -----------------------------------------------------

struct ToolCase {
  const char* file;
  PositionUnit unit;
  const char* skipped_kind;
  int64_t skipped;
};

class ToolFixtureTest : public ::testing::TestWithParam<ToolCase> {};

TEST_P(ToolFixtureTest, GivesTheSameCodePointSpans) {
  const ToolCase& tool = GetParam();
  absl::StatusOr<Project> project = ReadQdpxFile(kData + "/" + tool.file);
  ASSERT_TRUE(project.ok()) << project.status();
  ASSERT_EQ(project->sources.size(), 1u);
  EXPECT_EQ(project->sources[0].text, kText);  // a byte-order mark is dropped
  EXPECT_EQ(project->sources[0].name, "Interview 01");
  ASSERT_EQ(project->users.size(), 2u);
  EXPECT_EQ(project->users[1].name, "Bob");

  absl::StatusOr<ImportPlan> plan = PlanImport(*project, tool.unit, tool.file);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->selections, 3);
  EXPECT_EQ(plan->codings, 4);
  EXPECT_EQ(plan->skipped_selections, tool.skipped);
  EXPECT_EQ(plan->skipped_by_kind[tool.skipped_kind], tool.skipped);
  EXPECT_EQ(plan->sources[0].length, 69);
  EXPECT_EQ(plan->sources[0].sha256, Sha256Hex(kText));
  std::vector<Span> expected = {{"11111111", "C0000003", 15, 34},
                                {"22222222", "C0000003", 15, 34},
                                {"22222222", "C0000005", 62, 68},
                                {"11111111", "C0000001", 0, 13}};
  EXPECT_EQ(Spans(*plan), expected);
  // The spans are the words the coders marked.
  const PlannedSource& source = plan->sources[0];
  std::vector<int64_t> bytes = *text::ConvertOffsets(source.text, text::OffsetUnit::kCodePoints,
                                                     text::OffsetUnit::kUtf8Bytes, {15, 34, 0, 13});
  EXPECT_EQ(source.text.substr(bytes[0], bytes[1] - bytes[0]), "Mentoring helped me");
  EXPECT_EQ(source.text.substr(bytes[2], bytes[3] - bytes[2]), "Emoji 😀 first");
}

INSTANTIATE_TEST_SUITE_P(
    Tools, ToolFixtureTest,
    ::testing::Values(ToolCase{"atlas.qdpx", PositionUnit::kCodePoints, "PDFSelection", 2},
                      ToolCase{"nvivo.qdpx", PositionUnit::kUtf16, "AudioSelection", 1},
                      ToolCase{"maxqda.qdpx", PositionUnit::kCodePoints, "PictureSelection", 1}),
    [](const auto& info) {
      std::string name = info.param.file;
      return name.substr(0, name.find('.'));
    });

TEST(RefiFixture, ThreeLevelCodebookInAProject) {
  absl::StatusOr<Project> project = ReadQdpxFile(kData + "/atlas.qdpx");
  ASSERT_TRUE(project.ok()) << project.status();
  std::vector<FlatCode> flat = FlattenCodes(project->codes);
  ASSERT_EQ(flat.size(), 5u);
  // Parents first.
  EXPECT_EQ(flat[0].code->name, "Support");
  EXPECT_EQ(flat[0].depth, 0);
  EXPECT_EQ(flat[1].code->name, "Peer mentoring");
  EXPECT_EQ(flat[1].parent_guid, "C0000001-0000-4000-8000-000000000001");
  EXPECT_EQ(flat[2].code->name, "Mentoring helped");
  EXPECT_EQ(flat[2].depth, 2);
  EXPECT_EQ(flat[2].code->color, "#0000FF");
  EXPECT_EQ(flat[2].code->description, "The student says mentoring helped.");
  EXPECT_EQ(flat[3].code->name, "Wellbeing");
  EXPECT_EQ(flat[4].parent_guid, "C0000004-0000-4000-8000-000000000004");
}

TEST(RefiFixture, InlineTextMemosNotesAndWholeSourceCodings) {
  absl::StatusOr<Project> project = ReadQdpxFile(kData + "/qualcoder.qdpx");
  ASSERT_TRUE(project.ok()) << project.status();
  absl::StatusOr<ImportPlan> plan = PlanImport(*project, PositionUnit::kCodePoints, "q");
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->sources.size(), 1u);
  const PlannedSource& source = plan->sources[0];
  EXPECT_EQ(source.text, "Naïve café talk; support matters.");
  ASSERT_EQ(source.codings.size(), 3u);
  EXPECT_EQ(source.codings[0].start, 17);
  EXPECT_EQ(source.codings[0].end, 24);
  EXPECT_EQ(source.codings[0].memo, "Says support matters.");
  EXPECT_EQ(source.codings[1].memo, "Accented word.");  // from the note the coding refers to
  EXPECT_EQ(source.codings[2].code_guid, "C0000006-0000-4000-8000-000000000006");
  EXPECT_EQ(source.codings[2].start, 0);
  EXPECT_EQ(source.codings[2].end, 33);  // the whole source
  EXPECT_EQ(plan->skipped_selections, 0);
}

TEST(RefiFixture, Utf16PositionsReadAsCodePointsOrSplittingAPairAreRefused) {
  // The NVivo file read as code points: its last selection ends past the
  // text (70 > 69), and the error says which unit to try.
  absl::StatusOr<Project> project = ReadQdpxFile(kData + "/nvivo.qdpx");
  ASSERT_TRUE(project.ok()) << project.status();
  absl::StatusOr<ImportPlan> wrong = PlanImport(*project, PositionUnit::kCodePoints, "nvivo");
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.status().message(), HasSubstr("5E000002-0000-4000-8000-000000000002"));
  EXPECT_THAT(wrong.status().message(), HasSubstr("endPosition 70 is past the end"));
  EXPECT_THAT(wrong.status().message(), HasSubstr("try --offsets utf16"));

  // A UTF-16 position between the two halves of 𝄞 (code units 50..52).
  project->sources[0].selections[1].start = 51;
  project->sources[0].selections[1].end = 52;
  absl::StatusOr<ImportPlan> split = PlanImport(*project, PositionUnit::kUtf16, "nvivo.qdpx");
  ASSERT_FALSE(split.ok());
  EXPECT_EQ(split.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(split.status().message(), HasSubstr("5E000002-0000-4000-8000-000000000002"));
  EXPECT_THAT(split.status().message(), HasSubstr("nvivo.qdpx:"));
}

// --- bad input ---------------------------------------------------------------

struct BadCase {
  const char* file;
  std::vector<std::string> fragments;  // each must appear in the message
};

class BadArchiveTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadArchiveTest, IsRefusedWithTheReasonAndWhere) {
  const BadCase& bad = GetParam();
  const std::string path = kData + "/" + bad.file;
  absl::StatusOr<Project> project = ReadQdpxFile(path);
  absl::Status status = project.status();
  if (status.ok()) status = PlanImport(*project, PositionUnit::kCodePoints, path).status();
  ASSERT_FALSE(status.ok()) << bad.file << " was accepted";
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(bad.file));
  for (const std::string& fragment : bad.fragments) {
    EXPECT_THAT(status.message(), HasSubstr(fragment));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Errors, BadArchiveTest,
    ::testing::Values(
        BadCase{"not_a_zip.qdpx", {"not a zip archive"}},
        BadCase{"no_qde.qdpx", {"no .qde project file", "Sources/a.txt"}},
        BadCase{"malformed.qdpx", {"project.qde:", "not well-formed XML"}},
        BadCase{"wrong_namespace.qdpx",
                {"project.qde:2:", "urn:example:not-refi", "urn:QDA-XML:project:1.0"}},
        BadCase{"dangling_coderef.qdpx",
                {"project.qde:12:", "PlainTextSelection 5E000021-0000-4000-8000-000000000021",
                 "Coding D0000021-0000-4000-8000-000000000021",
                 "C0000099-0000-4000-8000-000000000099", "names no code"}},
        BadCase{"start_after_end.qdpx",
                {"project.qde:11:", "5E000021-0000-4000-8000-000000000021",
                 "startPosition 9 > endPosition 4"}},
        BadCase{"out_of_bounds.qdpx",
                {"5E000021-0000-4000-8000-000000000021", "endPosition 40 is past the end",
                 "15 code points"}}),
    [](const auto& info) {
      std::string name = info.param.file;
      return name.substr(0, name.find('.'));
    });

TEST(RefiXml, RefusesADoctypeAndMissingTexts) {
  const TextResolver none = [](const std::string&) -> absl::StatusOr<std::string> {
    return absl::NotFoundError("absent");
  };
  absl::StatusOr<Project> entity = ParseProjectXml(
      "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY a \"aaaa\">]>"
      "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"&a;\"/>",
      "x.qde", none);
  ASSERT_FALSE(entity.ok());
  EXPECT_THAT(entity.status().message(), HasSubstr("DOCTYPE"));

  absl::StatusOr<Project> missing = ParseProjectXml(
      "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\"><Sources>"
      "<TextSource guid=\"7B000001-0000-4000-8000-000000000001\" "
      "plainTextPath=\"internal://gone.txt\"/></Sources></Project>",
      "x.qde", none);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("x.qde:1: TextSource 7B000001"));
  EXPECT_THAT(missing.status().message(), HasSubstr("internal://gone.txt"));
}

// --- codebooks ----------------------------------------------------------------

TEST(RefiCodebook, ReadsThreeLevels) {
  absl::StatusOr<Codebook> codebook = ReadQdcFile(kData + "/three_levels.qdc");
  ASSERT_TRUE(codebook.ok()) << codebook.status();
  ASSERT_EQ(codebook->codes.size(), 2u);
  const Code& code = codebook->codes[0].children[0].children[0];
  EXPECT_EQ(code.name, "Mentoring helped");
  EXPECT_EQ(code.guid, "C0000003-0000-4000-8000-000000000003");
  EXPECT_EQ(code.color, "#0000FF");
  EXPECT_EQ(code.line, 8);
  int max_depth = 0;
  for (const FlatCode& flat : FlattenCodes(codebook->codes))
    max_depth = std::max(max_depth, flat.depth);
  EXPECT_EQ(max_depth, 2);
}

TEST(RefiCodebook, RefusesTheWrongNamespaceDuplicateGuidsAndNamelessCodes) {
  absl::StatusOr<Codebook> wrong = ReadQdcFile(kData + "/wrong_namespace.qdc");
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(wrong.status().message(), HasSubstr("wrong_namespace.qdc:3:"));
  EXPECT_THAT(wrong.status().message(), HasSubstr("urn:QDA-XML:codebook:1.0"));

  const std::string ns = "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>";
  absl::StatusOr<Codebook> duplicate = ParseCodebookXml(
      ns + "<Code guid=\"C1\" name=\"a\" isCodable=\"true\"/>\n<Code guid=\"C1\" name=\"b\" "
           "isCodable=\"true\"/></Codes></CodeBook>",
      "d.qdc");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_THAT(duplicate.status().message(), HasSubstr("d.qdc:2: Code C1: guid used by another"));

  absl::StatusOr<Codebook> nameless =
      ParseCodebookXml(ns + "<Code guid=\"C1\" isCodable=\"true\"/></Codes></CodeBook>", "n.qdc");
  ASSERT_FALSE(nameless.ok());
  EXPECT_THAT(nameless.status().message(), HasSubstr("Code C1: missing name"));

  absl::StatusOr<Codebook> empty = ParseCodebookXml("", "e.qdc");
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.status().message(), HasSubstr("e.qdc:"));
}

TEST(RefiCodebook, WritesAndReadsBack) {
  absl::StatusOr<Codebook> codebook = ReadQdcFile(kData + "/three_levels.qdc");
  ASSERT_TRUE(codebook.ok());
  absl::StatusOr<Codebook> again = ParseCodebookXml(WriteCodebookXml(*codebook), "again.qdc");
  ASSERT_TRUE(again.ok()) << again.status();
  std::vector<FlatCode> a = FlattenCodes(codebook->codes), b = FlattenCodes(again->codes);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].code->guid, b[i].code->guid);
    EXPECT_EQ(a[i].code->name, b[i].code->name);
    EXPECT_EQ(a[i].code->color, b[i].code->color);
    EXPECT_EQ(a[i].code->description, b[i].code->description);
    EXPECT_EQ(a[i].parent_guid, b[i].parent_guid);
  }
}

// --- writing ------------------------------------------------------------------

std::string SchemaErrors(const std::string& xml) {
  return testing::SchemaErrors(xml, kData + "/project_subset.xsd");
}
using testing::ZipEntry;

Project SampleProject() {
  Project p;
  p.name = "Sample <&> \"quoted\"";
  p.origin = "icr";
  p.users = {{UserGuid("alice"), "alice", "alice"}, {UserGuid("bob"), "bob", "bob"}};
  Code theme{CodeGuid("t"), "Theme", "#112233", "A theme.\nTwo lines.", true, {}, 0};
  Code leaf{CodeGuid("c"), "Leaf & co", "#ABCDEF", "", true, {}, 0};
  Code mid{CodeGuid("m"), "Middle", "", "", true, {leaf}, 0};
  theme.children.push_back(mid);
  p.codes = {theme};
  TextSource file_source;
  file_source.guid = DerivedGuid("doc1");
  file_source.name = "Doc one";
  file_source.plain_text_path = "internal://" + file_source.guid + ".txt";
  file_source.text = "Line one\r\nEmoji 😀 and \x0B control.\n";
  TextSelection s;
  s.guid = DerivedGuid("s1");
  s.start = 10;
  s.end = 17;
  s.creating_user = UserGuid("alice");
  s.description = "memo with <tags> & \x01 control";
  s.codings = {
      {DerivedGuid("k1"), CodeGuid("c"), UserGuid("alice"), "2024-01-02T03:04:05Z", {}, 0}};
  file_source.selections = {s};
  TextSource inline_source;
  inline_source.guid = DerivedGuid("doc2");
  inline_source.name = "Inline";
  inline_source.text = "carriage\rreturn and tab\t.";
  p.sources = {file_source, inline_source};
  p.notes = {{DerivedGuid("n1"), "Resolution", "Agreed after discussion.", UserGuid("alice")}};
  return p;
}

TEST(RefiWrite, ArchiveValidatesAgainstTheSchemaAndReadsBackTheSame) {
  icr::testing::TempDir dir;
  const std::string path = dir.path() + "/out.qdpx";
  Project project = SampleProject();
  ASSERT_TRUE(WriteQdpxFile(project, path).ok());

  std::string qde = ZipEntry(path, "project.qde");
  ASSERT_FALSE(qde.empty());
  EXPECT_EQ(SchemaErrors(qde), "");
  EXPECT_EQ(ZipEntry(path, "sources/" + project.sources[0].guid + ".txt"), project.sources[0].text);

  absl::StatusOr<Project> back = ReadQdpxFile(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->name, project.name);
  ASSERT_EQ(back->sources.size(), 2u);
  EXPECT_EQ(back->sources[0].text, project.sources[0].text);  // \r\n kept: the file is bytes
  EXPECT_EQ(back->sources[1].text, project.sources[1].text);  // \r kept inline (&#13;)
  const TextSelection& s = back->sources[0].selections.at(0);
  EXPECT_EQ(s.start, 10);
  EXPECT_EQ(s.end, 17);
  EXPECT_EQ(s.description, "memo with <tags> & \xEF\xBF\xBD control");  // U+FFFD for \x01
  EXPECT_EQ(s.codings.at(0).code_guid, CodeGuid("c"));
  EXPECT_EQ(s.codings.at(0).creating_user, UserGuid("alice"));
  std::vector<FlatCode> flat = FlattenCodes(back->codes);
  ASSERT_EQ(flat.size(), 3u);
  EXPECT_EQ(flat[2].code->name, "Leaf & co");
  EXPECT_EQ(flat[2].parent_guid, CodeGuid("m"));
  EXPECT_EQ(flat[0].code->description, "A theme.\nTwo lines.");
  ASSERT_EQ(back->notes.size(), 1u);
  EXPECT_EQ(back->notes[0].text, "Agreed after discussion.");
}

// A source extracted from a Word file: the plain text stays the source's
// text, the original goes beside it as its richTextPath, and the
// Description names it; a non-codable code stays non-codable.
TEST(RefiWrite, TheOriginalFileIsTheRichTextAndTheDescriptionNamesIt) {
  icr::testing::TempDir dir;
  const std::string path = dir.path() + "/original.qdpx";
  Project project = SampleProject();
  project.codes[0].codable = false;
  TextSource& source = project.sources[0];
  source.rich_text_path = "internal://" + source.guid + ".docx";
  static constexpr char kWord[] = "PK\x03\x04 a Word file\0 with a NUL";
  source.rich_text = std::string(kWord, sizeof(kWord) - 1);
  source.description = "Plain text extracted from the original docx file.";
  ASSERT_TRUE(WriteQdpxFile(project, path, {"p.qde", "Sources", false}).ok());
  const std::string qde = ZipEntry(path, "p.qde");
  EXPECT_EQ(SchemaErrors(qde), "");
  EXPECT_EQ(ZipEntry(path, "Sources/" + source.guid + ".docx"), source.rich_text);
  EXPECT_EQ(ZipEntry(path, "Sources/" + source.guid + ".txt"), source.text);
  EXPECT_THAT(qde, HasSubstr("isCodable=\"false\""));

  absl::StatusOr<Project> back = ReadQdpxFile(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->sources[0].text, source.text);
  EXPECT_EQ(back->sources[0].rich_text_path, source.rich_text_path);
  EXPECT_EQ(back->sources[0].description, source.description);
  EXPECT_TRUE(back->sources[0].rich_text.empty());  // never read: icr imports the plain text
  EXPECT_FALSE(back->codes[0].codable);
  EXPECT_TRUE(back->codes[0].children[0].codable);
}

TEST(RefiWrite, SchemaCatchesWhatTheStandardForbids) {
  // The schema is not a rubber stamp: a bad GUID, a missing position and a
  // misplaced element all fail.
  Project project = SampleProject();
  project.sources[0].selections[0].guid = "not-a-guid";
  EXPECT_THAT(SchemaErrors(WriteProjectXml(project)), HasSubstr("not-a-guid"));
  std::string xml = WriteProjectXml(SampleProject());
  std::string no_end = xml;
  no_end.replace(no_end.find(" endPosition=\"17\""), 17, "");
  EXPECT_THAT(SchemaErrors(no_end), HasSubstr("endPosition"));
  std::string reordered = xml;
  size_t users = reordered.find("<Users>");
  size_t users_end = reordered.find("</Users>") + 8;
  std::string block = reordered.substr(users, users_end - users);
  reordered.erase(users, users_end - users);
  reordered.insert(reordered.find("</Project>"), block);
  EXPECT_NE(SchemaErrors(reordered), "");
}

// --- small pieces ------------------------------------------------------------------

TEST(RefiIds, SlugsAndUniqueIds) {
  EXPECT_EQ(Slug("Peer mentoring"), "peer-mentoring");
  EXPECT_EQ(Slug("  Über-Stress! (2) "), "uber-stress-2");
  EXPECT_EQ(Slug("émotions.joie"), "emotions-joie");
  EXPECT_EQ(Slug("Barrières"), "barrieres");
  EXPECT_EQ(Slug("Straße Æther"), "strasse-aether");
  EXPECT_EQ(Slug("😀"), "");
  EXPECT_EQ(Slug("感情"), "");
  EXPECT_EQ(Slug("__x__"), "x");
  EXPECT_EQ(Slug(std::string(100, 'a')).size(), 63u);
  std::set<std::string> taken = {"stress", "stress-2"};
  auto is_taken = [&](const std::string& id) { return taken.count(id) > 0; };
  EXPECT_EQ(UniqueId("Stress", "", is_taken), "stress-3");
  EXPECT_EQ(UniqueId("感情", "c-1a2b", is_taken), "c-1a2b");
  std::string long_id = UniqueId(std::string(70, 'z'), "", [](const std::string& id) {
    return id.size() == 63 && id.back() == 'z';
  });
  EXPECT_EQ(long_id.size(), 63u);
  EXPECT_TRUE(IsValidId(long_id));
  EXPECT_TRUE(IsValidId("peer-mentoring"));
  EXPECT_FALSE(IsValidId("-x"));
  EXPECT_FALSE(IsValidId("X"));
}

TEST(RefiIds, DerivedGuidsAreStableAndWellFormed) {
  EXPECT_EQ(CodeGuid("c1"), CodeGuid("c1"));
  EXPECT_NE(CodeGuid("c1"), UserGuid("c1"));
  const std::string guid = DerivedGuid("x");
  ASSERT_EQ(guid.size(), 36u);
  EXPECT_EQ(guid[8], '-');
  EXPECT_EQ(guid[14], '5');
  EXPECT_NE(std::string("89AB").find(guid[19]), std::string::npos);
}

TEST(RefiText, DecodesByteOrderMarks) {
  EXPECT_EQ(*DecodeSourceText("\xEF\xBB\xBFok"), "ok");
  // "a😀" in UTF-16LE and UTF-16BE with their marks.
  EXPECT_EQ(*DecodeSourceText(std::string("\xFF\xFE"
                                          "a\0\x3D\xD8\x00\xDE",
                                          8)),
            "a😀");
  EXPECT_EQ(*DecodeSourceText(std::string("\xFE\xFF\0a\xD8\x3D\xDE\x00", 8)), "a😀");
  EXPECT_FALSE(DecodeSourceText(std::string("\xFF\xFE\x3D\xD8", 4)).ok());  // lone surrogate
  EXPECT_FALSE(DecodeSourceText("\xC3\x28").ok());                          // not UTF-8
}

TEST(RefiPlan, CountingFollowsTheOrigin) {
  EXPECT_EQ(CountingForOrigin("NVivo 14").unit, PositionUnit::kUtf16);
  EXPECT_FALSE(CountingForOrigin("NVivo 14").crlf_as_one);
  EXPECT_EQ(CountingForOrigin("ATLAS.ti 26").unit, PositionUnit::kCodePoints);
  EXPECT_TRUE(CountingForOrigin("ATLAS.ti 26").crlf_as_one);
  EXPECT_EQ(CountingForOrigin("MAXQDA 2024").producer, "MAXQDA");
  EXPECT_EQ(CountingForOrigin("").producer, "");
  EXPECT_EQ(CountingForOrigin("").unit, PositionUnit::kCodePoints);
}

TEST(RefiPlan, CrlfCountedAsOneConvertsBothWays) {
  const std::string text = "a\r\nb\r\n\U0001F600c";  // a CR LF b CR LF emoji c
  // Counted with CRLF as one: a=0, CRLF=1, b=2, CRLF=3, emoji=4, c=5.
  const std::vector<std::pair<int64_t, int64_t>> one_two = {{0, 0}, {1, 1}, {2, 3},
                                                            {3, 4}, {4, 6}, {5, 7}};
  for (const auto& [one, two] : one_two) {
    EXPECT_EQ(PositionWithCrlfAsTwo(text, PositionUnit::kCodePoints, one), two) << one;
    EXPECT_EQ(PositionWithCrlfAsOne(text, PositionUnit::kCodePoints, two), one) << two;
  }
  EXPECT_EQ(PositionWithCrlfAsTwo(text, PositionUnit::kUtf16, 6), 8);  // after the emoji
}

TEST(RefiPlan, ParsesOffsetWords) {
  EXPECT_EQ(*ParsePositionUnit("codepoint"), PositionUnit::kCodePoints);
  EXPECT_EQ(*ParsePositionUnit("utf16"), PositionUnit::kUtf16);
  EXPECT_FALSE(ParsePositionUnit("bytes").ok());
}

}  // namespace
}  // namespace icr::refi
