#ifndef ICR_SERVER_CATALOG_VALIDATION_H_
#define ICR_SERVER_CATALOG_VALIDATION_H_

// Input checks shared by every mutation. Each error is INVALID_ARGUMENT (or
// RESOURCE_EXHAUSTED for sizes) and names the field, so a user can tell what
// to fix.

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"

namespace icr::catalog {

inline constexpr size_t kMaxIdLength = 63;
inline constexpr size_t kMaxNameLength = 200;
inline constexpr size_t kMaxTextFieldLength = 20000;  // definitions, criteria

// An identifier: 1 to 63 characters of [a-z0-9_-], starting with a letter or
// a digit.
absl::Status ValidateId(std::string_view field, std::string_view value);

// A required human-readable name: non-empty, UTF-8, at most kMaxNameLength
// bytes.
absl::Status ValidateName(std::string_view field, std::string_view value);

// Optional free text: UTF-8, at most `max_bytes`.
absl::Status ValidateText(std::string_view field, std::string_view value,
                          size_t max_bytes = kMaxTextFieldLength);

// An optional request_id: empty, or at most 128 printable ASCII characters.
absl::Status ValidateRequestId(std::string_view value);

}  // namespace icr::catalog

#endif  // ICR_SERVER_CATALOG_VALIDATION_H_
