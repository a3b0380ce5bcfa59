#ifndef ICR_SERVER_HTTP_HTTP_GATEWAY_H_
#define ICR_SERVER_HTTP_HTTP_GATEWAY_H_

// icr over HTTP (DESIGN §11): the browser app's static files, and the JSON API
// under /v1/, each request translated onto the real gRPC services through the
// server's in-process channel. The gateway holds no handler logic of its own:
// routes, JSON, status codes, cookies, CSRF and event streams only.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "server/http/event_stream.h"

namespace icr::http {

struct HttpOptions {
  // "HOST:PORT"; port 0 picks a free port (see HttpGateway::port()).
  std::string listen = "127.0.0.1:8080";
  // The built app (index.html, app.js, app.css); empty or missing: the API
  // only.
  std::string web_root;
  // PEM files: serve HTTPS (the session cookie is then Secure).
  std::string tls_cert;
  std::string tls_key;
  // Serve plaintext on an address other than loopback.
  bool allow_insecure = false;
  // Largest request body; larger is refused (413) before it is read.
  size_t max_body_bytes = 128u << 20;
  // Threads for ordinary requests; event streams get threads of their own on
  // top (up to streams.max_streams), so open streams never starve requests.
  int request_threads = 32;
  EventStreamOptions streams;
  // Longest a translated call may take.
  absl::Duration call_timeout = absl::Minutes(10);
};

class HttpGateway {
 public:
  static absl::StatusOr<std::unique_ptr<HttpGateway>> Start(const HttpOptions& options,
                                                            std::shared_ptr<grpc::Channel> channel);
  ~HttpGateway();
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;

  // The port actually bound.
  int port() const;
  // Event streams open now.
  int open_streams() const;
  // Ends the event streams and stops serving. Idempotent.
  void Shutdown();

 private:
  struct Impl;
  explicit HttpGateway(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace icr::http

#endif  // ICR_SERVER_HTTP_HTTP_GATEWAY_H_
