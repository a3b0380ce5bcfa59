#ifndef ICR_TESTS_HTTP_HTTP_FIXTURE_H_
#define ICR_TESTS_HTTP_HTTP_FIXTURE_H_

// A real icr server with its HTTP gateway on a free loopback port, a small
// study in it (lead, coders alice and bob, reviewer rita, outsider olga), and
// an HTTP client.

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "httplib.h"
#include "icr/v1/coding.grpc.pb.h"
#include "server/http/http_gateway.h"
#include "tests/testing/files.h"
#include "tests/testing/study_fixture.h"

namespace icr::http {

class HttpTest : public testing::StudyTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    StartGateway();
    coding_ = v1::CodingService::NewStub(channel_);
    ASSERT_NO_FATAL_FAILURE(CreateStudy("Study", {"alice", "bob", "rita", "olga"}));
    alice_ = tokens_["alice"];
    bob_ = tokens_["bob"];
    rita_ = tokens_["rita"];
    olga_ = tokens_["olga"];
    ASSERT_NO_FATAL_FAILURE(AddMember("alice", v1::CODER));
    ASSERT_NO_FATAL_FAILURE(AddMember("bob", v1::CODER));
    ASSERT_NO_FATAL_FAILURE(AddMember("rita", v1::REVIEWER));
    ASSERT_NO_FATAL_FAILURE(AddCode("c1", "Trust"));
    ASSERT_NO_FATAL_FAILURE(AddParagraphDocument("d1", "first\n\nnext"));
    ASSERT_NO_FATAL_FAILURE(AddRound("r1", {"d1"}, {"alice", "bob"}, /*blind=*/true));
  }

  void TearDown() override {
    if (gateway_) gateway_->Shutdown();
  }

  void StartGateway() {
    HttpOptions options = http_options_;
    options.listen = "127.0.0.1:0";
    auto gateway = HttpGateway::Start(options, server_->grpc_server()->InProcessChannel({}));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", gateway_->port());
    client_->set_read_timeout(30);
  }

  static httplib::Headers Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  // The server's own origin, as the browser sends it.
  std::string Origin() const { return "http://127.0.0.1:" + std::to_string(gateway_->port()); }

  // A session cookie made from `token` at POST /v1/sessions.
  std::string SessionCookieFor(const std::string& token) {
    httplib::Result result =
        client_->Post("/v1/sessions", "{\"token\":\"" + token + "\"}", "application/json");
    EXPECT_TRUE(result);
    if (!result) return "";
    EXPECT_EQ(result->status, 200) << result->body;
    const std::string set_cookie = result->get_header_value("Set-Cookie");
    return set_cookie.substr(0, set_cookie.find(';'));
  }

  httplib::Headers CookieHeaders(const std::string& cookie, bool csrf = true) {
    httplib::Headers headers{{"Cookie", cookie}, {"Origin", Origin()}};
    if (csrf) headers.emplace("X-ICR-CSRF", "1");
    return headers;
  }

  HttpOptions http_options_;
  std::unique_ptr<HttpGateway> gateway_;
  std::unique_ptr<httplib::Client> client_;
  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::string alice_, bob_, rita_, olga_;
};

}  // namespace icr::http

#endif  // ICR_TESTS_HTTP_HTTP_FIXTURE_H_
