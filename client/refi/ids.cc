#include "client/refi/ids.h"

#include <openssl/sha.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace icr::refi {

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char byte : digest) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0xF];
  }
  return hex;
}

std::string DerivedGuid(std::string_view key) {
  std::string hex = absl::AsciiStrToUpper(Sha256Hex(key).substr(0, 32));
  hex[12] = '5';                                                    // version nibble
  hex[16] = "89AB"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];  // RFC 4122 variant
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20, 12));
}

std::string CodeGuid(std::string_view code_id) {
  return DerivedGuid(absl::StrCat("icr:code:", absl::string_view(code_id.data(), code_id.size())));
}

std::string UserGuid(std::string_view user_id) {
  return DerivedGuid(absl::StrCat("icr:user:", absl::string_view(user_id.data(), user_id.size())));
}

namespace {

// Latin letters with accents and ligatures as their ASCII spelling ("é" ->
// "e", "ß" -> "ss", "Æ" -> "AE"); other scripts stay as they are (and are
// then dropped by Slug, which falls back to a guid-based id).
std::string LatinToAscii(std::string_view text) {
  thread_local std::unique_ptr<icu::Transliterator> transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> made(icu::Transliterator::createInstance(
        "NFD; [:Nonspacing Mark:] Remove; NFC; Latin-ASCII", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) made.reset();
    return made;
  }();
  if (transliterator == nullptr) return std::string(text);
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  transliterator->transliterate(unicode);
  std::string out;
  unicode.toUTF8String(out);
  return out;
}

}  // namespace

std::string Slug(std::string_view original) {
  const std::string ascii = LatinToAscii(original);
  std::string_view name = ascii;
  std::string slug;
  bool dash = false;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(u) || c == '_') {
      if (dash && !slug.empty()) slug += '-';
      dash = false;
      slug += static_cast<char>(absl::ascii_tolower(u));
    } else {
      dash = true;
    }
  }
  while (!slug.empty() && slug.front() == '_') slug.erase(0, 1);
  if (slug.size() > 63) slug.resize(63);
  while (!slug.empty() && (slug.back() == '-' || slug.back() == '_')) slug.pop_back();
  return slug;
}

std::string UniqueId(std::string_view name, std::string_view fallback,
                     const std::function<bool(const std::string&)>& taken) {
  std::string base = Slug(name);
  if (base.empty()) base = Slug(fallback);
  if (base.empty()) base = "x";
  if (!taken(base)) return base;
  for (int n = 2;; ++n) {
    std::string suffix = absl::StrCat("-", n);
    std::string candidate = base.substr(0, 63 - suffix.size());
    candidate.append(suffix);
    if (!taken(candidate)) return candidate;
  }
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (!absl::ascii_isalnum(static_cast<unsigned char>(id.front()))) return false;
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (!(absl::ascii_isdigit(u) || (c >= 'a' && c <= 'z') || c == '_' || c == '-')) return false;
  }
  return true;
}

}  // namespace icr::refi
