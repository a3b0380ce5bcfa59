// The real icr-server binary on a free port and the real icr binary, used
// as a lead and coders would: users, a project, members, a codebook,
// documents and a round; then a graceful restart, and a kill -9, after which
// every list shows what was there.

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <regex>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/cli_test.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace icr {
namespace {

using nlohmann::json;
using testing::CommandResult;

class CliEndToEndTest : public testing::CliTest {
 protected:
  void SetUp() override { StartServer(); }

  std::vector<std::string> Ids(const json& list, const std::string& field) {
    std::vector<std::string> ids;
    for (const json& item : list[field]) ids.push_back(item["id"]);
    return ids;
  }

  // Everything the walk-through created, as the lists show it.
  std::string Snapshot() {
    json codes = IcrJson({"code", "list", "study", "--all"});
    json docs = IcrJson({"doc", "list", "study"});
    json rounds = IcrJson({"round", "list", "study"});
    json members = IcrJson({"member", "list", "study"});
    json domains = IcrJson({"domain", "list", "study"});
    json users = IcrJson({"user", "list"});
    return codes.dump() + docs.dump() + rounds.dump() + members.dump() + domains.dump() +
           users.dump();
  }
};

TEST_F(CliEndToEndTest, WalkThroughSurvivesRestartAndKill) {
  // The admin token file is private.
  struct stat info;
  ASSERT_EQ(::stat(AdminTokenFile().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_EQ(server_->output().find("icr_"), std::string::npos) << "a token reached the log";

  const std::string lead = CreateUser("lead");
  CreateUser("alice");
  CreateUser("bob");
  ASSERT_EQ(
      IcrJson({"project", "create", "study", "--title", "Peer mentoring"}, lead)["project"]["id"],
      "study");
  for (auto [user, role] :
       std::vector<std::pair<std::string, std::string>>{{"alice", "coder"}, {"bob", "coder"}}) {
    ASSERT_EQ(Icr({"member", "add", "study", user, "--role", role}, lead).exit_code, 0);
  }
  // The admin is not a member but acts as owner everywhere, though not even
  // an admin demotes a project's last owner.
  CreateUser("carol");
  ASSERT_EQ(Icr({"member", "add", "study", "carol", "--role", "lead"}).exit_code, 0);
  CommandResult demote = Icr({"member", "add", "study", "lead", "--role", "lead"});
  EXPECT_EQ(demote.exit_code, 1);
  EXPECT_NE(demote.err.find("last owner"), std::string::npos) << demote.err;

  // A hierarchical codebook: theme -> category -> codes; an edit; a merge.
  ASSERT_EQ(Icr({"code", "add", "study", "support", "--name", "Support"}, lead).exit_code, 0);
  ASSERT_EQ(Icr({"code", "add", "study", "mentor", "--name", "Mentor", "--parent", "support"}, lead)
                .exit_code,
            0);
  ASSERT_EQ(Icr({"code", "add", "study", "avail", "--name", "Availability", "--parent", "mentor",
                 "--definition", "Whether the mentor had time", "--inclusion", "time, schedule"},
                lead)
                .exit_code,
            0);
  ASSERT_EQ(
      Icr({"code", "add", "study", "busy", "--name", "Busy", "--parent", "mentor"}, lead).exit_code,
      0);
  json edited = IcrJson({"code", "edit", "study", "busy", "--definition", "Mentor too busy"}, lead);
  EXPECT_EQ(edited["code"]["definition"], "Mentor too busy");
  EXPECT_EQ(edited["code"]["name"], "Busy");
  ASSERT_EQ(Icr({"code", "merge", "study", "busy", "avail"}, lead).exit_code, 0);
  json codes = IcrJson({"code", "list", "study"}, lead);
  EXPECT_EQ(Ids(codes, "codes"), (std::vector<std::string>{"avail", "mentor", "support"}));

  ASSERT_EQ(Icr({"code", "add", "study", "low", "--name", "Low", "--value", "1"}, lead).exit_code,
            0);
  ASSERT_EQ(Icr({"code", "add", "study", "high", "--name", "High", "--value", "2"}, lead).exit_code,
            0);
  ASSERT_EQ(
      Icr({"domain", "create", "study", "intensity", "--level", "ordinal", "--codes", "low,high"},
          lead)
          .exit_code,
      0);

  // A document with a character outside the BMP and CRLF line ends.
  const std::string text =
      "I felt \xF0\x9F\x98\x80 supported.\r\nReally.\r\n\r\nMy mentor was busy.";
  ASSERT_EQ(Icr({"doc", "add", "study", "int-01", "--file", WriteFile("int-01.txt", text),
                 "--segment", "paragraph"},
                lead)
                .exit_code,
            0);
  json shown = IcrJson({"doc", "show", "study", "int-01", "--units", "utf16"}, lead);
  EXPECT_EQ(shown["document"]["segments"][1]["start"], "33");  // int64 as a JSON string
  EXPECT_EQ(shown["document"]["sha256"],
            "77fdbd61ed0586dffe1c1df20a11f86939e1b716649da31df0f4d20709cdc4aa");
  ASSERT_EQ(Icr({"doc", "add", "study", "int-02", "--file", WriteFile("int-02.txt", "a\nb\nc"),
                 "--segment", "line"},
                lead)
                .exit_code,
            0);

  // A blind round, advanced through its states.
  ASSERT_EQ(Icr({"round", "create", "study", "pilot", "--docs", "int-01,int-02", "--coders",
                 "alice,bob", "--blind"},
                lead)
                .exit_code,
            0);
  // Nobody has finished a document: leaving OPEN needs --force.
  CommandResult unfinished = Icr({"round", "advance", "study", "pilot"}, lead);
  EXPECT_EQ(unfinished.exit_code, 1);
  EXPECT_NE(unfinished.err.find("alice/int-01 (NOT_STARTED)"), std::string::npos) << unfinished.err;
  EXPECT_NE(unfinished.err.find("--force"), std::string::npos) << unfinished.err;
  EXPECT_EQ(IcrJson({"round", "advance", "study", "pilot", "--force"}, lead)["round"]["state"],
            "RECONCILING");
  EXPECT_EQ(IcrJson({"round", "advance", "study", "pilot"}, lead)["round"]["state"], "CLOSED");
  CommandResult closed = Icr({"round", "advance", "study", "pilot"}, lead);
  EXPECT_EQ(closed.exit_code, 1);
  EXPECT_NE(closed.err.find("FAILED_PRECONDITION"), std::string::npos) << closed.err;

  // A coder may read the codebook but not change it, nor read the trail.
  const std::string alice = dir_.path() + "/alice.token";
  EXPECT_EQ(Icr({"code", "list", "study"}, alice).exit_code, 0);
  CommandResult denied = Icr({"code", "add", "study", "x", "--name", "X"}, alice);
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("PERMISSION_DENIED"), std::string::npos);
  EXPECT_EQ(Icr({"audit", "events", "study"}, alice).exit_code, 1);

  // Usage and input errors exit 2 and name what is wrong.
  CommandResult usage = Icr({"code", "add", "study", "x"}, lead);
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.err.find("--name"), std::string::npos);
  CommandResult missing_file = Icr({"doc", "add", "study", "d", "--file", "/nonexistent"}, lead);
  EXPECT_EQ(missing_file.exit_code, 2);
  EXPECT_NE(missing_file.err.find("/nonexistent"), std::string::npos);
  CommandResult latin1 =
      Icr({"doc", "add", "study", "d", "--file", WriteFile("latin1.txt", "caf\xE9")}, lead);
  EXPECT_EQ(latin1.exit_code, 1);
  EXPECT_NE(latin1.err.find("text: not valid UTF-8"), std::string::npos) << latin1.err;

  json events = IcrJson({"audit", "events", "study"}, lead);
  const size_t event_count = events["events"].size();
  EXPECT_EQ(event_count, 18u);  // one per successful mutation, none for the failures

  // Graceful restart: everything is still there.
  const std::string before = Snapshot();
  EXPECT_EQ(server_->Stop(SIGTERM), 0);
  StartServer();
  EXPECT_EQ(Snapshot(), before);

  // kill -9 after an acknowledged write: still there.
  ASSERT_EQ(Icr({"code", "add", "study", "late", "--name", "Late"}, lead).exit_code, 0);
  EXPECT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);
  StartServer();
  json after_kill = IcrJson({"code", "list", "study"}, lead);
  EXPECT_EQ(Ids(after_kill, "codes").size(), 6u);
  EXPECT_EQ(IcrJson({"audit", "events", "study"}, lead)["events"].size(), event_count + 1);
  // No second admin token was made on restart.
  EXPECT_EQ(server_->output().find("created user admin"), std::string::npos);
}

TEST_F(CliEndToEndTest, CodersSubmitListAndRetractThroughTheCli) {
  const std::string lead = CreateUser("lead");
  const std::string alice = CreateUser("alice");
  const std::string bob = CreateUser("bob");
  ASSERT_EQ(Icr({"project", "create", "study", "--title", "S"}, lead).exit_code, 0);
  for (const char* coder : {"alice", "bob"}) {
    ASSERT_EQ(Icr({"member", "add", "study", coder, "--role", "coder"}, lead).exit_code, 0);
  }
  for (const char* code : {"c1", "c2"}) {
    ASSERT_EQ(Icr({"code", "add", "study", code, "--name", code}, lead).exit_code, 0);
  }
  ASSERT_EQ(
      Icr({"doc", "add", "study", "d1", "--file", WriteFile("d1.txt", "one\n\ntwo\n\nthree")}, lead)
          .exit_code,
      0);
  ASSERT_EQ(
      Icr({"round", "create", "study", "r1", "--docs", "d1", "--coders", "alice,bob", "--blind"},
          lead)
          .exit_code,
      0);

  json stored = IcrJson({"coding", "submit", "study", "r1", "--file",
                         WriteFile("alice.csv",
                                   "document,code,segment,memo\nd1,c1,0,first\n"
                                   "d1,c2,1,\"quoted, with comma\"\nd1,c1,2,\n")},
                        alice);
  EXPECT_EQ(stored["stored"], 3);
  EXPECT_EQ(IcrJson({"coding", "submit", "study", "r1", "--file",
                     WriteFile("bob.csv", "document,code,start,end\nd1,c1,0,3\nd1,c2,5,8\n")},
                    bob)["stored"],
            2);
  // The lead submits for bob with a coder column.
  EXPECT_EQ(IcrJson({"coding", "submit", "study", "r1", "--file",
                     WriteFile("lead.csv", "document,code,segment,coder\nd1,c2,2,bob\n")},
                    lead)["stored"],
            1);

  // Blind: alice sees her three; the lead sees all six, in DESIGN §10's shape.
  json mine = IcrJson({"coding", "list", "study", "r1"}, alice);
  ASSERT_EQ(mine["codings"].size(), 3u);
  EXPECT_EQ(mine["codings"][1]["memo"], "quoted, with comma");
  json all = IcrJson({"coding", "list", "study", "r1"}, lead);
  ASSERT_EQ(all["codings"].size(), 6u);
  EXPECT_EQ(all["codings"][3]["coder"], "bob");
  EXPECT_EQ(all["codings"][3]["start"], 0);
  EXPECT_EQ(all["codings"][3]["end"], 3);
  EXPECT_EQ(all["codings"][0]["segment"], 0);
  EXPECT_EQ(all["codings"][5]["submitted_by"], "lead");
  EXPECT_EQ(
      IcrJson({"coding", "list", "study", "r1", "--coder", "bob", "--code", "c2"}, lead)["codings"]
          .size(),
      2u);

  // Retract one; it stays in the record.
  const std::string first_id = all["codings"][0]["id"];
  EXPECT_EQ(Icr({"coding", "retract", "study", "r1", first_id, "--reason", "wrong code"}, alice)
                .exit_code,
            0);
  EXPECT_EQ(IcrJson({"coding", "list", "study", "r1"}, alice)["codings"].size(), 2u);
  json with_retracted = IcrJson({"coding", "list", "study", "r1", "--all"}, alice);
  EXPECT_EQ(with_retracted["codings"][0]["state"], "RETRACTED");

  // Bad files exit 2 naming file and line; a bad row the server finds exits
  // 1 naming the file line too, and stores nothing.
  const std::string ragged = WriteFile("ragged.csv", "document,code,segment\nd1,c1\n");
  CommandResult result = Icr({"coding", "submit", "study", "r1", "--file", ragged}, alice);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(ragged + ":2"), std::string::npos) << result.err;
  const std::string header = WriteFile("header.csv", "doc,code,segment\nd1,c1,0\n");
  result = Icr({"coding", "submit", "study", "r1", "--file", header}, alice);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(header + ":1"), std::string::npos) << result.err;
  const std::string unknown =
      WriteFile("unknown.csv", "document,code,segment\nd1,c1,1\nd1,c1,2\nd1,zz,0\n");
  result = Icr({"coding", "submit", "study", "r1", "--file", unknown}, alice);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find(unknown + ":4: codings[2].code"), std::string::npos) << result.err;
  EXPECT_EQ(IcrJson({"coding", "list", "study", "r1"}, alice)["codings"].size(), 2u);
}

