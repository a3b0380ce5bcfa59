#ifndef ICR_TESTS_AGREEMENT_TEST_SUPPORT_H_
#define ICR_TESTS_AGREEMENT_TEST_SUPPORT_H_

// What the agreement tests share: reliability data from a vector file's
// {"coders", "units", "values"} object, the named cases of a published
// examples file, and running an independent python3 implementation on a JSON
// file of cases.

#include <cctype>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/agreement/reliability_data.h"

namespace icr::agreement::testing_support {

inline std::string Label(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// values[c][u] is coder c's value for unit u, null for missing.
inline ReliabilityData DataOf(const nlohmann::json& data) {
  std::vector<std::string> coders, units;
  for (const nlohmann::json& c : data["coders"]) coders.push_back(Label(c));
  for (const nlohmann::json& u : data["units"]) units.push_back(Label(u));
  ReliabilityData out(units, coders);
  for (size_t c = 0; c < coders.size(); ++c) {
    for (size_t u = 0; u < units.size(); ++u) {
      const nlohmann::json& v = data["values"][c][u];
      if (!v.is_null()) out.set_value(u, c, out.InternValue(Label(v)));
    }
  }
  return out;
}

// A case of a published examples file: {"cases": [{"name": ..., ...}]}.
struct PublishedCase {
  std::string name;
  nlohmann::json body;
};
inline void PrintTo(const PublishedCase& p, std::ostream* os) { *os << p.name; }

// The whole JSON file `file` of tests/data; a missing file fails the test
// (and gives an empty object).
inline nlohmann::json LoadTestData(const std::string& file) {
  std::ifstream in(std::string(ICR_TEST_DATA_DIR) + "/" + file);
  if (!in) {
    ADD_FAILURE() << "cannot read " << file;
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(in);
}

inline std::vector<PublishedCase> LoadPublishedCases(const std::string& file) {
  std::vector<PublishedCase> out;
  const nlohmann::json doc = LoadTestData(file);
  if (!doc.contains("cases")) return out;
  for (const nlohmann::json& c : doc["cases"]) out.push_back({c["name"], c});
  return out;
}

// A parameterized test's name from a case's: every character that is not a
// letter or a digit becomes '_', as gtest requires.
inline std::string ParamName(std::string name) {
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}
inline std::string PublishedCaseName(const ::testing::TestParamInfo<PublishedCase>& info) {
  return ParamName(info.param.name);
}

// Writes `cases` to a temporary file, runs `script` (in
// ICR_AGREEMENT_TEST_DIR) on it with python3 and returns what it printed;
// a failing script fails the test with its output.
inline std::string RunPython(const std::string& script, const nlohmann::json& cases) {
  const std::string input = ::testing::TempDir() + script + ".cases.json";
  std::ofstream(input) << cases.dump();
  const std::string command = std::string("/usr/bin/python3 ") + ICR_AGREEMENT_TEST_DIR + "/" +
                              script + " " + input + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string output;
  char buffer[1 << 16];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << script
                             << " failed (python3 with nltk, statsmodels, sklearn and numpy is "
                                "required):\n"
                             << output;
  return output;
}

}  // namespace icr::agreement::testing_support

#endif  // ICR_TESTS_AGREEMENT_TEST_SUPPORT_H_
