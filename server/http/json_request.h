#ifndef ICR_SERVER_HTTP_JSON_REQUEST_H_
#define ICR_SERVER_HTTP_JSON_REQUEST_H_

// The JSON mapping of the HTTP API (DESIGN §11): a request message built from
// an HTTP request, and a message printed as JSON. Field names are the .proto
// names; every primitive field is printed; int64 values are JSON strings and
// bytes are base64, as protobuf's JSON mapping defines them.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace icr::http {

struct HttpRequestParts {
  // Request field path ("code.id") -> value, from the route's path template.
  std::vector<std::pair<std::string, std::string>> bindings;
  // Query parameters in order; a repeated field takes every value given.
  std::vector<std::pair<std::string, std::string>> query;
  // The JSON body; empty: none.
  std::string_view body;
};

// Fills `request` from the body, then the query parameters, then the path
// (the path wins). INVALID_ARGUMENT naming the field for malformed JSON, an
// unknown field or a value of the wrong type.
absl::Status BuildRequest(const HttpRequestParts& parts, google::protobuf::Message& request);

// Sets the field at `path` ("query.include_unfinished") from its text form;
// a repeated field gets the value appended.
absl::Status SetFieldFromText(google::protobuf::Message& message, std::string_view path,
                              std::string_view value);

std::string ToJson(const google::protobuf::Message& message);

}  // namespace icr::http

#endif  // ICR_SERVER_HTTP_JSON_REQUEST_H_
