#ifndef ICR_TESTS_TESTING_CLI_TEST_H_
#define ICR_TESTS_TESTING_CLI_TEST_H_

// The real icr-server on a temporary data directory and the real icr binary
// run against it, as a user would: the fixture the end-to-end tests of the
// command line share.

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace icr::testing {

class CliTest : public ::testing::Test {
 protected:
  // Starts icr-server on dir_/data with `flags` added (a fatal failure,
  // with the server's output, when it does not start).
  void StartServer(const std::vector<std::string>& flags = {});

  // `icr ARGS...` against the server as the holder of `token_file` (default:
  // the admin), with `env` ("K=V") added to its environment.
  CommandResult Icr(std::vector<std::string> args, const std::string& token_file = "",
                    const std::vector<std::string>& env = {}) const;

  // The same with --output json: its answer, parsed (discarded when it is
  // not JSON); a failing command fails the test.
  nlohmann::json IcrJson(std::vector<std::string> args, const std::string& token_file = "") const;

  // The file the server wrote the first admin's token to.
  std::string AdminTokenFile() const;

  // Writes `content` to dir_/name; returns the path.
  std::string WriteFile(const std::string& name, const std::string& content) const;

  // Creates `user` (as the admin) and writes its token to dir_/USER.token;
  // returns that file.
  std::string CreateUser(const std::string& user) const;

  TempDir dir_;
  std::unique_ptr<Background> server_;
  std::string port_;
};

}  // namespace icr::testing

#endif  // ICR_TESTS_TESTING_CLI_TEST_H_
