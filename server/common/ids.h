#ifndef ICR_SERVER_COMMON_IDS_H_
#define ICR_SERVER_COMMON_IDS_H_

#include <cstdint>
#include <string_view>

namespace icr {

// A decimal sequence id ("1", "42") as a positive number, or -1 for text
// that is not one (empty, not digits, past 18 digits).
inline int64_t ParseDecimalId(std::string_view id) {
  if (id.empty() || id.size() > 18) return -1;
  int64_t value = 0;
  for (char c : id) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace icr

#endif  // ICR_SERVER_COMMON_IDS_H_
