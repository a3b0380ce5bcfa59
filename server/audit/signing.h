#ifndef ICR_SERVER_AUDIT_SIGNING_H_
#define ICR_SERVER_AUDIT_SIGNING_H_

// The server's Ed25519 key (RFC 8032, OpenSSL 3) and the signed tree head
// (DESIGN §5).
//
// Signed bytes, format "icr.tree_head.v1": exactly these bytes, in order, are
// signed with pure Ed25519 (no pre-hash, no context):
//
//   16 bytes  the ASCII text "icr.tree_head.v1"
//    2 bytes  length L of the chain id, unsigned big-endian
//    L bytes  the chain id (the project id) in UTF-8
//    8 bytes  tree size, unsigned big-endian
//    8 bytes  timestamp, milliseconds since 1970-01-01T00:00:00Z, unsigned
//             big-endian
//   32 bytes  the root hash (RFC 9162 MTH of the first `tree size` events)
//
// The version text comes first so a signature over another format, or over
// another kind of message, can never be mistaken for a tree head.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace icr::audit {

inline constexpr std::string_view kTreeHeadFormat = "icr.tree_head.v1";

struct TreeHead {
  std::string chain;      // project id
  int64_t tree_size = 0;  // number of events covered
  std::string root_hash;  // 32 bytes
  int64_t timestamp_ms = 0;
};

// The bytes a tree head's signature covers (see above).
std::string TreeHeadSignedBytes(const TreeHead& head);

// An Ed25519 public key, for verifying tree heads offline.
class PublicKey {
 public:
  // From a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) block. INVALID_ARGUMENT
  // when it is not an Ed25519 public key.
  static absl::StatusOr<PublicKey> FromPem(std::string_view pem);

  PublicKey(PublicKey&&) noexcept;
  PublicKey& operator=(PublicKey&&) noexcept;
  ~PublicKey();

  // True when `signature` is a valid Ed25519 signature of `message`.
  bool Verify(std::string_view message, std::string_view signature) const;

  // The 32 raw key bytes, and their hex SHA-256 (the key id printed beside
  // every signed head).
  std::string RawBytes() const;
  std::string KeyId() const;
  std::string Pem() const;

 private:
  struct Key;
  explicit PublicKey(std::unique_ptr<Key> key);
  std::unique_ptr<Key> key_;
};

// The server's private key.
class SigningKey {
 public:
  // A fresh random key.
  static absl::StatusOr<SigningKey> Generate();
  // From a PEM "PRIVATE KEY" (PKCS#8) block.
  static absl::StatusOr<SigningKey> FromPem(std::string_view pem);
  // The key in the PEM file `path`: NOT_FOUND when the file does not exist,
  // DATA_LOSS when it cannot be read or is not an Ed25519 private key (never
  // silently replaced).
  static absl::StatusOr<SigningKey> Load(const std::string& path);
  // Writes the private key to the new file `path` (ALREADY_EXISTS when it
  // exists; a symbolic link is not followed), mode 0600, and syncs the file
  // and its directory: once this returns, the key survives a power cut.
  absl::Status Save(const std::string& path) const;

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  // The 64-byte Ed25519 signature of `message`.
  std::string Sign(std::string_view message) const;
  const PublicKey& public_key() const { return public_key_; }
  std::string PrivateKeyPem() const;

 private:
  struct Key;
  SigningKey(std::unique_ptr<Key> key, PublicKey public_key);
  std::unique_ptr<Key> key_;
  PublicKey public_key_;
};

// Replaces `path` with `text` (mode `mode`) atomically: a temporary file,
// synced, renamed over `path`, then the directory synced.
absl::Status WriteFileDurably(const std::string& path, std::string_view text, mode_t mode);

// fsync of the directory `dir`, so the names created in it are durable.
absl::Status SyncDirectory(const std::string& dir);

}  // namespace icr::audit

#endif  // ICR_SERVER_AUDIT_SIGNING_H_
