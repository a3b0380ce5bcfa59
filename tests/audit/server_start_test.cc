// The real icr-server binary and its audit signing key: a lost key file
// stops the start once events exist (the message says what to do), a
// restored key starts it again, and --rotate_signing_key makes a new key
// whose id is an event of the server chain. And `icr admin backup` through
// the real CLI: under --backup_dir, printing where the backup is.

#include <filesystem>
#include <fstream>
#include <regex>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/files.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace icr {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::ReadAll;

class ServerStartTest : public ::testing::Test {
 protected:
  std::string DataDir() const { return dir_.path() + "/data"; }
  std::string KeyFile() const { return DataDir() + "/audit-signing-key.pem"; }

  // Starts the server and keeps it running; false when it did not come up.
  bool Start(const std::vector<std::string>& extra = {}) {
    testing::ServerProcess server = testing::StartServer(ICR_SERVER_BINARY, DataDir(), extra);
    server_ = std::move(server.process);
    port_ = server.port;
    return !port_.empty();
  }
  void Stop() {
    EXPECT_EQ(server_->Stop(SIGTERM), 0);
    server_.reset();
  }
  // Runs the server to its exit, as a start that is refused; a server that
  // comes up instead is stopped after 20 s (exit code 124).
  CommandResult StartRefused(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"/usr/bin/timeout", "20",          ICR_SERVER_BINARY,
                                     "--listen",         "127.0.0.1:0", "--data_dir",
                                     DataDir()};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::Run(args);
  }

  CommandResult Icr(std::vector<std::string> args) {
    args.insert(args.begin(), {ICR_CLI_BINARY, "--server", "127.0.0.1:" + port_, "--token_file",
                               DataDir() + "/admin.token"});
    return testing::Run(args);
  }
  json IcrJson(std::vector<std::string> args) {
    args.insert(args.end(), {"--output", "json"});
    CommandResult result = Icr(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(result.out, nullptr, /*allow_exceptions=*/false);
  }
  // The server chain's events.
  json ServerEvents() { return IcrJson({"audit", "events", "_server"}); }
  // The id of the key the server signs with, as `icr audit key` names it.
  std::string KeyId() {
    CommandResult key = Icr({"audit", "key", "--out", dir_.path() + "/key.pem"});
    EXPECT_EQ(key.exit_code, 0) << key.err;
    std::smatch match;
    if (!std::regex_search(key.err, match, std::regex("public key ([0-9a-f]{64})"))) return "";
    return match[1];
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Background> server_;
  std::string port_;
};

TEST_F(ServerStartTest, ALostKeyFileStopsTheStartUntilRestoredOrRotated) {
  ASSERT_TRUE(Start());  // the first start makes the key, and the admin (an event)
  const std::string original_key = ReadAll(KeyFile());
  ASSERT_FALSE(original_key.empty());
  Stop();

  std::filesystem::remove(KeyFile());
  CommandResult refused = StartRefused();
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.err.find("audit-signing-key.pem is missing"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("Restore the key file from a backup"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("--rotate_signing_key"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::filesystem::exists(KeyFile())) << "a new key was made silently";

  // The key restored: the server starts with it.
  std::ofstream(KeyFile(), std::ios::binary) << original_key;
  std::filesystem::permissions(
      KeyFile(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ASSERT_TRUE(Start());
  EXPECT_EQ(ReadAll(KeyFile()), original_key);
  Stop();

  // Lost again, then an explicit rotation: a new key, recorded with its id.
  std::filesystem::remove(KeyFile());
  ASSERT_TRUE(Start({"--rotate_signing_key"}));
  const std::string rotated_key = ReadAll(KeyFile());
  EXPECT_NE(rotated_key, original_key);
  const std::string key_id = KeyId();
  ASSERT_EQ(key_id.size(), 64u);
  json events = ServerEvents();
  ASSERT_FALSE(events["events"].empty()) << events.dump();
  const json& last = events["events"].back()["event"];
  EXPECT_EQ(last["method"], "icr-server/RotateSigningKey") << last.dump();
  const std::string summary = last["result_summary"].get<std::string>();
  EXPECT_NE(summary.find(key_id), std::string::npos) << summary;
  EXPECT_NE(summary.find("missing"), std::string::npos) << summary;
  Stop();

  // Without the flag the rotated key is simply used.
  ASSERT_TRUE(Start());
  EXPECT_EQ(ReadAll(KeyFile()), rotated_key);
  EXPECT_EQ(ServerEvents()["events"].size(), events["events"].size());
  Stop();

  // Rotating a key that is there keeps the old one aside, and names it.
  ASSERT_TRUE(Start({"--rotate_signing_key"}));
  EXPECT_NE(ReadAll(KeyFile()), rotated_key);
  const std::string new_summary =
      ServerEvents()["events"].back()["event"]["result_summary"].get<std::string>();
  EXPECT_NE(new_summary.find("previous key id " + key_id), std::string::npos) << new_summary;
  EXPECT_EQ(ReadAll(DataDir() + "/audit-signing-key." + key_id.substr(0, 16) + ".retired"),
            rotated_key);
  Stop();
}

TEST_F(ServerStartTest, AdminBackupWritesUnderTheBackupDirAndSaysWhere) {
  ASSERT_TRUE(Start());
  CommandResult off = Icr({"admin", "backup", "b1"});
  EXPECT_EQ(off.exit_code, 1);
  EXPECT_NE(off.err.find("--backup_dir"), std::string::npos) << off.err;
  Stop();

  const std::string backups = dir_.path() + "/backups";
  ASSERT_TRUE(Start({"--backup_dir", backups}));
  CommandResult plain = Icr({"admin", "backup", "b1"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find(backups + "/b1"), std::string::npos) << plain.out;
  EXPECT_FALSE(std::filesystem::exists(backups + "/b1/audit-signing-key.pem"));
  json with_key = IcrJson({"admin", "backup", "b2", "--include_signing_key"});
  EXPECT_EQ(with_key["directory"], backups + "/b2");
  EXPECT_EQ(with_key["signing_key_included"], true) << with_key.dump();
  EXPECT_EQ(ReadAll(backups + "/b2/audit-signing-key.pem"), ReadAll(KeyFile()));
  CommandResult bad = Icr({"admin", "backup", "../b3"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("backup_id"), std::string::npos) << bad.err;
  Stop();
}

}  // namespace
}  // namespace icr
