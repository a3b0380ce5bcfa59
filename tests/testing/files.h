#ifndef ICR_TESTS_TESTING_FILES_H_
#define ICR_TESTS_TESTING_FILES_H_

#include <fstream>
#include <sstream>
#include <string>

namespace icr::testing {

// The whole content of the file at `path` ("" when it cannot be read).
inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace icr::testing

#endif  // ICR_TESTS_TESTING_FILES_H_
