// Replays every input kept for the fuzz targets (tests/data/fuzz/<target>/:
// the seed corpus and each input that once crashed or broke an invariant)
// through the target's code: none may crash or abort.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/fuzz/fuzz_inputs.h"

namespace icr::fuzz {
namespace {

// Feeds every file of tests/data/fuzz/`target` to `input`; returns how many.
int Replay(const std::string& target, void (*input)(std::string_view)) {
  int replayed = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(ICR_FUZZ_DATA) + "/" + target)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    SCOPED_TRACE(entry.path().string());
    input(bytes.str());
    ++replayed;
  }
  return replayed;
}

TEST(FuzzRegression, StatsCsv) { EXPECT_GE(Replay("stats_csv", StatsCsvInput), 5); }
TEST(FuzzRegression, CodingCsv) { EXPECT_GE(Replay("coding_csv", CodingCsvInput), 5); }
TEST(FuzzRegression, Text) { EXPECT_GE(Replay("text", TextInput), 5); }
TEST(FuzzRegression, Request) { EXPECT_GE(Replay("request", RequestInput), 5); }

}  // namespace
}  // namespace icr::fuzz
