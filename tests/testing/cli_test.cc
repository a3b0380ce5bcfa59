#include "tests/testing/cli_test.h"

#include <fstream>
#include <utility>

namespace icr::testing {

void CliTest::StartServer(const std::vector<std::string>& flags) {
  ServerProcess server = testing::StartServer(ICR_SERVER_BINARY, dir_.path() + "/data", flags);
  server_ = std::move(server.process);
  port_ = server.port;
  ASSERT_FALSE(port_.empty()) << server_->output();
}

CommandResult CliTest::Icr(std::vector<std::string> args, const std::string& token_file,
                           const std::vector<std::string>& env) const {
  std::vector<std::string> full = {ICR_CLI_BINARY, "--server", "127.0.0.1:" + port_, "--token_file",
                                   token_file.empty() ? AdminTokenFile() : token_file};
  full.insert(full.end(), args.begin(), args.end());
  return testing::Run(full, env);
}

nlohmann::json CliTest::IcrJson(std::vector<std::string> args,
                                const std::string& token_file) const {
  args.insert(args.end(), {"--output", "json"});
  CommandResult result = Icr(args, token_file);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
}

std::string CliTest::AdminTokenFile() const { return dir_.path() + "/data/admin.token"; }

std::string CliTest::WriteFile(const std::string& name, const std::string& content) const {
  const std::string path = dir_.path() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string CliTest::CreateUser(const std::string& user) const {
  nlohmann::json created = IcrJson({"user", "create", user});
  return WriteFile(user + ".token", created["token"].get<std::string>());
}

}  // namespace icr::testing
