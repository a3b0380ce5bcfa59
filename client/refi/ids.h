#ifndef ICR_CLIENT_REFI_IDS_H_
#define ICR_CLIENT_REFI_IDS_H_

// Names across the REFI-QDA boundary: icr ids ([a-z0-9_-]{1,63}, starting
// with a letter or digit) made from REFI names, and REFI GUIDs made from icr
// ids, both stable so that a re-import or a re-export finds the same thing.

#include <functional>
#include <string>
#include <string_view>

namespace icr::refi {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

// A GUID (8-4-4-4-12 upper-case hex, RFC 4122 variant) derived from `key`
// by SHA-256: the same key always gives the same GUID.
std::string DerivedGuid(std::string_view key);

// The GUID icr gives a code, user or document that has none of its own.
std::string CodeGuid(std::string_view code_id);
std::string UserGuid(std::string_view user_id);

// `name` as an icr id: Latin letters transliterated to ASCII with ICU
// ("émotions.joie" -> "emotions-joie", "Barrières" -> "barrieres"), ASCII
// letters and digits lower-cased, runs of other characters as one '-',
// trimmed, at most 63 characters. Empty when nothing
// usable is left (a name in another script): use `fallback` then.
std::string Slug(std::string_view name);

// Slug(name) (or `fallback` when that is empty), made unique with a "-2",
// "-3", ... suffix against `taken`.
std::string UniqueId(std::string_view name, std::string_view fallback,
                     const std::function<bool(const std::string&)>& taken);

// True when `id` is a valid icr id.
bool IsValidId(std::string_view id);

}  // namespace icr::refi

#endif  // ICR_CLIENT_REFI_IDS_H_
