#include "server/http/web_security.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/audit/hash.h"
#include "server/common/string_view.h"

namespace icr::http {

std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name) {
  for (absl::string_view pair : absl::StrSplit(AbslView(cookie_header), ';')) {
    pair = absl::StripAsciiWhitespace(pair);
    const size_t equals = pair.find('=');
    if (equals == absl::string_view::npos) continue;
    if (pair.substr(0, equals) == AbslView(name)) return std::string(pair.substr(equals + 1));
  }
  return std::nullopt;
}

std::string SessionCookie(std::string_view secret, absl::Duration max_age, bool secure) {
  return absl::StrCat(AbslView(kSessionCookie), "=", AbslView(secret),
                      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=",
                      std::max<int64_t>(0, absl::ToInt64Seconds(max_age)),
                      secure ? "; Secure" : "");
}

std::string ClearedSessionCookie(bool secure) {
  return absl::StrCat(AbslView(kSessionCookie), "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
                      secure ? "; Secure" : "");
}

std::optional<std::string> CsrfRefusal(const CsrfInput& input) {
  const bool reads = input.http_method == "GET" || input.http_method == "HEAD";
  if (!input.origin.empty() && input.origin != input.own_origin && !reads) {
    return absl::StrCat("cross-site request refused: Origin ", AbslView(input.origin),
                        " is not this server (", input.own_origin, ")");
  }
  if (input.by_cookie && !reads && !input.has_csrf_header) {
    return absl::StrCat(
        "cross-site request refused: a request made with the session cookie "
        "must send the ",
        AbslView(kCsrfHeader), " header");
  }
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> SecurityHeaders() {
  return {
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
       "base-uri 'none'; form-action 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  };
}

std::string TokenId(std::string_view secret) {
  return audit::HexEncode(audit::Sha256(secret)).substr(0, 16);
}

}  // namespace icr::http
