// `icr import qdc|qdpx` and `icr export qdpx` through the real icr-server and
// icr binaries: each tool's fixture, idempotent re-runs, bad files that store
// nothing, and a generated study exported and imported again.

#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <tuple>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/refi/schema_check.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace icr {
namespace {

using nlohmann::json;
using testing::CommandResult;

const std::string kData = ICR_REFI_TEST_DATA;

class RefiCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ServerProcess server = testing::StartServer(ICR_SERVER_BINARY, dir_.path() + "/data");
    server_ = std::move(server.process);
    port_ = server.port;
    ASSERT_FALSE(port_.empty()) << server_->output();
    for (const char* user : {"alice", "bob"}) {
      ASSERT_EQ(Icr({"user", "create", user}).exit_code, 0);
    }
  }

  CommandResult Icr(std::vector<std::string> args) {
    std::vector<std::string> full = {ICR_CLI_BINARY, "--server", "127.0.0.1:" + port_,
                                     "--token_file", dir_.path() + "/data/admin.token"};
    full.insert(full.end(), args.begin(), args.end());
    return testing::Run(full);
  }

  json IcrJson(std::vector<std::string> args) {
    args.insert(args.end(), {"--output", "json"});
    CommandResult result = Icr(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(result.out, nullptr, /*allow_exceptions=*/false);
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  void CreateProject(const std::string& project) {
    ASSERT_EQ(Icr({"project", "create", project, "--title", "Study " + project}).exit_code, 0);
    for (const char* user : {"alice", "bob"}) {
      ASSERT_EQ(Icr({"member", "add", project, user, "--role", "coder"}).exit_code, 0);
    }
  }

  // (coder, document title, code name, start, end, memo) of a round's codings.
  using Row = std::tuple<std::string, std::string, std::string, int64_t, int64_t, std::string>;
  std::multiset<Row> Codings(const std::string& project, const std::string& round) {
    std::map<std::string, std::string> titles, names;
    const json documents = IcrJson({"doc", "list", project});
    for (const json& d : documents["documents"]) {
      titles[d["id"].get<std::string>()] = d["title"].get<std::string>();
    }
    const json codes = IcrJson({"code", "list", project});
    for (const json& c : codes["codes"]) {
      names[c["id"].get<std::string>()] = c["name"].get<std::string>();
    }
    std::multiset<Row> rows;
    const json codings = IcrJson({"coding", "list", project, round});
    for (const json& c : codings["codings"]) {
      rows.insert(Row(c["coder"].get<std::string>(), titles[c["document"].get<std::string>()],
                      names[c["code"].get<std::string>()], c["start"].get<int64_t>(),
                      c["end"].get<int64_t>(), c.value("memo", std::string())));
    }
    return rows;
  }

  size_t Count(const std::vector<std::string>& list_args, const char* field) {
    json list = IcrJson(list_args);
    return list[field].size();
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Background> server_;
  std::string port_;
};

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

}  // namespace
}  // namespace icr
