// Grouping codes (REFI-QDA's isCodable="false"), `icr export qdc --for`, and
// the original file a document's text was extracted from in `icr export
// qdpx`, through the real icr-server and icr binaries.

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/refi/refi_cli_fixture.h"
#include "tests/refi/schema_check.h"
#include "tests/text/document_files.h"

namespace icr {
namespace {

using nlohmann::json;
using testing::CommandResult;

const std::string kProjectXsd = "/work/shared/refi/Project.xsd";
const std::string kCodebookXsd = "/work/shared/refi/Codebook.xsd";
constexpr char kAnn[] = "AAAAAAAA-0000-4000-8000-000000000001";
constexpr char kFeelings[] = "F0000000-0000-4000-8000-000000000000";
constexpr char kJoy[] = "F1000000-0000-4000-8000-000000000001";
constexpr char kFear[] = "F2000000-0000-4000-8000-000000000002";

// A project whose codebook has the category "Feelings" (isCodable="false")
// over "Joy" and "Fear", and one text whose selection codes `coded`.
std::string GroupingProjectXml(const std::string& coded) {
  return std::string("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n") +
         "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"Feelings\" origin=\"QualCoder 3.6\">"
         "<Users><User guid=\"" +
         kAnn + "\" name=\"Ann\"/></Users><CodeBook><Codes><Code guid=\"" + kFeelings +
         "\" name=\"Feelings\" isCodable=\"false\"><Code guid=\"" + kJoy +
         "\" name=\"Joy\" isCodable=\"true\"/><Code guid=\"" + kFear +
         "\" name=\"Fear\" isCodable=\"true\"/></Code></Codes></CodeBook><Sources>"
         "<TextSource guid=\"7E000000-0000-4000-8000-000000000001\" name=\"Diary\" "
         "plainTextPath=\"internal://diary.txt\"><PlainTextSelection "
         "guid=\"5E000000-0000-4000-8000-000000000001\" startPosition=\"0\" endPosition=\"5\" "
         "creatingUser=\"" +
         kAnn + "\"><Coding guid=\"6E000000-0000-4000-8000-000000000001\"><CodeRef targetGUID=\"" +
         coded + "\"/></Coding></PlainTextSelection></TextSource></Sources></Project>\n";
}

std::map<std::string, json> CodesById(const json& listed) {
  std::map<std::string, json> by_id;
  for (const json& c : listed["codes"]) by_id[c["id"].get<std::string>()] = c;
  return by_id;
}

TEST_F(RefiCliTest, NonCodableCodesBecomeGroupingCodesThatNoCodingMayApply) {
  CreateProject("groups");
  const std::string users = WriteFile("users.csv", "Ann,alice\n");
  const std::string file = WriteQdpx("feelings.qdpx", {{"project.qde", GroupingProjectXml(kJoy)},
                                                       {"sources/diary.txt", "Happy days here."}});
  json imported = IcrJson({"import", "qdpx", "groups", "r1", file, "--map-users", users});
  EXPECT_EQ(imported["codes"]["created"], 3);
  EXPECT_EQ(imported["codes"]["grouping_created"], 1);
  EXPECT_EQ(imported["codings"]["alice"], 1);
  std::map<std::string, json> codes = CodesById(IcrJson({"code", "list", "groups"}));
  ASSERT_EQ(codes.size(), 3u);
  EXPECT_EQ(codes["feelings"]["grouping_only"], true);
  EXPECT_EQ(codes["joy"]["grouping_only"], false);
  EXPECT_EQ(codes["joy"]["parent"], "feelings");

  // The CLI shows it, in a table and as JSON.
  CommandResult table = Icr({"code", "show", "groups", "feelings"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("only groups the codes under it"), std::string::npos) << table.out;
  EXPECT_EQ(IcrJson({"code", "show", "groups", "feelings"})["code"]["grouping_only"], true);
  CommandResult list = Icr({"code", "list", "groups", "--output", "csv"});
  EXPECT_NE(list.out.find("\"feelings\",\"Feelings\",\"\",\"\",\"active\",\"yes\""),
            std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("\"state\",\"grouping\",\"revision\""), std::string::npos)
      << list.out << list.err;
  EXPECT_NE(Icr({"code", "show", "groups", "nope"}).exit_code, 0);

  // A coding of it is refused, naming it, and nothing of the batch is stored.
  const std::string csv = WriteFile("codings.csv",
                                    "document,code,start,end,memo,coder\n"
                                    "diary,fear,6,10,,alice\ndiary,feelings,0,5,,alice\n");
  CommandResult refused = Icr({"coding", "submit", "groups", "r1", "--file", csv});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("\"feelings\" (Feelings) only groups other codes"), std::string::npos)
      << refused.err;
  EXPECT_EQ(Codings("groups", "r1").size(), 1u);

  // Made with the CLI, and switched either way.
  EXPECT_EQ(IcrJson({"code", "add", "groups", "themes", "--name", "Themes",
                     "--grouping"})["code"]["grouping_only"],
            true);
  EXPECT_EQ(IcrJson({"code", "edit", "groups", "themes", "--no-grouping"})["code"]["grouping_only"],
            false);
  EXPECT_EQ(IcrJson({"code", "edit", "groups", "themes", "--grouping"})["code"]["grouping_only"],
            true);
  EXPECT_EQ(IcrJson({"code", "edit", "groups", "themes", "--name",
                     "Big themes"})["code"]["grouping_only"],
            true);  // a flag not given changes nothing

  // Exported, it is isCodable="false" again; the archive validates.
  const std::string out = dir_.path() + "/groups.qdpx";
  IcrJson({"export", "qdpx", "groups", "r1", "--out", out});
  const std::string qde = refi::testing::ZipEntry(out, "project.qde");
  EXPECT_EQ(refi::testing::SchemaErrors(qde, kProjectXsd), "");
  EXPECT_NE(
      qde.find(std::string("guid=\"") + kFeelings + "\" name=\"Feelings\" isCodable=\"false\""),
      std::string::npos)
      << qde;
  EXPECT_NE(qde.find(std::string("guid=\"") + kJoy + "\" name=\"Joy\" isCodable=\"true\""),
            std::string::npos);

  // Re-imported with isCodable="true", the code may be applied again.
  std::string codable = GroupingProjectXml(kJoy);
  codable.replace(codable.find("isCodable=\"false\""), 17, "isCodable=\"true\"");
  json updated =
      IcrJson({"import", "qdc", "groups", WriteQdpx("codable.qdpx", {{"project.qde", codable}})});
  EXPECT_EQ(updated["updated"], 1);
  EXPECT_EQ(CodesById(IcrJson({"code", "list", "groups"}))["feelings"]["grouping_only"], false);
}

TEST_F(RefiCliTest, ANonCodableCodeTheArchiveCodesIsKeptApplicable) {
  CreateProject("coded");
  const std::string file = WriteQdpx("coded.qdpx", {{"project.qde", GroupingProjectXml(kFeelings)},
                                                    {"sources/diary.txt", "Happy days here."}});
  json imported = IcrJson({"import", "qdpx", "coded", "r1", file, "--coder", "alice"});
  EXPECT_EQ(imported["codes"]["grouping_created"], 0);
  EXPECT_EQ(imported["codes"]["kept_applicable"], json::array({"Feelings"}));
  EXPECT_EQ(imported["codings"]["alice"], 1);
  EXPECT_EQ(CodesById(IcrJson({"code", "list", "coded"}))["feelings"]["grouping_only"], false);
  // Without a round no coding is taken, so the flag is kept as written.
  CreateProject("plain");
  IcrJson({"import", "qdpx", "plain", file});
  EXPECT_EQ(CodesById(IcrJson({"code", "list", "plain"}))["feelings"]["grouping_only"], true);
}

// `export qdc --for` writes the codebook `export qdpx --for` writes, valid
// against the standard's Codebook.xsd, its origin naming the tool, and
// icr reads it back the same.
TEST_F(RefiCliTest, CodebookExportForEachToolValidatesAndImportsBack) {
  CreateProject("book");
  ASSERT_EQ(Icr({"code", "add", "book", "feelings", "--name", "Feelings", "--grouping"}).exit_code,
            0);
  ASSERT_EQ(Icr({"code", "add", "book", "joy", "--name", "Joy & \"glee\"", "--parent", "feelings",
                 "--definition", "Felt joy."})
                .exit_code,
            0);
  ASSERT_EQ(
      Icr({"code", "add", "book", "fear", "--name", "Fear", "--parent", "feelings"}).exit_code, 0);
  ASSERT_EQ(Icr({"code", "add", "book", "other", "--name", "Other"}).exit_code, 0);
  const std::map<std::string, std::string> origins = {{"atlasti", "icr for ATLAS.ti"},
                                                      {"maxqda", "icr for MAXQDA"},
                                                      {"nvivo", "icr for NVivo"},
                                                      {"qualcoder", "icr for QualCoder"}};
  for (const auto& [tool, origin] : origins) {
    const std::string out = dir_.path() + "/book-" + tool + ".qdc";
    json exported = IcrJson({"export", "qdc", "book", "--out", out, "--for", tool});
    EXPECT_EQ(exported["codes"], 4) << tool;
    EXPECT_EQ(exported["grouping_codes"], 1) << tool;
    const std::string xml = testing::ReadFile(out);
    EXPECT_EQ(refi::testing::SchemaErrors(xml, kCodebookXsd), "") << tool;
    EXPECT_NE(xml.find("origin=\"" + origin + "\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("name=\"Feelings\" isCodable=\"false\""), std::string::npos) << xml;

    const std::string copy = "copy-" + tool;
    CreateProject(copy);
    json imported = IcrJson({"import", "qdc", copy, out});
    EXPECT_EQ(imported["created"], 4) << tool;
    EXPECT_EQ(imported["grouping_created"], 1) << tool;
    std::map<std::string, json> codes = CodesById(IcrJson({"code", "list", copy}));
    EXPECT_EQ(codes["feelings"]["grouping_only"], true) << tool;
    EXPECT_EQ(codes["joy-glee"]["name"], "Joy & \"glee\"") << tool;
    EXPECT_EQ(codes["joy-glee"]["parent"], "feelings") << tool;
    EXPECT_EQ(codes["joy-glee"]["definition"], "Felt joy.") << tool;
    EXPECT_EQ(codes["other"]["grouping_only"], false) << tool;
  }
  // The export qdpx --for writes the same codebook.
  ASSERT_EQ(
      Icr({"doc", "add", "book", "d1", "--file", WriteFile("d1.txt", "Some text.")}).exit_code, 0);
  ASSERT_EQ(Icr({"round", "create", "book", "r1", "--docs", "d1", "--coders", "alice"}).exit_code,
            0);
  const std::string archive = dir_.path() + "/book.qdpx";
  IcrJson({"export", "qdpx", "book", "r1", "--out", archive, "--for", "nvivo"});
  const std::string qdc = testing::ReadFile(dir_.path() + "/book-nvivo.qdc");
  const std::string qde = refi::testing::ZipEntry(archive, "project.qde");
  // The <Codes> element, its indentation aside (the .qde nests it deeper).
  auto codes_of = [](const std::string& xml) {
    const size_t from = xml.find("<Codes>"), to = xml.find("</Codes>");
    if (from == std::string::npos || to == std::string::npos) return std::string();
    return std::regex_replace(xml.substr(from, to - from), std::regex("\\n *"), "\n");
  };
  EXPECT_FALSE(codes_of(qdc).empty());
  EXPECT_EQ(codes_of(qdc), codes_of(qde));

  // No codes: no valid codebook (Codebook.xsd wants one), said so.
  CreateProject("empty");
  CommandResult empty = Icr({"export", "qdc", "empty", "--out", dir_.path() + "/empty.qdc"});
  EXPECT_NE(empty.exit_code, 0);
  EXPECT_NE(empty.err.find("has no codes"), std::string::npos) << empty.err;
  EXPECT_NE(
      Icr({"export", "qdc", "book", "--out", dir_.path() + "/x.qdc", "--for", "excel"}).exit_code,
      0);
}

// The export keeps the extracted text as each source's plain text (the
// codings count in it) and names the original file in the source's
// Description; a Word original goes into the archive as the richTextPath.
TEST_F(RefiCliTest, ExportNamesTheOriginalAndCarriesTheWordFile) {
  CreateProject("orig");
  ASSERT_EQ(Icr({"code", "add", "orig", "c1", "--name", "C1"}).exit_code, 0);
  const std::string docx =
      testing::WriteWithPandoc(testing::kTranscriptMarkdown, "docx", dir_.path());
  ASSERT_FALSE(docx.empty()) << "pandoc did not write the Word file";
  const std::string docx_path = WriteFile("interview.docx", docx);
  // Another text: a source whose text is already there is matched, not added.
  const std::string html = testing::WriteWithPandoc(
      std::string(testing::kTranscriptMarkdown) + "\nA web page.\n", "html", dir_.path());
  ASSERT_FALSE(html.empty());
  ASSERT_EQ(
      Icr({"doc", "add", "orig", "word", "--file", docx_path, "--title", "Interview"}).exit_code,
      0);
  ASSERT_EQ(
      Icr({"doc", "add", "orig", "page", "--file", WriteFile("page.html", html), "--title", "Page"})
          .exit_code,
      0);
  ASSERT_EQ(Icr({"doc", "add", "orig", "plain", "--file",
                 WriteFile("plain.txt", "Plain words here."), "--title", "Plain"})
                .exit_code,
            0);
  const json word = IcrJson({"doc", "show", "orig", "word"})["document"];
  const std::string word_sha = word["original_sha256"].get<std::string>();
  ASSERT_EQ(word_sha.size(), 64u) << word.dump();
  const std::string tool = word["extraction_tool"].get<std::string>();
  ASSERT_FALSE(tool.empty());
  ASSERT_EQ(
      Icr({"round", "create", "orig", "r1", "--docs", "word,page,plain", "--coders", "alice,bob"})
          .exit_code,
      0);
  CommandResult submitted =
      Icr({"coding", "submit", "orig", "r1", "--file",
           WriteFile("codings.csv",
                     "document,code,start,end,memo,coder\n"
                     "word,c1,14,47,,alice\nword,c1,50,60,,bob\npage,c1,0,12,,alice\n"
                     "plain,c1,0,5,,bob\n")});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const auto original = Codings("orig", "r1");

  for (const std::string& target : {std::string(), std::string("nvivo")}) {
    const std::string out = dir_.path() + "/orig" + target + ".qdpx";
    std::vector<std::string> args = {"export", "qdpx", "orig", "r1", "--out", out};
    if (!target.empty()) args.insert(args.end(), {"--for", target});
    json exported = IcrJson(args);
    EXPECT_EQ(exported["sources_with_original"], 2);
    EXPECT_EQ(exported["original_files"], 1);
    const std::string qde = refi::testing::ZipEntry(out, "project.qde");
    EXPECT_EQ(refi::testing::SchemaErrors(qde, kProjectXsd), "") << target;

    // The Word source: its richTextPath names the original, byte for byte
    // in the archive; the plain text stays the source's text.
    std::smatch match;
    ASSERT_TRUE(std::regex_search(
        qde, match,
        std::regex("<TextSource guid=\"([^\"]+)\" name=\"Interview\" richTextPath=\"internal://"
                   "([^\"]+)\" plainTextPath=\"internal://([^\"]+)\">\\s*<Description>([^<]*)<")))
        << qde;
    EXPECT_EQ(match[2].str(), match[1].str() + ".docx");
    const std::string folder = target == "nvivo" ? "Sources/" : "sources/";
    EXPECT_EQ(refi::testing::ZipEntry(out, folder + match[2].str()), docx) << folder;
    EXPECT_NE(refi::testing::ZipEntry(out, folder + match[3].str()).find("Interview 12"),
              std::string::npos);
    const std::string description = match[4].str();
    for (const std::string& part :
         {std::string("docx"), word_sha, tool, std::to_string(docx.size()) + " bytes"}) {
      EXPECT_NE(description.find(part), std::string::npos) << part << " not in " << description;
    }
    // The HTML page is named, not carried (a richTextPath is a DOCX).
    ASSERT_TRUE(std::regex_search(
        qde, match,
        std::regex("<TextSource guid=\"[^\"]+\" name=\"Page\" plainTextPath=\"[^\"]+\">\\s*"
                   "<Description>([^<]*)<")))
        << qde;
    EXPECT_NE(match[1].str().find("html"), std::string::npos) << match[1].str();
    // Plain text has no original to name.
    EXPECT_TRUE(std::regex_search(
        qde, std::regex("<TextSource guid=\"[^\"]+\" name=\"Plain\" plainTextPath=\"[^\"]+\">\\s*"
                        "<PlainTextSelection")))
        << qde;

    // Imported again: the same documents' texts and codings.
    const std::string copy = "copy" + target;
    CreateProject(copy);
    const std::string users = WriteFile("users.csv", "alice,alice\nbob,bob\n");
    json imported = IcrJson({"import", "qdpx", copy, "r1", out, "--map-users", users});
    EXPECT_EQ(imported["documents"]["created"], 3) << target;
    EXPECT_EQ(Codings(copy, "r1"), original) << target;
    EXPECT_EQ(IcrJson({"doc", "show", copy, "interview"})["document"]["sha256"], word["sha256"]);
  }
}

}  // namespace
}  // namespace icr
