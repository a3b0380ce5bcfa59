#ifndef ICR_SERVER_STORAGE_KEYS_H_
#define ICR_SERVER_STORAGE_KEYS_H_

// Key layout (DESIGN §4). Keys are ordered strings built from resource ids
// ([a-z0-9_-], so "/" never occurs inside one) with fixed-width big-endian
// sequence numbers, so every project, kind or chain is one prefix scan in
// its natural order.
//
//   metadata CF     user/{user}                 User
//                   token/{sha256 hex}          TokenRecord
//                   project/{p}                 Project
//                   member/{p}/{user}           Member
//                   code/{p}/{code}             Code
//                   domain/{p}/{domain}         Domain
//                   document/{p}/{doc}          Document (without text)
//                   round/{p}/{round}           Round
//   texts CF        {sha256 hex}                document text, stored once
//   events CF       {chain}/{seq: 8 bytes BE}   StoredEvent
//   idempotency CF  {actor}/{request_id}        IdempotencyRecord
//   codings CF      c/{p}/{r}/{seq: 8 bytes BE}          Coding
//                   x/{p}/{r}/{coder}/{seq: 8 bytes BE}  "" (index by coder)
//                   n/{p}/{r}                            last seq (8 bytes BE)
//                   r/{p}/{r}/{disagreement id}          Resolution (agreement.proto)
//                   p/{p}/{r}/{coder}/{document}         DocumentProgress

#include <cstdint>
#include <string>
#include <string_view>

namespace icr::storage {

// The audit chain of server-level mutations (users, tokens). Project ids
// start with a letter or digit, so it cannot clash with one.
inline constexpr std::string_view kServerChain = "_server";

std::string UserKey(std::string_view user);
std::string TokenKey(std::string_view token_sha256_hex);
std::string ProjectKey(std::string_view project);
std::string MemberKey(std::string_view project, std::string_view user);
std::string CodeKey(std::string_view project, std::string_view code);
std::string DomainKey(std::string_view project, std::string_view domain);
std::string DocumentKey(std::string_view project, std::string_view document);
std::string RoundKey(std::string_view project, std::string_view round);
std::string EventKey(std::string_view chain, int64_t seq);
std::string IdempotencyKey(std::string_view actor, std::string_view request_id);

// Codings of a round (see the layout above).
std::string CodingKey(std::string_view project, std::string_view round, int64_t seq);
std::string CodingPrefix(std::string_view project, std::string_view round);
std::string CoderIndexKey(std::string_view project, std::string_view round,
                          std::string_view coder, int64_t seq);
std::string CoderIndexPrefix(std::string_view project, std::string_view round,
                             std::string_view coder);
std::string CodingCounterKey(std::string_view project, std::string_view round);
// Resolutions of a round's disagreements, one key per disagreement id.
std::string ResolutionKey(std::string_view project, std::string_view round,
                          std::string_view disagreement);
std::string ResolutionPrefix(std::string_view project, std::string_view round);
// A coder's progress on one document of a round.
std::string ProgressKey(std::string_view project, std::string_view round, std::string_view coder,
                        std::string_view document);
std::string ProgressPrefix(std::string_view project, std::string_view round);

// The prefix of every key of one kind within a project: "code/{p}/".
std::string ProjectScopedPrefix(std::string_view kind, std::string_view project);
// The prefix of one chain's events: "{chain}/".
std::string EventPrefix(std::string_view chain);

// Fixed-width big-endian encoding: byte order equals numeric order.
void AppendBigEndian64(std::string& out, uint64_t value);
uint64_t ReadBigEndian64(std::string_view bytes);

}  // namespace icr::storage

#endif  // ICR_SERVER_STORAGE_KEYS_H_
