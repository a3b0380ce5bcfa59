#ifndef ICR_SERVER_TEXT_UTF8_APPEND_H_
#define ICR_SERVER_TEXT_UTF8_APPEND_H_

// One code point appended as UTF-8 (the caller has checked it is a scalar
// value: not a surrogate, at most U+10FFFF).

#include <cstdint>
#include <string>

namespace icr::text {

inline void AppendUtf8(std::string& out, uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xE0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

}  // namespace icr::text

#endif  // ICR_SERVER_TEXT_UTF8_APPEND_H_
