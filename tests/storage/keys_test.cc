#include "server/storage/keys.h"

#include <algorithm>
#include <vector>

#include "gtest/gtest.h"

namespace icr::storage {
namespace {

TEST(KeysTest, EventKeysOrderNumerically) {
  // Fixed-width big-endian: byte order is numeric order, across the byte
  // boundaries where decimal or little-endian encodings would misorder.
  std::vector<int64_t> seqs = {1, 2, 9, 10, 255, 256, 257, 65535, 65536, int64_t{1} << 40};
  std::vector<std::string> keys;
  for (int64_t seq : seqs) keys.push_back(EventKey("p1", seq));
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  for (size_t i = 0; i < seqs.size(); ++i) {
    EXPECT_EQ(ReadBigEndian64(std::string_view(keys[i]).substr(EventPrefix("p1").size())),
              static_cast<uint64_t>(seqs[i]));
  }
}

TEST(KeysTest, ProjectsAreDisjointPrefixes) {
  // "p1" must not be a prefix scan of "p10": the separator ends the id.
  EXPECT_NE(CodeKey("p10", "a").rfind(ProjectScopedPrefix("code", "p1"), 0), 0u);
  EXPECT_EQ(CodeKey("p1", "a").rfind(ProjectScopedPrefix("code", "p1"), 0), 0u);
  EXPECT_NE(EventKey("p10", 1).rfind(EventPrefix("p1"), 0), 0u);
}

TEST(KeysTest, KindsOfOneProjectSortTogether) {
  EXPECT_LT(CodeKey("p", "a"), CodeKey("p", "b"));
  EXPECT_LT(MemberKey("p", "alice"), MemberKey("p", "bob"));
  EXPECT_LT(RoundKey("a", "r9"), RoundKey("b", "r1"));
}

}  // namespace
}  // namespace icr::storage