TEST_F(CliEndToEndTest, CodersSayWhenADocumentIsDone) {
  const std::string lead = CreateUser("lead");
  const std::string alice = CreateUser("alice");
  const std::string bob = CreateUser("bob");
  ASSERT_EQ(Icr({"project", "create", "study", "--title", "S"}, lead).exit_code, 0);
  for (const char* coder : {"alice", "bob"}) {
    ASSERT_EQ(Icr({"member", "add", "study", coder, "--role", "coder"}, lead).exit_code, 0);
  }
  ASSERT_EQ(Icr({"code", "add", "study", "c1", "--name", "c1"}, lead).exit_code, 0);
  for (const char* doc : {"d1", "d2"}) {
    ASSERT_EQ(Icr({"doc", "add", "study", doc, "--file", WriteFile("d.txt", "one\n\ntwo")}, lead)
                  .exit_code,
              0);
  }
  ASSERT_EQ(
      Icr({"round", "create", "study", "r1", "--docs", "d1,d2", "--coders", "alice,bob", "--blind"},
          lead)
          .exit_code,
      0);
  ASSERT_EQ(Icr({"coding", "submit", "study", "r1", "--file",
                 WriteFile("a.csv", "document,code,segment\nd1,c1,0\n")},
                alice)
                .exit_code,
            0);

  CommandResult done = Icr({"coding", "done", "study", "r1", "d1"}, alice);
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_NE(done.out.find("Agreement now counts this document"), std::string::npos) << done.out;
  // A finished document takes no more codings until it is reopened.
  CommandResult more = Icr({"coding", "submit", "study", "r1", "--file",
                            WriteFile("b.csv", "document,code,segment\nd1,c1,1\n")},
                           alice);
  EXPECT_EQ(more.exit_code, 1);
  EXPECT_NE(more.err.find("reopen"), std::string::npos) << more.err;
  // Coders set only their own; a lead sets a coder's.
  EXPECT_EQ(Icr({"coding", "done", "study", "r1", "d1", "--coder", "bob"}, alice).exit_code, 1);
  EXPECT_EQ(Icr({"coding", "done", "study", "r1", "d2", "--coder", "bob"}, lead).exit_code, 0);

  // The lead sees everyone's progress; blind alice only her own.
  CommandResult shown = Icr({"round", "show", "study", "r1"}, lead);
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("1 of 2 documents done"), std::string::npos) << shown.out;
  json mine = IcrJson({"coding", "progress", "study", "r1"}, alice);
  ASSERT_EQ(mine["coders"].size(), 1u);
  EXPECT_EQ(mine["coders"][0]["coder"], "alice");
  EXPECT_EQ(mine["coders"][0]["done"], 1);
  json rows = IcrJson({"coding", "progress", "study", "r1", "--documents"}, lead);
  ASSERT_EQ(rows["progress"].size(), 4u);
  EXPECT_EQ(rows["progress"][0]["state"], "DONE");
  EXPECT_EQ(rows["progress"][1]["state"], "NOT_STARTED");
  EXPECT_EQ(rows["progress"][3]["updated_by"], "lead");

  EXPECT_EQ(Icr({"coding", "reopen", "study", "r1", "d1"}, alice).exit_code, 0);
  EXPECT_EQ(IcrJson({"coding", "progress", "study", "r1"}, alice)["coders"][0]["in_progress"], 1);
  CommandResult refused = Icr({"round", "advance", "study", "r1"}, lead);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("alice/d1 (IN_PROGRESS)"), std::string::npos) << refused.err;
  CommandResult forced = Icr({"round", "advance", "study", "r1", "--force"}, lead);
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.err.find("3 unfinished"), std::string::npos) << forced.err;
}

