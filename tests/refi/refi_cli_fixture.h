#ifndef ICR_TESTS_REFI_REFI_CLI_FIXTURE_H_
#define ICR_TESTS_REFI_REFI_CLI_FIXTURE_H_

// The real icr-server on a temporary database, with users alice and bob,
// and the real icr binary run against it: what every REFI-QDA command test
// starts from.

#include <zip.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/cli_test.h"
#include "tests/testing/subprocess.h"

namespace icr {

inline const std::string kRefiData = ICR_REFI_TEST_DATA;

class RefiCliTest : public testing::CliTest {
 protected:
  using json = nlohmann::json;
  using CommandResult = testing::CommandResult;
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartServer());
    for (const char* user : {"alice", "bob"}) {
      ASSERT_EQ(Icr({"user", "create", user}).exit_code, 0);
    }
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

  // Writes a .qdpx of the given entries (name -> bytes) and returns its path.
  std::string WriteQdpx(const std::string& name,
                        const std::vector<std::pair<std::string, std::string>>& entries) {
    const std::string path = dir_.path() + "/" + name;
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    EXPECT_NE(archive, nullptr);
    for (const auto& [entry, bytes] : entries) {
      zip_source_t* source = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
      EXPECT_GE(zip_file_add(archive, entry.c_str(), source, ZIP_FL_ENC_UTF_8), 0);
    }
    EXPECT_EQ(zip_close(archive), 0);  // reads the buffers, still alive here
    return path;
  }

  size_t Count(const std::vector<std::string>& list_args, const char* field) {
    json list = IcrJson(list_args);
    return list[field].size();
  }
};

}  // namespace icr

#endif  // ICR_TESTS_REFI_REFI_CLI_FIXTURE_H_
