#ifndef ICR_SERVER_AUDIT_MERKLE_H_
#define ICR_SERVER_AUDIT_MERKLE_H_

// The Merkle tree over a project's audit events (DESIGN §5), with the hashing,
// inclusion proofs and consistency proofs of RFC 9162 (Certificate
// Transparency 2.0), which keeps RFC 6962's tree:
//
//   leaf hash  = SHA-256(0x00 || event bytes)                 (RFC 9162 §2.1.1)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//   MTH(D[n])  = NodeHash(MTH(D[0:k]), MTH(D[k:n])), k the largest power of
//                two smaller than n.
//
// Leaf i (0-based) is the event with seq i + 1; "event bytes" are the
// serialized AuditEvent exactly as stored (never re-serialized). Pure C++ and
// OpenSSL: used by the server and by the offline verifier in the client.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace icr::audit {

// SHA-256(0x00 || data) and SHA-256(0x01 || left || right).
std::string LeafHash(std::string_view event_bytes);
std::string NodeHash(std::string_view left, std::string_view right);
// MTH of the empty tree: SHA-256 of no bytes.
std::string EmptyTreeHash();

// An append-only Merkle tree that keeps the hash of every complete subtree
// (every node whose leaves are all present): 2 hashes per leaf, 64 bytes of
// memory per event. Because complete nodes never change as the tree grows,
// the root of any earlier size and every proof are computed from them in
// O(log^2 n) hash operations, without touching the leaves' data.
// Not thread-safe; callers serialize access.
class MerkleTree {
 public:
  MerkleTree() = default;

  // Appends a leaf by its leaf hash (LeafHash of the event bytes).
  void AppendLeafHash(std::string_view leaf_hash);

  int64_t size() const { return size_; }

  // MTH(D[0:tree_size]) for 0 <= tree_size <= size(). RFC 9162 §2.1.1.
  absl::StatusOr<std::string> RootHash(int64_t tree_size) const;

  // The leaf hash of leaf `index`.
  absl::StatusOr<std::string> LeafHashAt(int64_t index) const;

  // PATH(index, D[0:tree_size]) of RFC 9162 §2.1.3.1: the audit path for leaf
  // `index` (0-based), leaf side first.
  absl::StatusOr<std::vector<std::string>> InclusionProof(int64_t index, int64_t tree_size) const;

  // PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1, for
  // 0 <= old_size <= new_size <= size(). Empty when old_size is 0 or equal to
  // new_size.
  absl::StatusOr<std::vector<std::string>> ConsistencyProof(int64_t old_size,
                                                            int64_t new_size) const;

 private:
  // MTH(D[begin:end]) for a range the RFC's recursions produce: `begin` is a
  // multiple of the largest power of two not above end - begin.
  std::string SubtreeHash(int64_t begin, int64_t end) const;
  const char* Node(int level, int64_t index) const;
  void SubProof(int64_t m, int64_t begin, int64_t end, bool complete,
                std::vector<std::string>& proof) const;

  int64_t size_ = 0;
  // levels_[k] holds the complete nodes of height k (2^k leaves), left to
  // right, as concatenated 32-byte hashes; levels_[0] holds the leaf hashes.
  std::vector<std::string> levels_;
};

// RFC 9162 §2.1.3.2: true when `proof` proves that `leaf_hash` is leaf
// `index` of the tree of `tree_size` leaves whose root is `root_hash`.
bool VerifyInclusion(int64_t index, int64_t tree_size, std::string_view leaf_hash,
                     const std::vector<std::string>& proof, std::string_view root_hash);

// RFC 9162 §2.1.4.2: true when `proof` proves that the tree of `old_size`
// leaves with root `old_root` is a prefix of the tree of `new_size` leaves
// with root `new_root`. old_size == new_size needs an empty proof and equal
// roots; old_size == 0 needs an empty proof (anything extends the empty tree).
bool VerifyConsistency(int64_t old_size, int64_t new_size, std::string_view old_root,
                       std::string_view new_root, const std::vector<std::string>& proof);

}  // namespace icr::audit

#endif  // ICR_SERVER_AUDIT_MERKLE_H_
