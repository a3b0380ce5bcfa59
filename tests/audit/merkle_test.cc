// The Merkle tree against a straightforward reference: the recursive
// definitions of RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (PROOF)
// written out over the list of leaves, for every tree size up to 200.

#include "server/audit/merkle.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/audit/hash.h"

namespace icr::audit {
namespace {

using Leaves = std::vector<std::string>;  // event bytes

int64_t K(int64_t n) {
  int64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Leaves Slice(const Leaves& d, int64_t begin, int64_t end) {
  return Leaves(d.begin() + begin, d.begin() + end);
}

std::string RefMth(const Leaves& d) {
  if (d.empty()) return Sha256("");
  if (d.size() == 1) return Sha256(std::string(1, '\0') + d[0]);
  const int64_t k = K(d.size());
  return Sha256(std::string(1, '\1') + RefMth(Slice(d, 0, k)) + RefMth(Slice(d, k, d.size())));
}

std::vector<std::string> RefPath(int64_t m, const Leaves& d) {
  if (d.size() <= 1) return {};
  const int64_t n = d.size(), k = K(n);
  std::vector<std::string> path;
  if (m < k) {
    path = RefPath(m, Slice(d, 0, k));
    path.push_back(RefMth(Slice(d, k, n)));
  } else {
    path = RefPath(m - k, Slice(d, k, n));
    path.push_back(RefMth(Slice(d, 0, k)));
  }
  return path;
}

std::vector<std::string> RefSubproof(int64_t m, const Leaves& d, bool b) {
  const int64_t n = d.size();
  if (m == n) return b ? std::vector<std::string>{} : std::vector<std::string>{RefMth(d)};
  const int64_t k = K(n);
  std::vector<std::string> proof;
  if (m <= k) {
    proof = RefSubproof(m, Slice(d, 0, k), b);
    proof.push_back(RefMth(Slice(d, k, n)));
  } else {
    proof = RefSubproof(m - k, Slice(d, k, n), false);
    proof.push_back(RefMth(Slice(d, 0, k)));
  }
  return proof;
}

constexpr int kMaxSize = 200;

class MerkleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < kMaxSize; ++i) {
      leaves_.push_back("event " + std::to_string(i) + std::string(i % 7, 'x'));
      tree_.AppendLeafHash(LeafHash(leaves_.back()));
    }
  }
  Leaves leaves_;
  MerkleTree tree_;
};

TEST(MerkleHashing, Rfc6962Prefixes) {
  EXPECT_EQ(HexEncode(EmptyTreeHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // Leaf and node hashes differ by their prefix byte only.
  EXPECT_EQ(LeafHash("abc"), Sha256(std::string("\0abc", 4)));
  EXPECT_EQ(NodeHash("l", "r"), Sha256("\1lr"));
  EXPECT_NE(LeafHash(std::string(64, 'a')), NodeHash(std::string(32, 'a'), std::string(32, 'a')));
}

TEST_F(MerkleTest, RootOfEverySizeMatchesTheReference) {
  for (int n = 0; n <= kMaxSize; ++n) {
    SCOPED_TRACE(n);
    EXPECT_EQ(*tree_.RootHash(n), RefMth(Slice(leaves_, 0, n)));
  }
  EXPECT_FALSE(tree_.RootHash(kMaxSize + 1).ok());
  EXPECT_FALSE(tree_.RootHash(-1).ok());
}

TEST_F(MerkleTest, InclusionProofsMatchTheReferenceAndVerify) {
  for (int n = 1; n <= kMaxSize; ++n) {
    const std::string root = RefMth(Slice(leaves_, 0, n));
    const Leaves d = Slice(leaves_, 0, n);
    for (int m = 0; m < n; ++m) {
      SCOPED_TRACE(testing::Message() << "leaf " << m << " of " << n);
      auto proof = tree_.InclusionProof(m, n);
      ASSERT_TRUE(proof.ok()) << proof.status();
      ASSERT_EQ(*proof, RefPath(m, d));
      const std::string leaf = LeafHash(leaves_[m]);
      ASSERT_TRUE(VerifyInclusion(m, n, leaf, *proof, root));
      // A wrong leaf, a wrong index, a damaged or shortened proof fail.
      ASSERT_FALSE(VerifyInclusion(m, n, LeafHash("other"), *proof, root));
      if (n > 1) ASSERT_FALSE(VerifyInclusion((m + 1) % n, n, leaf, *proof, root));
      if (!proof->empty()) {
        auto damaged = *proof;
        damaged.back()[0] ^= 1;
        ASSERT_FALSE(VerifyInclusion(m, n, leaf, damaged, root));
        damaged = *proof;
        damaged.pop_back();
        ASSERT_FALSE(VerifyInclusion(m, n, leaf, damaged, root));
      }
      auto longer = *proof;
      longer.push_back(std::string(32, 'z'));
      ASSERT_FALSE(VerifyInclusion(m, n, leaf, longer, root));
    }
  }
  EXPECT_FALSE(tree_.InclusionProof(5, 5).ok());
  EXPECT_FALSE(tree_.InclusionProof(0, kMaxSize + 1).ok());
}

TEST_F(MerkleTest, ConsistencyProofsMatchTheReferenceAndVerify) {
  std::vector<std::string> roots;
  for (int n = 0; n <= kMaxSize; ++n) roots.push_back(RefMth(Slice(leaves_, 0, n)));
  for (int n = 1; n <= kMaxSize; ++n) {
    const Leaves d = Slice(leaves_, 0, n);
    for (int m = 1; m <= n; ++m) {
      SCOPED_TRACE(testing::Message() << m << " -> " << n);
      auto proof = tree_.ConsistencyProof(m, n);
      ASSERT_TRUE(proof.ok()) << proof.status();
      ASSERT_EQ(*proof, m == n ? std::vector<std::string>{} : RefSubproof(m, d, true));
      ASSERT_TRUE(VerifyConsistency(m, n, roots[m], roots[n], *proof));
      if (m < n) {
        // A rewritten old tree (another root of the same size) fails, as do a
        // wrong new root and a damaged proof.
        ASSERT_FALSE(VerifyConsistency(m, n, LeafHash("forged"), roots[n], *proof));
        ASSERT_FALSE(VerifyConsistency(m, n, roots[m], roots[n - 1], *proof));
        for (size_t i = 0; i < proof->size(); ++i) {
          auto damaged = *proof;
          damaged[i][5] ^= 0x40;
          ASSERT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], damaged)) << "node " << i;
        }
        ASSERT_FALSE(VerifyConsistency(m, n, roots[m], roots[n], {}));
      }
    }
  }
  EXPECT_TRUE(tree_.ConsistencyProof(0, 7)->empty());
  EXPECT_FALSE(tree_.ConsistencyProof(8, 7).ok());
  EXPECT_FALSE(VerifyConsistency(3, 3, roots[3], roots[4], {}));
}

TEST_F(MerkleTest, HistoricalRootsDoNotChangeAsTheTreeGrows) {
  MerkleTree growing;
  std::vector<std::string> seen;
  for (int n = 0; n < 70; ++n) {
    seen.push_back(*growing.RootHash(n));
    growing.AppendLeafHash(LeafHash(leaves_[n]));
    for (int m = 0; m <= n; ++m) ASSERT_EQ(*growing.RootHash(m), seen[m]) << m << " at " << n;
  }
}

}  // namespace
}  // namespace icr::audit
