#include "server/http/http_gateway.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "httplib.h"
#include "icr/v1/admin.pb.h"
#include "icr/v1/agreement.pb.h"
#include "icr/v1/audit.pb.h"
#include "icr/v1/coding.pb.h"
#include "icr/v1/project.pb.h"
#include "icr/v1/report.pb.h"
#include "server/common/string_view.h"
#include "server/http/json_request.h"
#include "server/http/route_table.h"
#include "server/http/rpc_client.h"
#include "server/http/status_mapping.h"
#include "server/http/web_security.h"

namespace icr::http {

namespace {

// The services' descriptors are registered by their generated files; naming
// one message of each keeps every file linked in.
void LinkDescriptors() {
  (void)v1::GetCurrentUserRequest::descriptor();
  (void)v1::ComputeAgreementRequest::descriptor();
  (void)v1::ListEventsRequest::descriptor();
  (void)v1::SubmitCodingsRequest::descriptor();
  (void)v1::GetProjectRequest::descriptor();
  (void)v1::GetReportRequest::descriptor();
}

bool IsLoopbackHost(std::string_view host) {
  return absl::StartsWith(AbslView(host), "127.") || host == "localhost" || host == "::1" ||
         host == "[::1]";
}

absl::StatusOr<std::pair<std::string, int>> SplitListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(absl::string_view(listen).substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_listen: \"", listen, "\" is not HOST:PORT"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return std::make_pair(host, port);
}

void SendError(httplib::Response& res, grpc::StatusCode code, std::string_view message) {
  res.status = HttpStatusFor(code);
  res.set_content(ErrorBody(code, message), "application/json");
}

void SendStatus(httplib::Response& res, const grpc::Status& status) {
  SendError(res, status.error_code(), status.error_message());
}

bool IsDirectory(const std::string& path) {
  struct stat info;
  return !path.empty() && ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

}  // namespace

struct HttpGateway::Impl {
  Impl(const HttpOptions& options, std::shared_ptr<grpc::Channel> channel)
      : options(options), rpc(std::move(channel)), slots(options.streams) {}

  const HttpOptions options;
  RpcClient rpc;
  StreamSlots slots;
  std::unique_ptr<httplib::Server> server;
  std::thread listener;
  std::atomic<bool> stopping{false};
  int port = 0;
  bool secure = false;

