#ifndef ICR_SERVER_HTTP_WEB_SECURITY_H_
#define ICR_SERVER_HTTP_WEB_SECURITY_H_

// What a browser needs beyond the JSON mapping (DESIGN §11): the session
// cookie, the CSRF rule for requests made with it, and the headers every
// response carries.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace icr::http {

inline constexpr std::string_view kSessionCookie = "icr_session";
// The header the app sends on every request; a cross-site form or a plain
// cross-origin fetch cannot set it.
inline constexpr std::string_view kCsrfHeader = "X-ICR-CSRF";

// The value of cookie `name` in a Cookie header, if present.
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name);

// Set-Cookie values: the session (HttpOnly, SameSite=Strict, Secure under
// TLS, expiring after `max_age`), and one that clears it.
std::string SessionCookie(std::string_view secret, absl::Duration max_age, bool secure);
std::string ClearedSessionCookie(bool secure);

struct CsrfInput {
  std::string_view http_method;
  // The request authenticates with the session cookie (not a bearer header).
  bool by_cookie = false;
  bool has_csrf_header = false;
  // The Origin header, empty when absent.
  std::string_view origin;
  // The server's own origin as the request names it: "http://" + Host.
  std::string own_origin;
};

// OK, or the reason a state-changing request made with the cookie is refused.
std::optional<std::string> CsrfRefusal(const CsrfInput& input);

// Headers on every response: a strict Content-Security-Policy (nothing from
// another origin, no inline script), nosniff, no framing, no referrer.
std::vector<std::pair<std::string, std::string>> SecurityHeaders();

// The id RevokeToken names a token by: the first 16 hex digits of its SHA-256.
std::string TokenId(std::string_view secret);

}  // namespace icr::http

#endif  // ICR_SERVER_HTTP_WEB_SECURITY_H_