TEST_F(CliEndToEndTest, ReportForTheManuscript) {
  const std::string lead = CreateUser("lead");
  CreateUser("alice");
  CreateUser("bob");
  ASSERT_EQ(Icr({"project", "create", "study", "--title", "S"}, lead).exit_code, 0);
  for (const char* coder : {"alice", "bob"}) {
    ASSERT_EQ(Icr({"member", "add", "study", coder, "--role", "coder"}, lead).exit_code, 0);
  }
  for (const char* code : {"c1", "c2"}) {
    ASSERT_EQ(Icr({"code", "add", "study", code, "--name", code}, lead).exit_code, 0);
  }
  ASSERT_EQ(Icr({"doc", "add", "study", "d1", "--file",
                 WriteFile("d1.txt", "one\n\ntwo\n\nthree\n\nfour")},
                lead)
                .exit_code,
            0);
  ASSERT_EQ(Icr({"round", "create", "study", "r1", "--docs", "d1", "--coders", "alice,bob"}, lead)
                .exit_code,
            0);
  ASSERT_EQ(Icr({"coding", "submit", "study", "r1", "--file",
                 WriteFile("all.csv",
                           "document,code,segment,coder\nd1,c1,0,alice\nd1,c1,1,alice\n"
                           "d1,c2,2,alice\nd1,c1,0,bob\nd1,c2,2,bob\nd1,c2,3,bob\n")},
                lead)
                .exit_code,
            0);
  for (const char* coder : {"alice", "bob"}) {
    ASSERT_EQ(Icr({"coding", "done", "study", "r1", "d1", "--coder", coder}, lead).exit_code, 0);
  }
  const std::string csv = dir_.path() + "/table.csv";
  CommandResult written = Icr({"report", "study", "--round", "r1", "--format", "csv", "--out", csv,
                               "--coefficients", "krippendorff_alpha,percent_agreement"},
                              lead);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  std::ifstream in(csv);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header,
            "round,code,units,krippendorff_alpha,krippendorff_alpha_ci_low,"
            "krippendorff_alpha_ci_high,percent_agreement,percent_agreement_ci_low,"
            "percent_agreement_ci_high,interpretation\r");
  CommandResult bad =
      Icr({"report", "study", "--format", "csv", "--out", csv, "--interval", "sometimes"}, lead);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("interval"), std::string::npos) << bad.err;

  // Word: the Markdown report through pandoc, and back to the same table.
  ASSERT_EQ(::access("/usr/bin/pandoc", X_OK), 0)
      << "pandoc is needed: apt-get install pandoc (deploy/test installs it)";
  const std::string docx = dir_.path() + "/report.docx";
  CommandResult word =
      Icr({"report", "study", "--round", "r1", "--format", "docx", "--out", docx}, lead);
  ASSERT_EQ(word.exit_code, 0) << word.err;
  const std::string md = dir_.path() + "/report.md";
  ASSERT_EQ(
      Icr({"report", "study", "--round", "r1", "--format", "md", "--out", md}, lead).exit_code, 0);
  CommandResult back = testing::Run({"/usr/bin/pandoc", "--from", "docx", "--to", "plain", docx});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  std::ifstream markdown(md);
  std::string line, row;
  // The Overall row of the reliability table, cell by cell.
  while (std::getline(markdown, line)) {
    if (line.rfind("| **Overall** |", 0) == 0) row = line;
  }
  ASSERT_FALSE(row.empty());
  std::vector<std::string> cells;
  for (size_t at = 1; at < row.size();) {
    const size_t next = row.find(" |", at);
    if (next == std::string::npos) break;
    std::string cell = row.substr(at + 1, next - at - 1);
    at = next + 2;
    if (!cell.empty()) cells.push_back(cell);
  }
  ASSERT_GE(cells.size(), 4u) << row;
  size_t from = back.out.find("Overall");
  ASSERT_NE(from, std::string::npos) << back.out;
  // The numbers (the interpretation's words may wrap inside a cell).
  for (size_t i = 1; i + 1 < cells.size(); ++i) {
    const size_t at = back.out.find(cells[i], from);
    EXPECT_NE(at, std::string::npos) << cells[i] << " not in the .docx after Overall";
    if (at != std::string::npos) from = at;
  }
  EXPECT_NE(back.out.find("For your methods section"), std::string::npos);
}

