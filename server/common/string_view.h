#ifndef ICR_SERVER_COMMON_STRING_VIEW_H_
#define ICR_SERVER_COMMON_STRING_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace icr {

// Debian's Abseil is built with its own string_view type, so a
// std::string_view must be converted before it meets absl::StrCat.
inline absl::string_view AbslView(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

}  // namespace icr

#endif  // ICR_SERVER_COMMON_STRING_VIEW_H_
