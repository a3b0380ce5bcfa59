#ifndef ICR_TESTS_TESTING_TEMP_DIR_H_
#define ICR_TESTS_TESTING_TEMP_DIR_H_

// A fresh directory under the system's temp dir, removed with its contents
// when the object goes.

#include <cstdlib>
#include <filesystem>
#include <string>

namespace icr::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "icr-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace icr::testing

#endif  // ICR_TESTS_TESTING_TEMP_DIR_H_
