#include "server/audit/merkle.h"

#include <openssl/evp.h>

#include "absl/strings/str_cat.h"
#include "server/audit/hash.h"

namespace icr::audit {
namespace {

std::string Digest(unsigned char prefix, std::string_view a, std::string_view b) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  EVP_DigestUpdate(context, &prefix, 1);
  EVP_DigestUpdate(context, a.data(), a.size());
  EVP_DigestUpdate(context, b.data(), b.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_MD_CTX_free(context);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

// The largest power of two smaller than n, for n > 1 (RFC 9162 §2.1.1's k).
int64_t SplitPoint(int64_t n) {
  int64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

bool IsPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

int Log2(int64_t n) {
  int level = 0;
  while ((int64_t{1} << level) < n) ++level;
  return level;
}

}  // namespace

std::string LeafHash(std::string_view event_bytes) { return Digest(0x00, event_bytes, {}); }

std::string NodeHash(std::string_view left, std::string_view right) {
  return Digest(0x01, left, right);
}

std::string EmptyTreeHash() { return Sha256(""); }

void MerkleTree::AppendLeafHash(std::string_view leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].append(leaf_hash.data(), kHashSize);
  ++size_;
  // Complete every node the new leaf finishes: while the newest node of a
  // level is a right child, its parent is now complete.
  int64_t index = size_ - 1;
  for (size_t level = 0; index % 2 == 1; ++level, index /= 2) {
    if (levels_.size() == level + 1) levels_.emplace_back();
    const char* right = Node(static_cast<int>(level), index);
    std::string parent = NodeHash(std::string_view(right - kHashSize, kHashSize),
                                  std::string_view(right, kHashSize));
    levels_[level + 1].append(parent);
  }
}

const char* MerkleTree::Node(int level, int64_t index) const {
  return levels_[level].data() + index * kHashSize;
}

std::string MerkleTree::SubtreeHash(int64_t begin, int64_t end) const {
  const int64_t n = end - begin;
  if (n == 0) return EmptyTreeHash();
  if (IsPowerOfTwo(n)) {
    const int level = Log2(n);
    return std::string(Node(level, begin >> level), kHashSize);
  }
  const int64_t k = SplitPoint(n);
  return NodeHash(SubtreeHash(begin, begin + k), SubtreeHash(begin + k, end));
}

absl::StatusOr<std::string> MerkleTree::RootHash(int64_t tree_size) const {
  if (tree_size < 0 || tree_size > size_) {
    return absl::OutOfRangeError(
        absl::StrCat("tree size ", tree_size, " is outside the log's 0..", size_));
  }
  return SubtreeHash(0, tree_size);
}

absl::StatusOr<std::string> MerkleTree::LeafHashAt(int64_t index) const {
  if (index < 0 || index >= size_) {
    return absl::OutOfRangeError(
        absl::StrCat("leaf ", index, " is outside the log's 0..", size_ - 1));
  }
  return std::string(Node(0, index), kHashSize);
}

absl::StatusOr<std::vector<std::string>> MerkleTree::InclusionProof(int64_t index,
                                                                    int64_t tree_size) const {
  if (tree_size < 1 || tree_size > size_) {
    return absl::OutOfRangeError(
        absl::StrCat("tree size ", tree_size, " is outside the log's 1..", size_));
  }
  if (index < 0 || index >= tree_size) {
    return absl::OutOfRangeError(
        absl::StrCat("leaf ", index, " is not in a tree of ", tree_size, " leaves"));
  }
  // PATH(m, D[n]) (RFC 9162 §2.1.3.1), unrolled from the root down; the
  // siblings are collected root first and returned leaf first.
  std::vector<std::string> proof;
  int64_t begin = 0, end = tree_size, m = index;
  while (end - begin > 1) {
    const int64_t k = SplitPoint(end - begin);
    if (m < k) {
      proof.push_back(SubtreeHash(begin + k, end));
      end = begin + k;
    } else {
      proof.push_back(SubtreeHash(begin, begin + k));
      begin += k;
      m -= k;
    }
  }
  return std::vector<std::string>(proof.rbegin(), proof.rend());
}

void MerkleTree::SubProof(int64_t m, int64_t begin, int64_t end, bool complete,
                          std::vector<std::string>& proof) const {
  // SUBPROOF(m, D[n], b) of RFC 9162 §2.1.4.1 over D[begin:end].
  const int64_t n = end - begin;
  if (m == n) {
    if (!complete) proof.push_back(SubtreeHash(begin, end));
    return;
  }
  const int64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(m, begin, begin + k, complete, proof);
    proof.push_back(SubtreeHash(begin + k, end));
  } else {
    SubProof(m - k, begin + k, end, false, proof);
    proof.push_back(SubtreeHash(begin, begin + k));
  }
}

absl::StatusOr<std::vector<std::string>> MerkleTree::ConsistencyProof(int64_t old_size,
                                                                      int64_t new_size) const {
  if (new_size < 0 || new_size > size_) {
    return absl::OutOfRangeError(
        absl::StrCat("tree size ", new_size, " is outside the log's 0..", size_));
  }
  if (old_size < 0 || old_size > new_size) {
    return absl::OutOfRangeError(
        absl::StrCat("old tree size ", old_size, " is outside 0..", new_size));
  }
  std::vector<std::string> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  SubProof(old_size, 0, new_size, true, proof);
  return proof;
}

bool VerifyInclusion(int64_t index, int64_t tree_size, std::string_view leaf_hash,
                     const std::vector<std::string>& proof, std::string_view root_hash) {
  // RFC 9162 §2.1.3.2, step by step.
  if (index < 0 || index >= tree_size) return false;
  uint64_t fn = static_cast<uint64_t>(index);
  uint64_t sn = static_cast<uint64_t>(tree_size - 1);
  std::string r(leaf_hash);
  for (const std::string& p : proof) {
    if (p.size() != kHashSize || sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        while (fn != 0 && (fn & 1) == 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root_hash;
}

bool VerifyConsistency(int64_t old_size, int64_t new_size, std::string_view old_root,
                       std::string_view new_root, const std::vector<std::string>& proof) {
  // RFC 9162 §2.1.4.2, step by step, with its two trivial cases first.
  if (old_size < 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (old_size == 0) return proof.empty();
  if (proof.empty()) return false;
  for (const std::string& c : proof) {
    if (c.size() != kHashSize) return false;
  }
  std::vector<std::string> path;
  if (IsPowerOfTwo(old_size)) path.emplace_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = static_cast<uint64_t>(old_size - 1);
  uint64_t sn = static_cast<uint64_t>(new_size - 1);
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr = path[0];
  std::string sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const std::string& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if ((fn & 1) == 0) {
        while (fn != 0 && (fn & 1) == 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

}  // namespace icr::audit