  void Serve(const httplib::Request& req, httplib::Response& res);
  void CallRpc(const RouteMatch& match, const httplib::Request& req, const std::string& bearer,
               httplib::Response& res);
  void CreateSession(const httplib::Request& req, httplib::Response& res);
  void EndSession(const std::string& bearer, httplib::Response& res);
  void OpenEventStream(const RouteMatch& match, const httplib::Request& req,
                       const std::string& bearer, httplib::Response& res);
};

void HttpGateway::Impl::Serve(const httplib::Request& req, httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  const RouteLookup lookup = FindRoute(req.method, req.path);
  if (!lookup.match) {
    if (lookup.path_known) {
      res.status = 405;
      res.set_content(ErrorBody(grpc::StatusCode::UNIMPLEMENTED,
                                absl::StrCat(req.method, " is not a method of ", req.path)),
                      "application/json");
    } else {
      SendError(res, grpc::StatusCode::NOT_FOUND, absl::StrCat("no route ", req.path));
    }
    return;
  }
  const Route& route = *lookup.match->route;

  // Scripts send a bearer token as over gRPC; the browser sends its cookie.
  std::string bearer;
  bool by_cookie = false;
  const std::string authorization = req.get_header_value("Authorization");
  if (!authorization.empty()) {
    if (!absl::StartsWith(authorization, "Bearer ")) {
      SendError(res, grpc::StatusCode::UNAUTHENTICATED,
                "the Authorization header must be \"Bearer <token>\"");
      return;
    }
    bearer = authorization.substr(7);
  } else if (std::optional<std::string> cookie =
                 CookieValue(req.get_header_value("Cookie"), kSessionCookie);
             cookie && !cookie->empty()) {
    bearer = *std::move(cookie);
    by_cookie = true;
  }

  CsrfInput csrf;
  csrf.http_method = req.method;
  csrf.by_cookie = by_cookie && route.kind != RouteKind::kCreateSession;
  csrf.has_csrf_header = req.has_header(std::string(kCsrfHeader));
  const std::string origin = req.get_header_value("Origin");
  csrf.origin = origin;
  csrf.own_origin = absl::StrCat(secure ? "https://" : "http://", req.get_header_value("Host"));
  if (std::optional<std::string> refusal = CsrfRefusal(csrf)) {
    SendError(res, grpc::StatusCode::PERMISSION_DENIED, *refusal);
    return;
  }
  if (!req.body.empty() &&
      !absl::StartsWith(req.get_header_value("Content-Type"), "application/json")) {
    SendError(res, grpc::StatusCode::INVALID_ARGUMENT,
              "the request body must be JSON (Content-Type: application/json)");
    return;
  }

  switch (route.kind) {
    case RouteKind::kRpc:
      return CallRpc(*lookup.match, req, bearer, res);
    case RouteKind::kCreateSession:
      return CreateSession(req, res);
    case RouteKind::kEndSession:
      return EndSession(bearer, res);
    case RouteKind::kEventStream:
      return OpenEventStream(*lookup.match, req, bearer, res);
  }
}

void HttpGateway::Impl::CallRpc(const RouteMatch& match, const httplib::Request& req,
                                const std::string& bearer, httplib::Response& res) {
  const google::protobuf::MethodDescriptor* method = RpcClient::FindMethod(match.route->rpc);
  if (method == nullptr) {
    SendError(res, grpc::StatusCode::UNIMPLEMENTED,
              absl::StrCat(AbslView(match.route->rpc), " is not served"));
    return;
  }
  std::unique_ptr<google::protobuf::Message> request = RpcClient::NewMessage(method->input_type());
  HttpRequestParts parts;
  parts.bindings = match.bindings;
  for (const auto& [name, value] : req.params) parts.query.emplace_back(name, value);
  parts.body = req.body;
  if (absl::Status built = BuildRequest(parts, *request); !built.ok()) {
    SendError(res, grpc::StatusCode::INVALID_ARGUMENT, std::string(built.message()));
    return;
  }
  if (method->server_streaming()) {
    std::string json = "[";
    bool first = true;
    const grpc::Status status = rpc.CallStreaming(*method, *request, bearer, options.call_timeout,
                                                  [&](const google::protobuf::Message& answer) {
                                                    if (!first) json.push_back(',');
                                                    first = false;
                                                    json += ToJson(answer);
                                                  });
    if (!status.ok()) return SendStatus(res, status);
    json.push_back(']');
    res.set_content(json, "application/json");
    return;
  }
  std::unique_ptr<google::protobuf::Message> response =
      RpcClient::NewMessage(method->output_type());
  const grpc::Status status = rpc.Call(*method, *request, bearer, options.call_timeout, *response);
  if (!status.ok()) return SendStatus(res, status);
  res.set_content(ToJson(*response), "application/json");
}

void HttpGateway::Impl::CreateSession(const httplib::Request& req, httplib::Response& res) {
  v1::CreateSessionRequest request;
  HttpRequestParts parts;
  parts.body = req.body;
  if (absl::Status built = BuildRequest(parts, request); !built.ok()) {
    SendError(res, grpc::StatusCode::INVALID_ARGUMENT, std::string(built.message()));
    return;
  }
  v1::CreateSessionResponse response;
  const grpc::Status status = rpc.Call(*RpcClient::FindMethod("icr.v1.AdminService.CreateSession"),
                                       request, "", options.call_timeout, response);
  if (!status.ok()) return SendStatus(res, status);
  const absl::Duration max_age =
      absl::FromUnixSeconds(response.info().expire_time().seconds()) - absl::Now();
  res.set_header("Set-Cookie", SessionCookie(response.session_token(), max_age, secure));
  // The secret lives only in the HttpOnly cookie: no script of the page sees it.
  response.clear_session_token();
  res.set_content(ToJson(response), "application/json");
}

void HttpGateway::Impl::EndSession(const std::string& bearer, httplib::Response& res) {
  if (bearer.empty()) {
    SendError(res, grpc::StatusCode::UNAUTHENTICATED, "not signed in");
    return;
  }
  v1::RevokeTokenRequest request;
  request.set_token_id(TokenId(bearer));
  v1::RevokeTokenResponse response;
  const grpc::Status status = rpc.Call(*RpcClient::FindMethod("icr.v1.AdminService.RevokeToken"),
                                       request, bearer, options.call_timeout, response);
  if (!status.ok()) return SendStatus(res, status);
  res.set_header("Set-Cookie", ClearedSessionCookie(secure));
  res.set_content(ToJson(response), "application/json");
}

void HttpGateway::Impl::OpenEventStream(const RouteMatch& match, const httplib::Request& req,
                                        const std::string& bearer, httplib::Response& res) {
  std::string project;
  for (const auto& [field, value] : match.bindings) {
    if (field == "project") project = value;
  }
  // Who is asking: the bound on streams is per user.
  v1::GetCurrentUserResponse me;
  const grpc::Status who = rpc.Call(*RpcClient::FindMethod("icr.v1.AdminService.GetCurrentUser"),
                                    v1::GetCurrentUserRequest(), bearer, absl::Seconds(10), me);
  if (!who.ok()) return SendStatus(res, who);
  // A first poll now, so a stream the caller may not open fails as a request
  // (404 for a non-member) instead of as an event.
  std::optional<int64_t> resume_after;
  std::string resume = req.get_header_value("Last-Event-ID");
  if (resume.empty() && req.has_param("after_seq")) resume = req.get_param_value("after_seq");
  if (!resume.empty()) {
    int64_t seq;
    if (!absl::SimpleAtoi(resume, &seq) || seq < 0) {
      SendError(res, grpc::StatusCode::INVALID_ARGUMENT,
                absl::StrCat("Last-Event-ID / after_seq: \"", resume, "\" is not an event seq"));
      return;
    }
    resume_after = seq;
  }
  v1::ListChangesRequest probe;
  probe.set_project(project);
  probe.set_after_seq(resume_after.value_or(-1));
  probe.set_page_size(1);
  v1::ListChangesResponse probed;
  const grpc::Status may = rpc.Call(*RpcClient::FindMethod("icr.v1.AuditService.ListChanges"),
                                    probe, bearer, absl::Seconds(10), probed);
  if (!may.ok()) return SendStatus(res, may);
  absl::StatusOr<StreamSlots::Slot> slot = slots.Acquire(me.user().id());
  if (!slot.ok()) {
    SendError(res, grpc::StatusCode::RESOURCE_EXHAUSTED, std::string(slot.status().message()));
    return;
  }
  auto held = std::make_shared<StreamSlots::Slot>(*std::move(slot));
  auto stream = std::make_shared<EventStream>(rpc, options.streams, project, bearer, resume_after);
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider("text/event-stream", [this, held, stream](
                                                            size_t, httplib::DataSink& sink) {
    stream->Run([&sink](const std::string& text) { return sink.write(text.data(), text.size()); },
                [&sink]() { return sink.is_writable(); }, stopping);
    sink.done();
    return true;
  });
}

HttpGateway::HttpGateway(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpGateway::~HttpGateway() { Shutdown(); }

int HttpGateway::port() const { return impl_->port; }

int HttpGateway::open_streams() const { return impl_->slots.open(); }

void HttpGateway::Shutdown() {
  if (impl_->stopping.exchange(true)) return;
  impl_->server->stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

absl::StatusOr<std::unique_ptr<HttpGateway>> HttpGateway::Start(
    const HttpOptions& options, std::shared_ptr<grpc::Channel> channel) {
  LinkDescriptors();
  absl::StatusOr<std::pair<std::string, int>> address = SplitListen(options.listen);
  if (!address.ok()) return address.status();
  const bool tls = !options.tls_cert.empty();
  if (tls != !options.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key go together");
  }
  if (!tls && !IsLoopbackHost(address->first) && !options.allow_insecure) {
    return absl::InvalidArgumentError(
        absl::StrCat("--http_listen: ", options.listen,
                     " is not a loopback address: serve TLS (--tls_cert, --tls_key) or pass "
                     "--allow_insecure"));
  }
  auto impl = std::make_unique<Impl>(options, std::move(channel));
  impl->secure = tls;
  if (tls) {
    impl->server =
        std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
  } else {
    impl->server = std::make_unique<httplib::Server>();
  }
  if (!impl->server->is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--tls_cert/--tls_key: cannot serve HTTPS with ", options.tls_cert));
  }
  httplib::Server& server = *impl->server;
  const size_t threads = static_cast<size_t>(options.request_threads + options.streams.max_streams);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(options.max_body_bytes);
  server.set_keep_alive_timeout(5);
  server.set_read_timeout(30);
  httplib::Headers headers;
  for (auto& [name, value] : SecurityHeaders()) headers.emplace(name, value);
  server.set_default_headers(headers);
  // Debian's cpp-httplib is built with Brotli, which it prefers whenever a
  // browser accepts it, at a quality that compresses at about 0.5 MB/s: a
  // 600,000-character document took 230 ms to compress (gzip: 6 ms). The
  // request is httplib's own, not const, so the accepted encodings are cut
  // to gzip before the response is written.
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    auto& headers = const_cast<httplib::Headers&>(req.headers);
    auto accepted = headers.find("Accept-Encoding");
    if (accepted != headers.end()) {
      const bool gzip = accepted->second.find("gzip") != std::string::npos;
      headers.erase(accepted);
      if (gzip) headers.emplace("Accept-Encoding", "gzip");
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  Impl* self = impl.get();
  auto serve = [self](const httplib::Request& req, httplib::Response& res) {
    self->Serve(req, res);
  };
  server.Get(R"(/v1/.*)", serve);
  server.Post(R"(/v1/.*)", serve);
  server.Patch(R"(/v1/.*)", serve);
  server.Delete(R"(/v1/.*)", serve);
  server.Put(R"(/v1/.*)", serve);
  if (IsDirectory(options.web_root)) {
    server.set_mount_point("/", options.web_root);
  } else {
    server.Get("/", [root = options.web_root](const httplib::Request&, httplib::Response& res) {
      res.status = 503;
      res.set_content(absl::StrCat("icr's browser app is not built (no ", root,
                                   "); build the icr-web target, or pass --web_root"),
                      "text/plain");
    });
  }
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 413 && absl::StartsWith(req.path, "/v1/")) {
      res.set_content(ErrorBody(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                "the request body is larger than the server accepts"),
                      "application/json");
    }
  });
  // cpp-httplib listens with a backlog of 5: a burst of connections (tabs
  // reconnecting their event streams after a restart) overflows it, and each
  // overflowed connection waits a second for its SYN to be retried. The
  // socket is caught here and listened on again with the system's bound.
  auto listening = std::make_shared<int>(-1);
  server.set_socket_options([listening](int socket) {
    int yes = 1;
    ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    *listening = socket;
  });
  if (address->second == 0) {
    impl->port = server.bind_to_any_port(address->first);
  } else {
    impl->port = server.bind_to_port(address->first, address->second) ? address->second : -1;
  }
  if (impl->port <= 0) {
    return absl::UnavailableError(absl::StrCat("--http_listen: cannot listen on ", options.listen));
  }
  if (*listening >= 0) ::listen(*listening, SOMAXCONN);
  impl->listener = std::thread([self] { self->server->listen_after_bind(); });
  return std::unique_ptr<HttpGateway>(new HttpGateway(std::move(impl)));
}

}  // namespace icr::http
