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
#include "tests/testing/server_fixture.h"

namespace icr::http {

class HttpTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    StartGateway();
    coding_ = v1::CodingService::NewStub(channel_);
    lead_ = CreateUser("lead");
    alice_ = CreateUser("alice");
    bob_ = CreateUser("bob");
    rita_ = CreateUser("rita");
    olga_ = CreateUser("olga");
    v1::CreateProjectRequest project;
    project.set_id("study");
    project.set_title("Study");
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateProject, *project_, project));
    for (auto [user, role] : std::vector<std::pair<std::string, v1::MemberRole>>{
             {"alice", v1::CODER}, {"bob", v1::CODER}, {"rita", v1::REVIEWER}}) {
      v1::AddMemberRequest member;
      member.set_project("study");
      member.set_user(user);
      member.set_role(role);
      Ok(Call(lead_, &v1::ProjectService::Stub::AddMember, *project_, member));
    }
    v1::CreateCodeRequest code;
    code.set_project("study");
    code.mutable_code()->set_id("c1");
    code.mutable_code()->set_name("Trust");
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateCode, *project_, code));
    v1::CreateDocumentRequest document;
    document.set_project("study");
    document.set_id("d1");
    document.set_text("first\n\nnext");
    document.set_segmentation(v1::SEGMENT_PARAGRAPH);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_, document));
    v1::CreateRoundRequest round;
    round.set_project("study");
    round.set_id("r1");
    round.add_documents("d1");
    round.add_coders("alice");
    round.add_coders("bob");
    round.set_blind(true);
    Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_, round));
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

  void Ok(const grpc::Status& status) { ASSERT_TRUE(status.ok()) << status.error_message(); }

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
  std::string lead_, alice_, bob_, rita_, olga_;
};

}  // namespace icr::http

#endif  // ICR_TESTS_HTTP_HTTP_FIXTURE_H_
