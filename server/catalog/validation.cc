#include "server/catalog/validation.h"

#include "absl/strings/str_cat.h"
#include "server/common/string_view.h"
#include "server/text/utf8.h"

namespace icr::catalog {
absl::Status ValidateId(std::string_view field, std::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(AbslView(field), ": required"));
  if (value.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field), ": longer than ", kMaxIdLength, " characters"));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && !(i > 0 && (c == '-' || c == '_'))) {
      return absl::InvalidArgumentError(absl::StrCat(
          AbslView(field), ": \"", AbslView(value),
          "\" must be lower-case letters, digits, '-' or '_', starting with a letter or digit"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateText(std::string_view field, std::string_view value, size_t max_bytes) {
  if (value.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(AbslView(field), ": longer than ", max_bytes, " bytes"));
  }
  if (!text::IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(AbslView(field), ": not valid UTF-8"));
  }
  return absl::OkStatus();
}

absl::Status ValidateName(std::string_view field, std::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat(AbslView(field), ": required"));
  return ValidateText(field, value, kMaxNameLength);
}

absl::Status ValidateRequestId(std::string_view value) {
  if (value.size() > 128) {
    return absl::InvalidArgumentError("request_id: longer than 128 characters");
  }
  for (char c : value) {
    if (c < 0x21 || c > 0x7E) {
      return absl::InvalidArgumentError("request_id: only printable ASCII is allowed");
    }
  }
  return absl::OkStatus();
}

}  // namespace icr::catalog
