#ifndef ICR_SERVER_REPORT_HTML_ESCAPE_H_
#define ICR_SERVER_REPORT_HTML_ESCAPE_H_

#include <string>

namespace icr::report {

// Text safe in HTML element content and in quoted attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace icr::report

#endif  // ICR_SERVER_REPORT_HTML_ESCAPE_H_
