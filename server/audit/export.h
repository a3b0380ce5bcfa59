#ifndef ICR_SERVER_AUDIT_EXPORT_H_
#define ICR_SERVER_AUDIT_EXPORT_H_

// The audit export (JSON Lines) and its offline verification (DESIGN §5).
// No gRPC, no server: `icr audit verify` runs this with only the file and the
// server's public key.
//
// An export is one JSON object per line: every event of one project, in seq
// order, then the signed tree head covering exactly those events.
//
//   {"type":"event", "project":"p", "seq":1,
//    "event_bytes":"<base64 of the serialized AuditEvent, as stored>",
//    "prev_hash":"<hex>", "hash":"<hex SHA-256(prev_hash || event bytes)>",
//    "leaf_hash":"<hex SHA-256(0x00 || event bytes)>",
//    "event":{<the AuditEvent in protobuf's JSON mapping, for reading>}}
//   {"type":"head", "format":"icr.tree_head.v1", "project":"p",
//    "tree_size":N, "timestamp_ms":T, "time":"<RFC 3339 of T>",
//    "root_hash":"<hex>", "signature":"<hex Ed25519 signature>",
//    "signature_algorithm":"Ed25519", "key_id":"<hex SHA-256 of the raw key>"}
//
// Only event_bytes and the head's signed fields are trusted; every other
// field is recomputed from them and must agree.

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "server/audit/signing.h"

namespace icr::audit {

struct SignedTreeHead {
  TreeHead head;
  std::string signature;  // 64 bytes
  std::string key_id;     // hex
};

// The fields of an AuditEvent the verifier needs, read from its bytes (a
// minimal protobuf wire-format reader: seq is field 3, project field 2,
// prev_hash field 11; see proto/icr/v1/resources.proto).
struct EventHeader {
  std::string project;
  int64_t seq = 0;
  std::string prev_hash;
};
absl::StatusOr<EventHeader> ReadEventHeader(std::string_view event_bytes);

// Export lines. `event_json` is the decoded event for readers (may be null).
nlohmann::json EventLine(std::string_view project, int64_t seq, std::string_view event_bytes,
                         std::string_view prev_hash, std::string_view hash,
                         const nlohmann::json& event_json);
nlohmann::json HeadLine(const SignedTreeHead& head);

// A head line back. INVALID_ARGUMENT naming the field when malformed.
absl::StatusOr<SignedTreeHead> HeadFromJson(const nlohmann::json& line);

// Checks a head's signature with `key`.
bool VerifyHeadSignature(const SignedTreeHead& head, const PublicKey& key);

struct VerifyOptions {
  // A head the reviewer kept from earlier: the export must extend it (its
  // first tree_size events must have the same Merkle root).
  std::optional<SignedTreeHead> old_head;
  // When set, each line's "event" must equal decode(event_bytes).
  std::function<absl::StatusOr<nlohmann::json>(std::string_view event_bytes)> decode;
};

struct VerifiedExport {
  SignedTreeHead head;
  int64_t events = 0;
};

// Verifies an export read from `in`: every line parses; event n has seq n,
// the project of the head, prev_hash equal to event n-1's chain hash (32 zero
// bytes for event 1); every hash field agrees with the bytes; exactly one
// head, last, covering every event; the recomputed Merkle root equals the
// head's; the signature verifies with `key`; and the old head, if given, is
// validly signed and its root equals the root of the export's first
// old.tree_size events (RFC 9162 consistency, checked from the leaves).
//
// Errors: INVALID_ARGUMENT for a malformed file (not JSON, a truncated line,
// a missing field: input the verifier cannot read), DATA_LOSS for a file
// that reads but does not verify. Either message starts with the line and,
// where there is one, the first event that does not verify: "line 7 (event
// 7): ...".
absl::StatusOr<VerifiedExport> VerifyExport(std::istream& in, const PublicKey& key,
                                            const VerifyOptions& options);

std::string Base64Encode(std::string_view bytes);
bool Base64Decode(std::string_view text, std::string* bytes);

}  // namespace icr::audit

#endif  // ICR_SERVER_AUDIT_EXPORT_H_
