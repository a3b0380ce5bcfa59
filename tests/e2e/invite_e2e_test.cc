// `icr user invite` end to end: the real icr binary asks the real
// icr-server for a sign-in link, prints it with its expiry in words, and
// the code in the link opens one session (CreateSession, as the browser
// app's POST /v1/sessions makes it) and no second; `icr user tokens` shows
// each token's kind.

#include <time.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "icr/v1/admin.grpc.pb.h"
#include "tests/testing/cli_test.h"
#include "tests/testing/subprocess.h"

namespace icr {
namespace {

using testing::CommandResult;

// "2026-12-09 10:00 UTC" for `unix_seconds`.
std::string InWords(int64_t unix_seconds) {
  const time_t seconds = static_cast<time_t>(unix_seconds);
  struct tm utc;
  gmtime_r(&seconds, &utc);
  char text[32];
  strftime(text, sizeof(text), "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

class InviteEndToEndTest : public testing::CliTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    admin_ = v1::AdminService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + port_, grpc::InsecureChannelCredentials()));
  }

  // `icr ARGS...` as the holder of `token_file` (default: the admin), with
  // ICR_WEB_URL set to `web_url_env` (empty: unset for icr).
  CommandResult Icr(std::vector<std::string> args, const std::string& token_file = "",
                    const std::string& web_url_env = "") {
    return CliTest::Icr(std::move(args), token_file, {"ICR_WEB_URL=" + web_url_env});
  }

  // Creates a user; returns the file holding its token.
  std::string CreateUser(const std::string& user) {
    CommandResult created = Icr({"user", "create", user, "--output", "csv"});
    EXPECT_EQ(created.exit_code, 0) << created.err;
    std::smatch match;
    EXPECT_TRUE(std::regex_search(created.out, match, std::regex("icr_[0-9a-f]{64}")));
    const std::string path = dir_.path() + "/" + user + ".token";
    std::ofstream(path) << match.str();
    return path;
  }

  // The code of the link `out` prints, after `web_url`, or "" if none.
  static std::string CodeIn(const std::string& out, const std::string& web_url) {
    std::smatch match;
    const std::regex link("^" + std::regex_replace(web_url, std::regex("[.]"), "\\.") +
                          "/#/signin/(icr_[0-9a-f]{64})$");
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (std::regex_match(line, match, link)) return match[1];
    }
    return "";
  }

  grpc::Status Exchange(const std::string& code, v1::CreateSessionResponse* session) {
    grpc::ClientContext context;
    v1::CreateSessionRequest request;
    request.set_signin_code(code);
    return admin_->CreateSession(&context, request, session);
  }

  std::unique_ptr<v1::AdminService::Stub> admin_;
};

TEST_F(InviteEndToEndTest, ALeadInvitesACoderWhoSignsInOnce) {
  const std::string lead = CreateUser("lead");
  CreateUser("alice");
  ASSERT_EQ(Icr({"project", "create", "study", "--title", "Study"}, lead).exit_code, 0);
  ASSERT_EQ(Icr({"member", "add", "study", "alice", "--role", "coder"}, lead).exit_code, 0);

  const int64_t before = ::time(nullptr);
  CommandResult invited =
      Icr({"user", "invite", "alice", "--ttl", "3600", "--web_url", "http://icr.example.org:8080/"},
          lead);
  const int64_t after = ::time(nullptr);
  ASSERT_EQ(invited.exit_code, 0) << invited.err;
  const std::string code = CodeIn(invited.out, "http://icr.example.org:8080");
  ASSERT_FALSE(code.empty()) << invited.out;
  // The expiry in words: an hour from now, to the minute.
  const std::string sentence = "Send this link to alice; it signs them in once and expires on ";
  EXPECT_TRUE(invited.out.find(sentence + InWords(before + 3600) + ".\n") != std::string::npos ||
              invited.out.find(sentence + InWords(after + 3600) + ".\n") != std::string::npos)
      << invited.out;
  EXPECT_EQ(server_->output().find(code), std::string::npos) << "the code reached the log";

  v1::CreateSessionResponse session;
  grpc::Status signed_in = Exchange(code, &session);
  ASSERT_TRUE(signed_in.ok()) << signed_in.error_message();
  EXPECT_EQ(session.user().id(), "alice");
  grpc::Status again = Exchange(code, &session);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(again.error_message().find("already used"), std::string::npos);

  // Each of alice's tokens with its kind.
  CommandResult tokens = Icr({"user", "tokens", "alice", "--output", "csv"});
  ASSERT_EQ(tokens.exit_code, 0) << tokens.err;
  EXPECT_NE(tokens.out.find("\"kind\""), std::string::npos) << tokens.out;
  for (const std::string kind : {"\"api\"", "\"sign-in link\"", "\"session\""}) {
    EXPECT_NE(tokens.out.find("," + kind + ",\"alice\""), std::string::npos) << kind << "\n"
                                                                             << tokens.out;
  }
}

TEST_F(InviteEndToEndTest, TheWebUrlComesFromTheFlagTheEnvironmentOrTheDefault) {
  CreateUser("alice");
  CommandResult from_env = Icr({"user", "invite", "alice"}, "", "https://icr.example.org");
  ASSERT_EQ(from_env.exit_code, 0) << from_env.err;
  EXPECT_FALSE(CodeIn(from_env.out, "https://icr.example.org").empty()) << from_env.out;
  CommandResult flag_wins = Icr({"user", "invite", "alice", "--web_url", "http://other.example"},
                                "", "https://icr.example.org");
  EXPECT_FALSE(CodeIn(flag_wins.out, "http://other.example").empty()) << flag_wins.out;
  CommandResult by_default = Icr({"user", "invite", "alice"});
  EXPECT_FALSE(CodeIn(by_default.out, "http://127.0.0.1:8080").empty()) << by_default.out;
  // Seven days unless asked.
  EXPECT_NE(by_default.out.find("expires on " + InWords(::time(nullptr) + 7 * 24 * 3600)),
            std::string::npos)
      << by_default.out;
  // For scripts: the link as a CSV field.
  CommandResult csv = Icr({"user", "invite", "alice", "--output", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_NE(csv.out.find("\"user\",\"link\",\"expires\",\"token_id\""), std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find("\"alice\",\"http://127.0.0.1:8080/#/signin/icr_"), std::string::npos)
      << csv.out;
}

TEST_F(InviteEndToEndTest, ALeadOfAnotherProjectIsRefused) {
  const std::string lead = CreateUser("lead");
  const std::string other = CreateUser("other");
  CreateUser("alice");
  ASSERT_EQ(Icr({"project", "create", "study", "--title", "Study"}, lead).exit_code, 0);
  ASSERT_EQ(Icr({"project", "create", "elsewhere", "--title", "Elsewhere"}, other).exit_code, 0);
  ASSERT_EQ(Icr({"member", "add", "study", "alice", "--role", "coder"}, lead).exit_code, 0);
  CommandResult refused = Icr({"user", "invite", "alice"}, other);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("sign-in link for alice"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out.find("/#/signin/"), std::string::npos) << refused.out;
  CommandResult too_long = Icr({"user", "invite", "alice", "--ttl", "99999999"}, lead);
  EXPECT_EQ(too_long.exit_code, 1);
  EXPECT_NE(too_long.err.find("ttl_seconds"), std::string::npos) << too_long.err;
}

}  // namespace
}  // namespace icr
