#ifndef ICR_CLIENT_DISPLAY_WIDTH_H_
#define ICR_CLIENT_DISPLAY_WIDTH_H_

// How many terminal columns text takes, so the CLI's tables line up with
// Chinese, Japanese or Korean names, Persian or Arabic text with its marks,
// and emoji in them.

#include <cstddef>
#include <string_view>

namespace icr::client {

// Columns of valid UTF-8 `text`, by the rules of POSIX wcwidth (Markus Kuhn's
// reference implementation) over Unicode's own data, read through ICU: East
// Asian wide and full-width characters and emoji presented as emoji take two
// columns; combining marks (Arabic harakat, Devanagari signs), format
// characters (ZWNJ, ZWJ, bidi marks) and variation selectors none; every
// other character one.
size_t DisplayWidth(std::string_view text);

}  // namespace icr::client

#endif  // ICR_CLIENT_DISPLAY_WIDTH_H_
