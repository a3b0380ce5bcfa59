// `icr import qdc|qdpx` and `icr export qdpx` through the real icr-server and
// icr binaries: each tool's fixture, idempotent re-runs, bad files that store
// nothing, and a generated study exported and imported again.

#include <zip.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <regex>
#include <set>
#include <tuple>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/refi/refi_cli_fixture.h"
#include "tests/refi/schema_check.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace icr {
namespace {

using nlohmann::json;
using testing::CommandResult;

const std::string kData = kRefiData;

TEST_F(RefiCliTest, EachToolsArchiveGivesTheSameCodingsAndReRunsStoreNothingTwice) {
  CreateProject("study");
  const std::string users = WriteFile("users.csv", "refi_user,icr_user\nAlice,alice\nBob,bob\n");
  const std::multiset<Row> expected = {{"alice", "Interview 01", "Mentoring helped", 15, 34, ""},
                                       {"bob", "Interview 01", "Mentoring helped", 15, 34, ""},
                                       {"bob", "Interview 01", "Stress", 62, 68, ""},
                                       {"alice", "Interview 01", "Support", 0, 13, ""}};

  json first =
      IcrJson({"import", "qdpx", "study", "r-atlas", kData + "/atlas.qdpx", "--map-users", users});
  EXPECT_EQ(first["codes"]["created"], 5);
  EXPECT_EQ(first["documents"]["created"], 1);
  EXPECT_EQ(first["round_created"], true);
  EXPECT_EQ(first["codings"]["alice"], 2);
  EXPECT_EQ(first["skipped_selections"], 2);
  EXPECT_EQ(first["skipped_by_kind"]["PDFSelection"], 2);
  EXPECT_EQ(Codings("study", "r-atlas"), expected);
  // An import is finished work: each coder's coded document is done, so
  // live agreement counts it.
  EXPECT_EQ(first["documents_done"]["alice"], 1);
  EXPECT_EQ(first["documents_done"]["bob"], 1);
  const json progress = IcrJson({"coding", "progress", "study", "r-atlas"});
  ASSERT_EQ(progress["coders"].size(), 2u);
  for (const json& coder : progress["coders"]) EXPECT_EQ(coder["done"], 1) << coder.dump();

  // The same file again: nothing new (codes by guid, the document by its
  // hash, the batches by their request ids).
  json again =
      IcrJson({"import", "qdpx", "study", "r-atlas", kData + "/atlas.qdpx", "--map-users", users});
  EXPECT_EQ(again["codes"]["created"], 0);
  EXPECT_EQ(again["codes"]["unchanged"], 5);
  EXPECT_EQ(again["documents"]["matched"], 1);
  EXPECT_EQ(again["round_created"], false);
  EXPECT_EQ(Codings("study", "r-atlas"), expected);

  // NVivo counts UTF-16 units; read so, the spans are the same code points.
  json nvivo = IcrJson({"import", "qdpx", "study", "r-nvivo", kData + "/nvivo.qdpx", "--map-users",
                        users, "--offsets", "utf16"});
  EXPECT_EQ(nvivo["documents"]["matched"], 1);
  EXPECT_EQ(nvivo["codes"]["unchanged"], 5);
  EXPECT_EQ(Codings("study", "r-nvivo"), expected);

  // MAXQDA's layout, every coding given to one coder: alice's and bob's
  // identical coding of one selection becomes one.
  json maxqda =
      IcrJson({"import", "qdpx", "study", "r-maxqda", kData + "/maxqda.qdpx", "--coder", "alice"});
  EXPECT_EQ(maxqda["duplicates_dropped"], 1);
  EXPECT_EQ(Codings("study", "r-maxqda").size(), 3u);

  // The hierarchy arrived: theme > category > code.
  std::map<std::string, std::string> parent_of;
  const json codes = IcrJson({"code", "list", "study"});
  for (const json& c : codes["codes"]) {
    parent_of[c["name"].get<std::string>()] = c["parent"].get<std::string>();
  }
  EXPECT_EQ(parent_of["Mentoring helped"], "peer-mentoring");
  EXPECT_EQ(parent_of["Peer mentoring"], "support");
  EXPECT_EQ(Count({"doc", "list", "study"}, "documents"), 1u);
}

TEST_F(RefiCliTest, CodebookImportUpdatesByGuidInsteadOfDuplicating) {
  CreateProject("book");
  json first = IcrJson({"import", "qdc", "book", kData + "/three_levels.qdc"});
  EXPECT_EQ(first["created"], 5);

  std::ifstream in(kData + "/three_levels.qdc");
  std::string qdc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  qdc.replace(qdc.find("name=\"Stress\""), 13, "name=\"Stress and strain\"");
  json second = IcrJson({"import", "qdc", "book", WriteFile("edited.qdc", qdc)});
  EXPECT_EQ(second["created"], 0);
  EXPECT_EQ(second["updated"], 1);
  EXPECT_EQ(second["unchanged"], 4);
  json codes = IcrJson({"code", "list", "book"});
  ASSERT_EQ(codes["codes"].size(), 5u);
  std::map<std::string, json> by_id;
  for (const json& c : codes["codes"]) by_id[c["id"]] = c;
  EXPECT_EQ(by_id["stress"]["name"], "Stress and strain");  // the id stays
  EXPECT_EQ(by_id["stress"]["guid"], "C0000005-0000-4000-8000-000000000005");
  EXPECT_EQ(by_id["stress"]["color"], "#AABBCC");
  EXPECT_EQ(by_id["mentoring-helped"]["definition"], "The student says mentoring helped.");

  CommandResult wrong = Icr({"import", "qdc", "book", kData + "/wrong_namespace.qdc"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("wrong_namespace.qdc:3:"), std::string::npos) << wrong.err;
  EXPECT_EQ(Count({"code", "list", "book"}, "codes"), 5u);
}

TEST_F(RefiCliTest, BadFilesExitTwoWithTheReasonAndStoreNothing) {
  CreateProject("bad");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not_a_zip.qdpx", "not a zip archive"},
      {"no_qde.qdpx", "no .qde project file"},
      {"malformed.qdpx", "not well-formed XML"},
      {"wrong_namespace.qdpx", "not the REFI-QDA namespace"},
      {"dangling_coderef.qdpx", "names no code of the codebook"},
      {"start_after_end.qdpx", "startPosition 9 > endPosition 4"},
      {"out_of_bounds.qdpx", "5E000021-0000-4000-8000-000000000021"},
  };
  for (const auto& [file, reason] : cases) {
    CommandResult result =
        Icr({"import", "qdpx", "bad", "r1", kData + "/" + file, "--coder", "alice"});
    EXPECT_EQ(result.exit_code, 2) << file;
    EXPECT_NE(result.err.find(file), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(reason), std::string::npos) << result.err;
  }
  // A user the mapping does not name.
  CommandResult unmapped = Icr({"import", "qdpx", "bad", "r1", kData + "/atlas.qdpx", "--map-users",
                                WriteFile("partial.csv", "Alice,alice\n")});
  EXPECT_EQ(unmapped.exit_code, 2);
  EXPECT_NE(unmapped.err.find("(\"Bob\") is not in"), std::string::npos) << unmapped.err;
  // Neither --coder nor --map-users.
  EXPECT_EQ(Icr({"import", "qdpx", "bad", "r1", kData + "/atlas.qdpx"}).exit_code, 2);

  EXPECT_EQ(Count({"code", "list", "bad"}, "codes"), 0u);
  EXPECT_EQ(Count({"doc", "list", "bad"}, "documents"), 0u);
  EXPECT_EQ(Count({"round", "list", "bad"}, "rounds"), 0u);
}

// A study made up here: texts with characters outside the BMP, a three-level
// codebook, two coders' random spans with memos.
TEST_F(RefiCliTest, ExportThenImportGivesTheSameCodings) {
  CreateProject("orig");
  ASSERT_EQ(Icr({"code", "add", "orig", "theme", "--name", "Theme"}).exit_code, 0);
  ASSERT_EQ(
      Icr({"code", "add", "orig", "cat", "--name", "Category", "--parent", "theme"}).exit_code, 0);
  for (const char* code : {"c1", "c2", "c3"}) {
    ASSERT_EQ(Icr({"code", "add", "orig", code, "--name", std::string("Code ") + code, "--parent",
                   "cat", "--definition", "Definition of " + std::string(code)})
                  .exit_code,
              0);
  }
  std::mt19937 random(20240601);
  const std::vector<std::string> words = {"mentor", "😀", "stress", "𝄞", "café", "support", "\n"};
  std::vector<int64_t> lengths;
  for (int d = 0; d < 3; ++d) {
    std::string text;
    for (int w = 0; w < 60; ++w) text += words[random() % words.size()] + " ";
    int64_t length = 0;  // code points: bytes that do not continue a character
    for (char c : text) length += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    lengths.push_back(length);
    std::string id = "doc" + std::to_string(d);
    ASSERT_EQ(Icr({"doc", "add", "orig", id, "--file", WriteFile(id + ".txt", text), "--title",
                   "Document " + std::to_string(d)})
                  .exit_code,
              0);
  }
  ASSERT_EQ(
      Icr({"round", "create", "orig", "r1", "--docs", "doc0,doc1,doc2", "--coders", "alice,bob"})
          .exit_code,
      0);
  std::string csv = "document,code,start,end,memo,coder\n";
  std::set<std::tuple<std::string, int, std::string, int64_t, int64_t>> seen;
  for (int i = 0; i < 40; ++i) {
    int d = random() % 3;
    std::string coder = i % 2 ? "bob" : "alice";
    std::string code = "c" + std::to_string(1 + random() % 3);
    int64_t start = random() % (lengths[d] - 1);
    int64_t end = start + 1 + random() % std::min<int64_t>(20, lengths[d] - start - 1);
    if (!seen.insert({coder, d, code, start, end}).second) continue;
    csv += "doc" + std::to_string(d) + "," + code + "," + std::to_string(start) + "," +
           std::to_string(end) + ",memo " + std::to_string(i) + "," + coder + "\n";
  }
  CommandResult submitted =
      Icr({"coding", "submit", "orig", "r1", "--file", WriteFile("codings.csv", csv)});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::multiset<Row> original = Codings("orig", "r1");
  ASSERT_EQ(original.size(), seen.size());

  const std::string users = WriteFile("users.csv", "alice,alice\nbob,bob\n");
  for (const char* offsets : {"codepoint", "utf16"}) {
    const std::string out = dir_.path() + "/export-" + offsets + ".qdpx";
    json exported = IcrJson({"export", "qdpx", "orig", "r1", "--out", out, "--offsets", offsets});
    EXPECT_EQ(exported["sources"], 3);
    EXPECT_EQ(exported["codes"], 5);
    EXPECT_EQ(refi::testing::SchemaErrors(refi::testing::ZipEntry(out, "project.qde"),
                                          kData + "/project_subset.xsd"),
              "");

    const std::string copy = std::string("copy-") + offsets;
    CreateProject(copy);
    json imported =
        IcrJson({"import", "qdpx", copy, "r1", out, "--map-users", users, "--offsets", offsets});
    EXPECT_EQ(imported["codes"]["created"], 5);
    EXPECT_EQ(imported["documents"]["created"], 3);
    EXPECT_EQ(Codings(copy, "r1"), original) << offsets;
  }
  // Importing the export into the project it came from matches every code
  // (by guid) and document (by content): no new ones.
  json home = IcrJson({"import", "qdpx", "orig", "r2", dir_.path() + "/export-codepoint.qdpx",
                       "--map-users", users});
  EXPECT_EQ(home["codes"]["created"], 0);
  EXPECT_EQ(home["documents"]["matched"], 3);
  EXPECT_EQ(Codings("orig", "r2").size(), original.size());
}

// --- archives as the tools write them ----------------------------------------------

constexpr char kUserA[] = "AAAAAAAA-0000-4000-8000-000000000001";
constexpr char kUserB[] = "BBBBBBBB-0000-4000-8000-000000000002";

// A QDA-XML project: `origin`, two users, a two-code codebook (C1 "Support",
// C2 "Stress"), and `sources` (TextSource elements) as given.
std::string ProjectXml(const std::string& origin, const std::string& sources) {
  return std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n") +
         "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"Study\" origin=\"" + origin +
         "\">\n<Users><User guid=\"" + kUserA + "\" name=\"Ann\"/><User guid=\"" + kUserB +
         "\" name=\"Ben\"/></Users>\n<CodeBook><Codes>"
         "<Code guid=\"C1000000-0000-4000-8000-000000000001\" name=\"Support\" isCodable=\"true\"/>"
         "<Code guid=\"C2000000-0000-4000-8000-000000000002\" name=\"Stress\" isCodable=\"true\"/>"
         "</Codes></CodeBook>\n" +
         (sources.empty() ? "" : "<Sources>" + sources + "</Sources>\n") + "</Project>\n";
}

// A TextSource with its file, and PlainTextSelections [start, end) of code
// C1 (first) and C2 (second) by the given users.
std::string TextSourceXml(const std::string& guid, const std::string& name, const std::string& path,
                          const std::vector<std::tuple<int64_t, int64_t, std::string>>& spans) {
  std::string xml =
      "<TextSource guid=\"" + guid + "\" name=\"" + name + "\" plainTextPath=\"" + path + "\">";
  int n = 0;
  for (const auto& [start, end, user] : spans) {
    const std::string code = n % 2 == 0 ? "C1000000-0000-4000-8000-000000000001"
                                        : "C2000000-0000-4000-8000-000000000002";
    const std::string k = std::to_string(n++);
    xml += "<PlainTextSelection guid=\"5E1" + k + "0000-0000-4000-8000-" + guid.substr(24) +
           "\" startPosition=\"" + std::to_string(start) + "\" endPosition=\"" +
           std::to_string(end) + "\" creatingUser=\"" + user + "\"><Coding guid=\"6E1" + k +
           "0000-0000-4000-8000-" + guid.substr(24) + "\" creatingUser=\"" + user +
           "\"><CodeRef targetGUID=\"" + code + "\"/></Coding></PlainTextSelection>";
  }
  return xml + "</TextSource>";
}

const std::string kCrlfText =
    "Intro \U0001F600 here.\r\nMentoring helped.\r\nStress \U0001D11E end.";
constexpr char kBom[] = "\xEF\xBB\xBF";

// MAXQDA prepares a study before anyone codes: documents and a codebook, no
// codings. Without ROUND the codebook and the sources go in; with ROUND and
// the coders the round is created, empty.
TEST_F(RefiCliTest, ArchiveWithoutCodingsImportsSourcesAndARoundWithTheCodersGiven) {
  CreateProject("prep");
  ASSERT_EQ(Icr({"user", "create", "carol"}).exit_code, 0);
  ASSERT_EQ(Icr({"member", "add", "prep", "carol", "--role", "coder"}).exit_code, 0);
  const std::string sources =
      TextSourceXml("7E000000-0000-4000-8000-000000000001", "Interview 1",
                    "internal://7E000000-0000-4000-8000-000000000001.txt", {}) +
      TextSourceXml("7E000000-0000-4000-8000-000000000002", "Interview 2",
                    "7E000000-0000-4000-8000-000000000002.txt", {});  // no internal://
  const std::string file = WriteQdpx(
      "prep.qdpx", {{"Study named like the project.qde", ProjectXml("MAXQDA 24", sources)},
                    {"sources/7E000000-0000-4000-8000-000000000001.txt", "First text."},
                    {"sources/7E000000-0000-4000-8000-000000000002.txt", "Second."}});
  json plain = IcrJson({"import", "qdpx", "prep", file});
  EXPECT_EQ(plain["codes"]["created"], 2);
  EXPECT_EQ(plain["documents"]["created"], 2);
  EXPECT_EQ(plain["codings_imported"], false);
  EXPECT_EQ(plain["round_created"], false);
  EXPECT_EQ(Count({"round", "list", "prep"}, "rounds"), 0u);
  EXPECT_EQ(Count({"doc", "list", "prep"}, "documents"), 2u);

  json round =
      IcrJson({"import", "qdpx", "prep", "r1", file, "--coder", "alice", "--coders", "bob,carol"});
  EXPECT_EQ(round["round_created"], true) << round.dump();
  EXPECT_EQ(round["documents"]["matched"], 2);
  EXPECT_EQ(round["round_coders"], json({"alice", "bob", "carol"}));
  const json rounds = IcrJson({"round", "list", "prep"});
  ASSERT_EQ(rounds["rounds"].size(), 1u);
  EXPECT_EQ(rounds["rounds"][0]["coders"].size(), 3u) << rounds.dump();
  EXPECT_EQ(rounds["rounds"][0]["documents"].size(), 2u) << rounds.dump();
  EXPECT_TRUE(Codings("prep", "r1").empty());
  // A round needs someone to code it.
  CommandResult nobody = Icr({"import", "qdpx", "prep", "r2", file});
  EXPECT_EQ(nobody.exit_code, 2);
  EXPECT_NE(nobody.err.find("a round needs coders"), std::string::npos) << nobody.err;
}

TEST_F(RefiCliTest, ArchiveWithoutSourcesImportsItsCodebookAndSaysSo) {
  CreateProject("book");
  const std::string file =
      WriteQdpx("codebook.qdpx", {{"project.qde", ProjectXml("NVivo 14", "")}});
  CommandResult table = Icr({"import", "qdpx", "book", "r1", file, "--coder", "alice"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("no text sources: its codebook was imported"), std::string::npos)
      << table.out;
  EXPECT_EQ(Count({"code", "list", "book"}, "codes"), 2u);
  EXPECT_EQ(Count({"round", "list", "book"}, "rounds"), 0u);

  // `import qdc` takes a .qdpx and reads its codebook alone.
  CreateProject("book2");
  const std::string with_missing_source = WriteQdpx(
      "project.qdpx",
      {{"project.qde", ProjectXml("NVivo 14", TextSourceXml("7E000000-0000-4000-8000-000000000009",
                                                            "Gone", "internal://gone.txt", {}))}});
  json qdc = IcrJson({"import", "qdc", "book2", with_missing_source});
  EXPECT_EQ(qdc["created"], 2);
  EXPECT_EQ(Count({"doc", "list", "book2"}, "documents"), 0u);
}

TEST_F(RefiCliTest, MissingSourceFilesAreNamedOrSkippedAndCounted) {
  CreateProject("gaps");
  const std::string sources =
      TextSourceXml("7E000000-0000-4000-8000-000000000001", "Present", "internal://present.txt",
                    {{0, 5, kUserA}}) +
      TextSourceXml("7E000000-0000-4000-8000-000000000002", "Lost one", "internal://lost1.txt",
                    {{0, 2, kUserA}, {1, 3, kUserB}}) +
      TextSourceXml("7E000000-0000-4000-8000-000000000003", "Lost two", "internal://lost2.txt",
                    {{0, 1, kUserB}});
  const std::string file =
      WriteQdpx("gaps.qdpx", {{"project.qde", ProjectXml("QualCoder 3.6", sources)},
                              {"Sources/present.txt", "Hello world"}});
  CommandResult refused = Icr({"import", "qdpx", "gaps", "r1", file, "--coder", "alice"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("2 source file(s) not in the archive"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("\"Lost one\""), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("internal://lost2.txt"), std::string::npos) << refused.err;
  EXPECT_EQ(Count({"code", "list", "gaps"}, "codes"), 0u);
  EXPECT_EQ(Count({"doc", "list", "gaps"}, "documents"), 0u);

  json skipped =
      IcrJson({"import", "qdpx", "gaps", "r1", file, "--coder", "alice", "--skip-missing-sources"});
  EXPECT_EQ(skipped["missing_sources"]["skipped"], 2);
  EXPECT_EQ(skipped["missing_sources"]["selections"], 3);
  EXPECT_EQ(skipped["documents"]["created"], 1);
  EXPECT_EQ(Codings("gaps", "r1"), std::multiset<Row>({{"alice", "Present", "Support", 0, 5, ""}}));
}

// Each tool's counting, read from `origin`: NVivo UTF-16 units with CRLF as
// two; ATLAS.ti code points with CRLF as one; MAXQDA, QualCoder and unknown
// tools code points with CRLF as two. The same two spans every time; the
// source file starts with a byte-order mark that is not part of the text.
TEST_F(RefiCliTest, OffsetUnitAndLineEndsFollowTheArchivesOrigin) {
  CreateProject("units");
  struct Case {
    std::string origin, round;
    int64_t a_start, a_end, b_start, b_end;
    std::string offsets, crlf, reason;
  };
  const std::vector<Case> cases = {
      {"NVivo 14.23", "r-nvivo", 16, 33, 35, 49, "utf16", "two", "NVivo counts UTF-16 units"},
      {"ATLAS.ti 26.0.1", "r-atlas", 14, 31, 32, 45, "codepoint", "one",
       "ATLAS.ti counts code points, a CRLF as one character"},
      {"MAXQDA 24", "r-maxqda", 15, 32, 34, 47, "codepoint", "two", "MAXQDA counts code points"},
      {"QualCoder 3.6", "r-qualcoder", 15, 32, 34, 47, "codepoint", "two", "QualCoder"},
      {"SomeTool 1", "r-other", 15, 32, 34, 47, "codepoint", "two", "names no known tool"},
  };
  const std::multiset<Row> expected = {{"alice", "Interview", "Support", 15, 32, ""},
                                       {"bob", "Interview", "Stress", 34, 47, ""}};
  const std::string users = WriteFile("users.csv", std::string(kUserA) + ",alice\nBen,bob\n");
  for (const Case& c : cases) {
    const std::string sources =
        TextSourceXml("7E000000-0000-4000-8000-000000000001", "Interview", "internal://t.txt",
                      {{c.a_start, c.a_end, kUserA}, {c.b_start, c.b_end, kUserB}});
    const std::string file = WriteQdpx(
        c.round + ".qdpx",
        {{"project.qde", ProjectXml(c.origin, sources)}, {"sources/t.txt", kBom + kCrlfText}});
    json imported = IcrJson({"import", "qdpx", "units", c.round, file, "--map-users", users});
    EXPECT_EQ(imported["offsets"], c.offsets) << c.origin;
    EXPECT_EQ(imported["crlf"], c.crlf) << c.origin;
    EXPECT_NE(imported["offsets_reason"].get<std::string>().find(c.reason), std::string::npos)
        << imported["offsets_reason"];
    EXPECT_EQ(Codings("units", c.round), expected) << c.origin;
  }
  EXPECT_EQ(Count({"doc", "list", "units"}, "documents"), 1u);  // the BOM is not the text
  // --offsets overrides the origin: NVivo's positions read as code points
  // run past the text.
  CommandResult forced = Icr({"import", "qdpx", "units", "r-forced", dir_.path() + "/r-nvivo.qdpx",
                              "--map-users", users, "--offsets", "codepoint"});
  EXPECT_EQ(forced.exit_code, 2);
  EXPECT_NE(forced.err.find("47 code points; try --offsets utf16"), std::string::npos)
      << forced.err;
}

TEST_F(RefiCliTest, UnmappedUsersAreListedWithTheirSelectionsAndTheLineToWrite) {
  CreateProject("who");
  const std::string sources =
      TextSourceXml("7E000000-0000-4000-8000-000000000001", "Interview", "internal://t.txt",
                    {{0, 5, kUserA}, {6, 9, kUserB}, {2, 4, kUserB}});
  const std::string file = WriteQdpx("who.qdpx", {{"project.qde", ProjectXml("NVivo 14", sources)},
                                                  {"sources/t.txt", "Some text here"}});
  CommandResult result = Icr(
      {"import", "qdpx", "who", "r1", file, "--map-users", WriteFile("ann.csv", "Ann,alice\n")});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(std::string(kUserA) + " \"Ann\": 1 selection(s)"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(std::string(kUserB) + " \"Ben\": 2 selection(s)"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(std::string(kUserB) + ",ben"), std::string::npos) << result.err;
  EXPECT_EQ(Count({"doc", "list", "who"}, "documents"), 0u);
}

TEST_F(RefiCliTest, CodebookNamespaceVariantsAndRichTextOnlySources) {
  CreateProject("ns");
  for (const char* ns : {"urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:0:4"}) {
    // No XML declaration, CRLF line ends.
    const std::string qdc = std::string("<CodeBook xmlns=\"") + ns +
                            "\" origin=\"QualCoder\">\r\n<Codes>\r\n<Code guid=\"" +
                            (ns[21] == '1' ? "D1" : "D2") +
                            "000000-0000-4000-8000-000000000001\" name=\"Code " + ns +
                            "\" isCodable=\"true\"/>\r\n</Codes>\r\n</CodeBook>\r\n";
    json imported = IcrJson({"import", "qdc", "ns", WriteFile("variant.qdc", qdc)});
    EXPECT_EQ(imported["created"], 1) << ns;
  }
  const std::string rich =
      "<TextSource guid=\"7E000000-0000-4000-8000-000000000001\" name=\"Interview.docx\" "
      "richTextPath=\"internal://x.docx\"/>";
  const std::string file = WriteQdpx(
      "rich.qdpx", {{"project.qde", ProjectXml("ATLAS.ti 25", rich)}, {"sources/x.docx", "PK"}});
  CommandResult refused = Icr({"import", "qdpx", "ns", file});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("only a richTextPath"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("Interview.docx"), std::string::npos) << refused.err;
}

// NVivo's codebook sits under one non-codable "Nodes" code, dropped; names
// become readable ASCII ids (ICU transliteration), names in other scripts
// get the guid's; Taguette's full-path names are kept exactly.
TEST_F(RefiCliTest, CodebookNamesBecomeReadableIdsAndNvivosNodesWrapperIsDropped) {
  CreateProject("names");
  const std::string qdc =
      "<?xml version=\"1.0\" standalone=\"yes\"?>\n"
      "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"NVivo 14\"><Codes>"
      "<Code guid=\"D0000000-0000-4000-8000-000000000000\" name=\"Nodes\" isCodable=\"false\">"
      "<Code guid=\"D1000000-0000-4000-8000-000000000001\" name=\"\xC3\xA9motions.joie\" "
      "isCodable=\"true\" color=\"#aabbcc\"><Description>Joy, felt.</Description></Code>"
      "<Code guid=\"D2000000-0000-4000-8000-000000000002\" name=\"Barri\xC3\xA8res\" "
      "isCodable=\"true\"/>"
      "<Code guid=\"D3000000-0000-4000-8000-000000000003\" name=\"\xE6\x94\xAF\xE6\x8C\x81\" "
      "isCodable=\"true\"/>"
      "<Code guid=\"D4000000-0000-4000-8000-000000000004\" "
      "name=\"Feelings/Joy &amp; &quot;fear&quot; &lt;x&gt; \xF0\x9F\x98\x80\" isCodable=\"true\"/>"
      "</Code></Codes><Sets/></CodeBook>\n";
  json imported = IcrJson({"import", "qdc", "names", WriteFile("nvivo.qdc", qdc)});
  EXPECT_EQ(imported["created"], 4) << imported.dump();
  std::map<std::string, json> by_id;
  const json listed = IcrJson({"code", "list", "names"});
  for (const json& c : listed["codes"]) by_id[c["id"]] = c;
  ASSERT_EQ(by_id.size(), 4u) << json(by_id).dump();
  EXPECT_EQ(by_id["emotions-joie"]["name"], "\xC3\xA9motions.joie");
  EXPECT_EQ(by_id["emotions-joie"]["parent"], "");  // "Nodes" is gone
  EXPECT_EQ(by_id["emotions-joie"]["color"], "#AABBCC");
  EXPECT_EQ(by_id["emotions-joie"]["definition"], "Joy, felt.");
  EXPECT_EQ(by_id["barrieres"]["name"], "Barri\xC3\xA8res");
  EXPECT_EQ(by_id["code-d3000000"]["name"], "\xE6\x94\xAF\xE6\x8C\x81");
  EXPECT_EQ(by_id["feelings-joy-fear-x"]["name"], "Feelings/Joy & \"fear\" <x> \xF0\x9F\x98\x80");
}

// NVivo writes the same Coding@creatingUser on every coding; the selection's
// creatingUser is who coded it.
TEST_F(RefiCliTest, TheSelectionsCreatingUserIsItsCoder) {
  CreateProject("nv");
  std::string sources = TextSourceXml("7E000000-0000-4000-8000-000000000001", "Interview",
                                      "internal://t.txt", {{0, 4, kUserA}, {5, 9, kUserB}});
  sources = std::regex_replace(sources, std::regex("(<Coding [^>]*creatingUser=\")[^\"]*"),
                               std::string("$1") + kUserA);
  const std::string file = WriteQdpx("nv.qdpx", {{"project.qde", ProjectXml("NVivo 14", sources)},
                                                 {"sources/t.txt", "Some text here"}});
  IcrJson({"import", "qdpx", "nv", "r1", file, "--map-users",
           WriteFile("u.csv", "Ann,alice\nBen,bob\n")});
  EXPECT_EQ(Codings("nv", "r1"), std::multiset<Row>({{"alice", "Interview", "Support", 0, 4, ""},
                                                     {"bob", "Interview", "Stress", 5, 9, ""}}));
}

// 600,000 characters in two sources, 300 overlapping selections, 150 codes
// four levels deep: the whole import, CLI and server. It takes 0.4-0.9 s on
// the 2-core machine (the time is printed); the bound only catches a
// blow-up, since a loaded CI machine doubles the figure.
TEST_F(RefiCliTest, ALargeArchiveImportsWithoutBlowingUp) {
  CreateProject("big");
  std::string codes;
  std::vector<std::string> leaves;
  int next = 0;
  std::function<void(int, int)> add = [&](int depth, int count) {
    for (int i = 0; i < count; ++i) {
      char guid[40];
      std::snprintf(guid, sizeof(guid), "C%07d-0000-4000-8000-000000000000", next++);
      codes += std::string("<Code guid=\"") + guid + "\" name=\"Code " + std::to_string(next) +
               "\" isCodable=\"true\">";
      if (depth == 3) leaves.push_back(guid);
      if (depth < 3) add(depth + 1, 2 << depth);  // 2, 4, 8 children: 2 + 4 + 16 + 128 = 150
      codes += "</Code>";
    }
  };
  add(0, 2);
  ASSERT_EQ(next, 150);
  std::string text;
  while (text.size() < 330000) text += "Words of an interview \xF0\x9F\x98\x80 about support.\n";
  std::string sources;
  std::vector<std::pair<std::string, std::string>> entries;
  for (int s = 0; s < 2; ++s) {
    const std::string guid = "7E00000" + std::to_string(s) + "-0000-4000-8000-000000000000";
    sources += "<TextSource guid=\"" + guid + "\" name=\"Long " + std::to_string(s) +
               "\" plainTextPath=\"internal://" + guid + ".txt\">";
    for (int k = 0; k < 150; ++k) {
      char selection[40], coding[40];
      std::snprintf(selection, sizeof(selection), "5E%d%05d-0000-4000-8000-000000000000", s, k);
      std::snprintf(coding, sizeof(coding), "6E%d%05d-0000-4000-8000-000000000000", s, k);
      const int64_t start = k * 1900;
      sources += std::string("<PlainTextSelection guid=\"") + selection + "\" startPosition=\"" +
                 std::to_string(start) + "\" endPosition=\"" + std::to_string(start + 2500) +
                 "\" creatingUser=\"" + (k % 2 ? kUserB : kUserA) + "\"><Coding guid=\"" + coding +
                 "\"><CodeRef targetGUID=\"" + leaves[k % leaves.size()] +
                 "\"/></Coding></PlainTextSelection>";
    }
    sources += "</TextSource>";
    entries.push_back({"sources/" + guid + ".txt", std::to_string(s) + text});
  }
  std::string qde = ProjectXml("MAXQDA 24", sources);
  qde.replace(qde.find("<Codes>") + 7, qde.find("</Codes>") - qde.find("<Codes>") - 7, codes);
  entries.push_back({"project.qde", qde});
  const std::string file = WriteQdpx("big.qdpx", entries);
  const std::string users = WriteFile("users.csv", "Ann,alice\nBen,bob\n");

  const auto started = std::chrono::steady_clock::now();
  json imported = IcrJson({"import", "qdpx", "big", "r1", file, "--map-users", users});
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::cout << "large archive import: " << took.count() << " ms\n";
  EXPECT_EQ(imported["codes"]["created"], 150);
  EXPECT_EQ(imported["selections"], 300);
  EXPECT_EQ(imported["codings"]["alice"], 150);
  EXPECT_EQ(imported["codings"]["bob"], 150);
  EXPECT_LT(took.count(), 8000);
}

// For each tool: export with --for, validate against the standard's own
// schema, import again (the origin says how to count): the same codings, on
// texts with emoji, CRLF line ends and a byte-order mark.
TEST_F(RefiCliTest, ExportForEachToolValidatesAndImportsBackTheSameCodings) {
  CreateProject("src");
  ASSERT_EQ(Icr({"code", "add", "src", "top", "--name", "Top"}).exit_code, 0);
  for (const char* code : {"c1", "c2"}) {
    ASSERT_EQ(
        Icr({"code", "add", "src", code, "--name", std::string("Code ") + code, "--parent", "top"})
            .exit_code,
        0);
  }
  std::mt19937 random(7);
  const std::vector<std::string> words = {"mentor",      "\xF0\x9F\x98\x80", "stress",  "\r\n",
                                          "caf\xC3\xA9", "\xF0\x9D\x84\x9E", "\r\n\r\n"};
  std::vector<int64_t> lengths;
  std::vector<std::set<int64_t>> inside_crlf;
  for (int d = 0; d < 2; ++d) {
    std::string text;
    for (int w = 0; w < 80; ++w) text += words[random() % words.size()] + " ";
    const std::string id = "doc" + std::to_string(d);
    ASSERT_EQ(Icr({"doc", "add", "src", id, "--file", WriteFile(id + ".txt", kBom + text),
                   "--title", "Document " + std::to_string(d)})
                  .exit_code,
              0);
    // Code points, CRLF counted once: within the text however it is stored.
    int64_t length = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
      length += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    }
    lengths.push_back(length);
    // Positions between a CR and its LF (with or without the BOM counted):
    // no tool's selection ends there, and ATLAS.ti cannot say it.
    std::set<int64_t> inside;
    int64_t at = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
      if (text[i] == '\n' && i > 0 && text[i - 1] == '\r') {
        inside.insert(at);
        inside.insert(at + 1);
      }
      ++at;
    }
    inside_crlf.push_back(inside);
  }
  ASSERT_EQ(Icr({"round", "create", "src", "r1", "--docs", "doc0,doc1", "--coders", "alice,bob"})
                .exit_code,
            0);
  std::string csv = "document,code,start,end,memo,coder\n";
  std::set<std::tuple<std::string, int, std::string, int64_t, int64_t>> seen;
  for (int i = 0; i < 60; ++i) {
    const int d = random() % 2;
    const std::string coder = i % 2 ? "bob" : "alice";
    const std::string code = i % 3 ? "c1" : "c2";
    const int64_t start = random() % (lengths[d] - 1);
    const int64_t end = start + 1 + random() % std::min<int64_t>(15, lengths[d] - start - 1);
    if (inside_crlf[d].count(start) || inside_crlf[d].count(end)) continue;
    if (!seen.insert({coder, d, code, start, end}).second) continue;
    csv += "doc" + std::to_string(d) + "," + code + "," + std::to_string(start) + "," +
           std::to_string(end) + ",," + coder + "\n";
  }
  CommandResult submitted =
      Icr({"coding", "submit", "src", "r1", "--file", WriteFile("codings.csv", csv)});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::multiset<Row> original = Codings("src", "r1");
  ASSERT_FALSE(original.empty());
  const std::string users = WriteFile("users.csv", "alice,alice\nbob,bob\n");
  const std::map<std::string, std::string> folder = {{"atlasti", "sources"},
                                                     {"maxqda", "sources"},
                                                     {"nvivo", "Sources"},
                                                     {"qualcoder", "sources"}};
  for (const auto& [tool, sources_folder] : folder) {
    const std::string out = dir_.path() + "/for-" + tool + ".qdpx";
    json exported = IcrJson({"export", "qdpx", "src", "r1", "--out", out, "--for", tool});
    EXPECT_EQ(exported["sources_folder"], sources_folder);
    EXPECT_EQ(refi::testing::SchemaErrors(refi::testing::ZipEntry(out, "project.qde"),
                                          "/work/shared/refi/Project.xsd"),
              "")
        << tool;
    const std::string copy = "copy-" + tool;
    CreateProject(copy);
    json imported = IcrJson({"import", "qdpx", copy, "r1", out, "--map-users", users});
    EXPECT_EQ(imported["documents"]["created"], 2) << tool;
    EXPECT_EQ(Codings(copy, "r1"), original) << tool << " " << imported["offsets_reason"];
  }
  // ATLAS.ti's positions differ from the others' where a CRLF comes before.
  json atlas_read_as_maxqda =
      IcrJson({"import", "qdpx", "copy-maxqda", "r2", dir_.path() + "/for-atlasti.qdpx",
               "--map-users", users, "--crlf", "two"});
  EXPECT_NE(Codings("copy-maxqda", "r2"), original);
  // The codebook export validates against the standard's Codebook.xsd.
  const std::string qdc = dir_.path() + "/book.qdc";
  IcrJson({"export", "qdc", "src", "--out", qdc});
  std::ifstream in(qdc);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(refi::testing::SchemaErrors(xml, "/work/shared/refi/Codebook.xsd"), "");
}

}  // namespace
}  // namespace icr
