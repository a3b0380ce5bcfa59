#ifndef ICR_SERVER_HTTP_ROUTE_TABLE_H_
#define ICR_SERVER_HTTP_ROUTE_TABLE_H_

// The JSON API's routes (DESIGN §11), declared once: each maps an HTTP method
// and a path template onto one RPC, in the style grpc-gateway maps
// `google.api.http` options. A template segment is a literal ("rounds"), a
// variable naming a request field ("{round}", "{code.id}"), or either followed
// by a custom verb (":resolve"). A variable matches one non-empty segment.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace icr::http {

enum class RouteKind {
  kRpc,            // the RPC's request from path, query and body; its answer as JSON
  kCreateSession,  // CreateSession, its secret moved from the answer into a cookie
  kEndSession,     // RevokeToken of the caller's own session, and the cookie cleared
  kEventStream,    // server-sent events fed by ListChanges
};

struct Route {
  std::string_view http_method;  // "GET", "POST", "PATCH", "DELETE"
  std::string_view path;         // "/v1/projects/{project}/rounds/{round}:advance"
  std::string_view rpc;          // "icr.v1.ProjectService.AdvanceRound"
  RouteKind kind = RouteKind::kRpc;
};

// Every route of the API.
const std::vector<Route>& RouteTable();

struct RouteMatch {
  const Route* route = nullptr;
  // Request field path ("code.id") -> the URL-decoded segment.
  std::vector<std::pair<std::string, std::string>> bindings;
};

struct RouteLookup {
  std::optional<RouteMatch> match;
  // The path names a route, but not for this method (405).
  bool path_known = false;
};

RouteLookup FindRoute(std::string_view http_method, std::string_view path);

// "/icr.v1.ProjectService/AdvanceRound" for "icr.v1.ProjectService.AdvanceRound".
std::string GrpcMethodName(std::string_view rpc);

}  // namespace icr::http

#endif  // ICR_SERVER_HTTP_ROUTE_TABLE_H_