TEST_F(CliEndToEndTest, HelpAndUnknownCommands) {
  CommandResult help = testing::Run({ICR_CLI_BINARY, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("round"), std::string::npos);
  CommandResult sub_help = testing::Run({ICR_CLI_BINARY, "code", "add", "--help"});
  EXPECT_EQ(sub_help.exit_code, 0);
  EXPECT_NE(sub_help.out.find("--parent"), std::string::npos);
  EXPECT_EQ(testing::Run({ICR_CLI_BINARY, "frobnicate"}).exit_code, 2);
  CommandResult server_help = testing::Run({ICR_SERVER_BINARY, "--help"});
  EXPECT_NE((server_help.out + server_help.err).find("--data_dir"), std::string::npos);
}

// Which token a command uses: --token_file beats ICR_TOKEN, which beats
// ./icr-data/admin.token; `icr whoami` names the one it used, and a named
// token file that cannot be read is an error, never a fall back to another
// identity.
TEST_F(CliEndToEndTest, TokenFileBeatsEnvironmentWhichBeatsTheFallback) {
  const std::string alice_file = CreateUser("alice");
  std::string bob_token;
  std::getline(std::ifstream(CreateUser("bob")), bob_token);
  ASSERT_FALSE(bob_token.empty());
  const std::string bob_env = "ICR_TOKEN=" + bob_token;
  const std::string server = "127.0.0.1:" + port_;
  // The fallback is relative to the working directory: run from one that
  // holds icr-data/admin.token.
  const std::string cwd = dir_.path() + "/cwd";
  ASSERT_EQ(mkdir(cwd.c_str(), 0700), 0);
  ASSERT_EQ(mkdir((cwd + "/icr-data").c_str(), 0700), 0);
  std::string admin_token;
  std::getline(std::ifstream(AdminTokenFile()), admin_token);
  std::ofstream(cwd + "/icr-data/admin.token") << admin_token << "\n";
  auto whoami = [&](std::vector<std::string> flags, std::vector<std::string> env) {
    std::string command = "cd '" + cwd + "' && exec '" + ICR_CLI_BINARY + "' --server " + server;
    for (const std::string& flag : flags) command += " '" + flag + "'";
    return testing::Run({"/bin/sh", "-c", command + " whoami --output csv"}, env);
  };

  CommandResult flag = whoami({"--token_file", alice_file}, {bob_env});
  ASSERT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_NE(flag.out.find("alice"), std::string::npos) << flag.out;
  EXPECT_NE(flag.out.find("--token_file " + alice_file), std::string::npos) << flag.out;

  CommandResult env = whoami({}, {bob_env});
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_NE(env.out.find("bob"), std::string::npos) << env.out;
  EXPECT_NE(env.out.find("environment ICR_TOKEN"), std::string::npos) << env.out;

  CommandResult fallback = whoami({}, {"ICR_TOKEN="});
  ASSERT_EQ(fallback.exit_code, 0) << fallback.err;
  EXPECT_NE(fallback.out.find("\"admin\","), std::string::npos) << fallback.out;
  EXPECT_NE(fallback.out.find("./icr-data/admin.token"), std::string::npos) << fallback.out;

  CommandResult missing = whoami({"--token_file", dir_.path() + "/nowhere.token"}, {bob_env});
  EXPECT_EQ(missing.exit_code, 2) << missing.out;
  EXPECT_NE(missing.err.find("nowhere.token"), std::string::npos) << missing.err;
  EXPECT_EQ(missing.out.find("bob"), std::string::npos) << missing.out;

  // JSON keeps the response's shape and names the token on stderr.
  CommandResult json_out = testing::Run({ICR_CLI_BINARY, "--server", server, "--token_file",
                                         alice_file, "whoami", "--output", "json"},
                                        {bob_env});
  ASSERT_EQ(json_out.exit_code, 0) << json_out.err;
  EXPECT_EQ(json::parse(json_out.out)["user"]["id"], "alice");
  EXPECT_NE(json_out.err.find("token from --token_file " + alice_file), std::string::npos)
      << json_out.err;
}

// `icr stats` needs no server and no token: Krippendorff (2011) section C,
// 4 coders with missing data, alpha = 0.743; and free spans.
TEST(CliStatsTest, OfflineCalculatorThroughTheRealBinary) {
  testing::TempDir dir;
  const std::string wide = dir.path() + "/wide.csv";
  std::ofstream(wide) << "unit,A,B,C,D\n"
                         "u1,1,1,,1\nu2,2,2,3,2\nu3,3,3,3,3\nu4,3,3,3,3\nu5,2,2,2,2\n"
                         "u6,1,2,3,4\nu7,4,4,4,4\nu8,1,1,2,1\nu9,2,2,2,2\nu10,,5,5,5\n"
                         "u11,,,1,1\nu12,,3,,\n";
  CommandResult result = testing::Run({ICR_CLI_BINARY, "stats", "--input", wide, "--output", "json",
                                       "--coefficients", "krippendorff_alpha"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json stats = json::parse(result.out);
  ASSERT_EQ(stats["coefficients"][0]["name"], "krippendorff_alpha");
  EXPECT_NEAR(stats["coefficients"][0]["value"].get<double>(), 0.743, 0.0005);

  const std::string spans = dir.path() + "/spans.csv";
  const std::string lengths = dir.path() + "/lengths.csv";
  std::ofstream(spans) << "document,coder,code,start,end\nd1,a,x,0,10\nd1,b,x,0,10\n";
  std::ofstream(lengths) << "document,length\nd1,50\n";
  result = testing::Run(
      {ICR_CLI_BINARY, "stats", "--spans", spans, "--lengths", lengths, "--output", "json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json span_stats = json::parse(result.out);
  bool found = false;
  for (const json& c : span_stats["coefficients"]) {
    if (c["name"] == "unitizing_alpha") {
      EXPECT_DOUBLE_EQ(c["value"].get<double>(), 1.0);
      found = true;
    }
  }
  EXPECT_TRUE(found) << result.out;

  // A span past the document's end: exit 2 naming the file and line.
  std::ofstream(spans) << "document,coder,code,start,end\nd1,a,x,0,10\nd1,b,x,40,60\n";
  result = testing::Run({ICR_CLI_BINARY, "stats", "--spans", spans, "--lengths", lengths});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(spans + ":3"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace icr
