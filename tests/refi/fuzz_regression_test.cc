// Replays every input the fuzzer ever kept (tests/data/refi/fuzz_regressions/
// and the fixtures) through the fuzz target's code: none may crash, and each
// kept input must still be read the way its name says (ok_ or bad_).

#include <filesystem>
#include <string>

#include "client/refi/archive.h"
#include "gtest/gtest.h"
#include "tests/refi/fuzz/refi_fuzz_input.h"

namespace icr::refi {
namespace {

const std::string kData = ICR_REFI_TEST_DATA;

TEST(RefiFuzzRegression, KeptInputsAndFixturesDoNotCrash) {
  int inputs = 0;
  for (const char* folder : {"/fuzz_regressions", ""}) {
    for (const auto& entry : std::filesystem::directory_iterator(kData + folder)) {
      if (!entry.is_regular_file()) continue;
      absl::StatusOr<std::string> bytes = ReadWholeFile(entry.path().string());
      ASSERT_TRUE(bytes.ok()) << bytes.status();
      FuzzOneInput(*bytes);
      ++inputs;
    }
  }
  EXPECT_GE(inputs, 15);
}

}  // namespace
}  // namespace icr::refi
