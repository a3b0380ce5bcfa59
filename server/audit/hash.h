#ifndef ICR_SERVER_AUDIT_HASH_H_
#define ICR_SERVER_AUDIT_HASH_H_

// SHA-256 (OpenSSL) and the audit hash chain of DESIGN §5. Shared by the
// server, which builds the chain, and the client, which verifies it offline.

#include <string>
#include <string_view>

namespace icr::audit {

inline constexpr size_t kHashSize = 32;

// The 32-byte SHA-256 digest of `data`.
std::string Sha256(std::string_view data);

// Lower-case hex of arbitrary bytes, and back (empty optional-like: returns
// false on a malformed string).
std::string HexEncode(std::string_view bytes);
bool HexDecode(std::string_view hex, std::string* bytes);

// Hash that links an event into its chain: SHA-256(prev_hash || event_bytes),
// over the event bytes exactly as stored (never re-serialized).
std::string ChainHash(std::string_view prev_hash, std::string_view event_bytes);

// The prev_hash of a chain's first event: 32 zero bytes.
std::string GenesisHash();

}  // namespace icr::audit

#endif  // ICR_SERVER_AUDIT_HASH_H_
