// The HTTP gateway in front of a real server: answers equal to gRPC's, the
// authorization table walked route by route, sessions and CSRF, bad JSON,
// size limits, security headers, the static app.

#include <fstream>
#include <set>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "server/http/json_request.h"
#include "server/http/route_table.h"
#include "server/http/rpc_client.h"
#include "server/http/status_mapping.h"
#include "server/service/authorization.h"
#include "tests/http/http_fixture.h"

namespace icr::http {
namespace {

using ::testing::HasSubstr;

// Values for every path variable of the route table, naming things the
// fixture made.
std::string FillPath(std::string_view path) {
  static const std::map<std::string, std::string> kValues = {
      {"project", "study"}, {"round", "r1"},       {"document", "d1"},
      {"user", "alice"},    {"code.id", "c1"},     {"from_code", "c1"},
      {"coding", "nosuch"}, {"disagreement", "x"}, {"token_id", "0000000000000000"},
      {"seq", "1"}};
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '{') {
      out.push_back(path[i]);
      continue;
    }
    const size_t close = path.find('}', i);
    out += kValues.at(std::string(path.substr(i + 1, close - i - 1)));
    i = close;
  }
  return out;
}

class GatewayTest : public HttpTest {
 protected:
  httplib::Result Send(const std::string& method, const std::string& path,
                       const httplib::Headers& headers, const std::string& body = "{}") {
    if (method == "GET") return client_->Get(path, headers);
    if (method == "DELETE") return client_->Delete(path, headers);
    if (method == "PATCH") return client_->Patch(path, headers, body, "application/json");
    return client_->Post(path, headers, body, "application/json");
  }

  // The same request over gRPC (the network channel, not the gateway's).
  grpc::Status OverGrpc(const Route& route, const std::string& token, const std::string& body,
                        google::protobuf::Message* answer = nullptr) {
    const google::protobuf::MethodDescriptor* method = RpcClient::FindMethod(route.rpc);
    std::unique_ptr<google::protobuf::Message> request =
        RpcClient::NewMessage(method->input_type());
    const RouteLookup lookup = FindRoute(route.http_method, FillPath(route.path));
    HttpRequestParts parts;
    parts.bindings = lookup.match->bindings;
    if (route.http_method != "GET") parts.body = body;
    EXPECT_TRUE(BuildRequest(parts, *request).ok());
    RpcClient rpc(channel_);
    std::unique_ptr<google::protobuf::Message> response =
        RpcClient::NewMessage(method->output_type());
    if (method->server_streaming()) {
      return rpc.CallStreaming(*method, *request, token, absl::Seconds(30),
                               [](const google::protobuf::Message&) {});
    }
    grpc::Status status = rpc.Call(*method, *request, token, absl::Seconds(30), *response);
    if (answer != nullptr) answer->CopyFrom(*response);
    return status;
  }
};

TEST_F(GatewayTest, ReadsAnswerWhatGrpcAnswers) {
  for (const Route& route : RouteTable()) {
    if (route.kind != RouteKind::kRpc || route.http_method != "GET") continue;
    // A signed head and an export carry the time of signing.
    if (route.rpc == "icr.v1.AuditService.GetSignedHead" ||
        route.rpc == "icr.v1.AuditService.ExportAudit" ||
        route.rpc == "icr.v1.ReportService.GetReport") {
      continue;
    }
    const std::string path = FillPath(route.path);
    httplib::Result http = client_->Get(path, Bearer(lead_));
    ASSERT_TRUE(http) << path;
    const google::protobuf::MethodDescriptor* method = RpcClient::FindMethod(route.rpc);
    std::unique_ptr<google::protobuf::Message> answer =
        RpcClient::NewMessage(method->output_type());
    const grpc::Status grpc_status = OverGrpc(route, lead_, "", answer.get());
    EXPECT_EQ(http->status, HttpStatusFor(grpc_status.error_code())) << path << " " << http->body;
    if (grpc_status.ok()) {
      // The same answer, but for how long each computation took.
      std::unique_ptr<google::protobuf::Message> from_http =
          RpcClient::NewMessage(method->output_type());
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(http->body, from_http.get()).ok())
          << http->body;
      for (google::protobuf::Message* message : {from_http.get(), answer.get()}) {
        for (const char* timing : {"compute_micros", "compute_time"}) {
          const auto* field = message->GetDescriptor()->FindFieldByName(timing);
          if (field != nullptr) message->GetReflection()->ClearField(message, field);
        }
      }
      EXPECT_EQ(ToJson(*from_http), ToJson(*answer)) << path;
    } else {
      EXPECT_EQ(http->body, ErrorBody(grpc_status.error_code(), grpc_status.error_message()));
    }
  }
  // And by content: the codebook the lead made.
  httplib::Result codes = client_->Get("/v1/projects/study/codes", Bearer(lead_));
  ASSERT_TRUE(codes);
  EXPECT_THAT(codes->body, HasSubstr("\"name\":\"Trust\""));
}

TEST_F(GatewayTest, EveryRouteAuthenticatesAndAuthorizesAsGrpcDoes) {
  struct Caller {
    std::string name;
    std::string token;
  };
  const std::vector<Caller> callers = {
      {"nobody", ""}, {"coder", alice_}, {"reviewer", rita_}, {"outsider", olga_}};
  int checked = 0;
  for (const Route& route : RouteTable()) {
    if (route.kind != RouteKind::kRpc) continue;
    const service::MethodRule* rule = service::FindRule(GrpcMethodName(route.rpc));
    ASSERT_NE(rule, nullptr) << route.rpc;
    const std::string path = FillPath(route.path);
    for (const Caller& caller : callers) {
      httplib::Headers headers;
      if (!caller.token.empty()) headers = Bearer(caller.token);
      httplib::Result http = Send(std::string(route.http_method), path, headers);
      ASSERT_TRUE(http) << path;
      const grpc::Status grpc_status = OverGrpc(route, caller.token, "{}");
      EXPECT_EQ(http->status, HttpStatusFor(grpc_status.error_code()))
          << route.http_method << " " << path << " as " << caller.name << ": " << http->body
          << " / gRPC: " << grpc_status.error_message();
      if (!grpc_status.ok()) {
        EXPECT_EQ(http->body, ErrorBody(grpc_status.error_code(), grpc_status.error_message()));
      }
      // What the table says, independently of the comparison above.
      if (caller.token.empty() && rule->method != "/icr.v1.AdminService/CreateSession") {
        EXPECT_EQ(http->status, 401) << path;
      }
      if (rule->access == service::Access::kServerAdmin && !caller.token.empty()) {
        EXPECT_EQ(http->status, 403) << path << " as " << caller.name;
      }
      if (rule->access == service::Access::kProject && caller.name == "outsider") {
        EXPECT_EQ(http->status, 404) << path;
      }
      if (rule->access == service::Access::kProject && caller.name == "coder" &&
          std::find(rule->roles.begin(), rule->roles.end(), v1::CODER) == rule->roles.end()) {
        EXPECT_EQ(http->status, 403) << path;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 150);
}

TEST_F(GatewayTest, ASessionCookieActsOnlyForItsUserAndNeedsTheCsrfHeader) {
  const std::string cookie = SessionCookieFor(alice_);
  ASSERT_THAT(cookie, HasSubstr("icr_session="));
  httplib::Result me = client_->Get("/v1/users/me", CookieHeaders(cookie));
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  EXPECT_THAT(me->body, HasSubstr("\"id\":\"alice\""));

  const std::string coding = R"({"codings":[{"document":"d1","code":"c1","segment":"0"}]})";
  const std::string path = "/v1/projects/study/rounds/r1/codings";
  const int64_t events = EventCount("study");
  // No CSRF header, a foreign origin: refused, nothing stored.
  httplib::Result no_header =
      client_->Post(path, CookieHeaders(cookie, false), coding, "application/json");
  EXPECT_EQ(no_header->status, 403);
  EXPECT_THAT(no_header->body, HasSubstr("X-ICR-CSRF"));
  httplib::Headers foreign = CookieHeaders(cookie);
  foreign.erase("Origin");
  foreign.emplace("Origin", "http://evil.example");
  httplib::Result cross = client_->Post(path, foreign, coding, "application/json");
  EXPECT_EQ(cross->status, 403);
  EXPECT_THAT(cross->body, HasSubstr("cross-site"));
  EXPECT_EQ(EventCount("study"), events);

  // Alice's session cannot code as Bob.
  httplib::Result as_bob = client_->Post(
      path, CookieHeaders(cookie),
      R"({"on_behalf_of":"bob","codings":[{"document":"d1","code":"c1","segment":"0"}]})",
      "application/json");
  EXPECT_EQ(as_bob->status, 403) << as_bob->body;
  EXPECT_EQ(EventCount("study"), events);

  httplib::Result ok = client_->Post(path, CookieHeaders(cookie), coding, "application/json");
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(EventCount("study"), events + 1);

  // A script with a bearer token needs no CSRF header.
  httplib::Result script = client_->Post(
      path, Bearer(bob_), R"({"codings":[{"document":"d1","code":"c1","segment":"1"}]})",
      "application/json");
  EXPECT_EQ(script->status, 200) << script->body;

  // Signing out revokes the session: its next request fails.
  httplib::Result out = client_->Delete("/v1/sessions/current", CookieHeaders(cookie));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200) << out->body;
  EXPECT_THAT(out->get_header_value("Set-Cookie"), HasSubstr("Max-Age=0"));
  httplib::Result after = client_->Get("/v1/users/me", CookieHeaders(cookie));
  EXPECT_EQ(after->status, 401);
  EXPECT_THAT(after->body, HasSubstr("\"status\":\"UNAUTHENTICATED\""));
}

TEST_F(GatewayTest, TheSessionSecretIsOnlyInAnHttpOnlyCookie) {
  httplib::Result result =
      client_->Post("/v1/sessions", "{\"token\":\"" + alice_ + "\"}", "application/json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  const std::string set_cookie = result->get_header_value("Set-Cookie");
  EXPECT_THAT(set_cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(set_cookie, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(set_cookie, HasSubstr("Max-Age="));
  const std::string secret =
      set_cookie.substr(set_cookie.find('=') + 1, set_cookie.find(';') - set_cookie.find('=') - 1);
  ASSERT_GT(secret.size(), 20u);
  EXPECT_THAT(result->body, ::testing::Not(HasSubstr(secret)));
  EXPECT_THAT(result->body, HasSubstr("\"session_token\":\"\""));
  // A sign-in from another site is refused.
  httplib::Result cross = client_->Post("/v1/sessions", {{"Origin", "http://evil.example"}},
                                        "{\"token\":\"" + alice_ + "\"}", "application/json");
  EXPECT_EQ(cross->status, 403);
  // A wrong token: 401.
  httplib::Result wrong =
      client_->Post("/v1/sessions", "{\"token\":\"icr_wrong\"}", "application/json");
  EXPECT_EQ(wrong->status, 401) << wrong->body;
}

TEST_F(GatewayTest, BadJsonIsRefusedNamingTheFieldAndNothingIsStored) {
  const int64_t events = EventCount("study");
  const std::string path = "/v1/projects/study/codes";
  struct Case {
    std::string body;
    std::string named;
  };
  for (const Case& c : std::vector<Case>{{R"({"code": {"id": "c2", )", "request body"},
                                         {R"({"code": {"id": "c2", "colour": "red"}})", "colour"},
                                         {R"({"cod": {"id": "c2"}})", "cod"},
                                         {R"({"code": {"id": 5}})", "id"}}) {
    httplib::Result result = client_->Post(path, Bearer(lead_), c.body, "application/json");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << c.body;
    EXPECT_THAT(result->body, HasSubstr("\"status\":\"INVALID_ARGUMENT\"")) << c.body;
    EXPECT_THAT(result->body, HasSubstr(c.named)) << c.body << " -> " << result->body;
  }
  // A query parameter that names no field, a value of the wrong type.
  httplib::Result query =
      client_->Get("/v1/projects/study/rounds/r1/codings?page_size=ten", Bearer(lead_));
  EXPECT_EQ(query->status, 400);
  EXPECT_THAT(query->body, HasSubstr("page_size"));
  query = client_->Get("/v1/projects/study/rounds/r1/codings?colour=red", Bearer(lead_));
  EXPECT_EQ(query->status, 400);
  EXPECT_THAT(query->body, HasSubstr("colour"));
  // An enum value that does not exist.
  httplib::Result segmentation = client_->Post(
      "/v1/projects/study/documents", Bearer(lead_),
      R"({"id": "d2", "text": "eA==", "segmentation": "SEGMENT_LOUD"})", "application/json");
  EXPECT_EQ(segmentation->status, 400);
  EXPECT_THAT(segmentation->body, HasSubstr("segmentation"));
  // Not JSON at all.
  httplib::Result form =
      client_->Post(path, Bearer(lead_), "code.id=c2", "application/x-www-form-urlencoded");
  EXPECT_EQ(form->status, 400);
  EXPECT_EQ(EventCount("study"), events);
  httplib::Result codes = client_->Get(path, Bearer(lead_));
  EXPECT_THAT(codes->body, ::testing::Not(HasSubstr("c2")));
}

TEST_F(GatewayTest, UnknownRoutesAndMethods) {
  httplib::Result none = client_->Get("/v1/nothing/here", Bearer(lead_));
  EXPECT_EQ(none->status, 404);
  EXPECT_THAT(none->body, HasSubstr("NOT_FOUND"));
  httplib::Result method = client_->Delete("/v1/projects/study", Bearer(lead_));
  EXPECT_EQ(method->status, 405);
}

TEST_F(GatewayTest, AServerStreamIsAJsonArrayOfItsMessages) {
  httplib::Result result = client_->Get("/v1/projects/study/events:export", Bearer(lead_));
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(result->body.front(), '[');
  EXPECT_EQ(result->body.back(), ']');
  EXPECT_THAT(result->body, HasSubstr("\"head\":"));
  EXPECT_THAT(result->body, HasSubstr("/icr.v1.ProjectService/CreateRound"));
  // A coder may not export the trail, as over gRPC.
  EXPECT_EQ(client_->Get("/v1/projects/study/events:export", Bearer(alice_))->status, 403);
}

// Units by speaker through the JSON API: the query's lists narrow the
// round's units, and the answer says what applied.
TEST_F(GatewayTest, AgreementTakesUnitsBySpeakerFromTheQuery) {
  v1::CreateDocumentRequest document;
  document.set_project("study");
  document.set_id("talk");
  document.set_text("Interviewer: why?\nP12: because.\nInterviewer: and?\nP13: so.\n");
  document.set_segmentation(v1::SEGMENT_TURN);
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateDocument, *project_, document));
  v1::CreateRoundRequest round;
  round.set_project("study");
  round.set_id("talk");
  round.add_documents("talk");
  round.add_coders("alice");
  round.add_coders("bob");
  round.add_exclude_speakers("Interviewer");
  Ok(Call(lead_, &v1::ProjectService::Stub::CreateRound, *project_, round));
  httplib::Result all = client_->Get("/v1/projects/study/rounds/talk/agreement", Bearer(lead_));
  ASSERT_TRUE(all);
  ASSERT_EQ(all->status, 200) << all->body;
  EXPECT_THAT(all->body, HasSubstr("\"units\":\"2\""));
  EXPECT_THAT(all->body, HasSubstr("\"exclude_speakers\":[\"Interviewer\"]"));
  httplib::Result one =
      client_->Get("/v1/projects/study/rounds/talk/agreement?speakers=P13", Bearer(lead_));
  ASSERT_TRUE(one);
  ASSERT_EQ(one->status, 200) << one->body;
  EXPECT_THAT(one->body, HasSubstr("\"units\":\"1\""));
  EXPECT_THAT(one->body, HasSubstr("\"speakers\":[\"P13\"]"));
  httplib::Result bad =
      client_->Get("/v1/projects/study/rounds/talk/agreement?speakers=Interviewer", Bearer(lead_));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(bad->body, HasSubstr("speakers[0]: round talk excludes"));
}

class LimitsTest : public HttpTest {
 protected:
  void SetUp() override {
    options_.max_document_bytes = 1000;
    http_options_.max_body_bytes = 8192;
    HttpTest::SetUp();
  }
};

TEST_F(LimitsTest, LargeBodiesAndDocumentsAreRefused) {
  const int64_t events = EventCount("study");
  const std::string huge = "{\"id\":\"d9\",\"text\":\"" + std::string(12000, 'A') + "\"}";
  httplib::Result too_big =
      client_->Post("/v1/projects/study/documents", Bearer(lead_), huge, "application/json");
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  // A document over the server's limit (base64 of 1,500 bytes): 429 as
  // RESOURCE_EXHAUSTED over gRPC.
  const std::string doc =
      "{\"id\":\"d9\",\"title\":\"long\",\"segmentation\":\"SEGMENT_PARAGRAPH\","
      "\"text\":\"" +
      std::string(2000, 'A') + "\"}";
  httplib::Result over =
      client_->Post("/v1/projects/study/documents", Bearer(lead_), doc, "application/json");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 429) << over->body;
  EXPECT_THAT(over->body, HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_EQ(EventCount("study"), events);
}

class StaticAppTest : public HttpTest {
 protected:
  void SetUp() override {
    web_root_ = web_dir_.path();
    std::ofstream(web_root_ + "/index.html") << "<!doctype html><title>icr</title>";
    std::ofstream(web_root_ + "/app.js") << "console.log(1);";
    http_options_.web_root = web_root_;
    HttpTest::SetUp();
  }
  testing::TempDir web_dir_;
  std::string web_root_;
};

TEST_F(StaticAppTest, ServesTheAppWithStrictHeadersOnEveryResponse) {
  for (const std::string path : {"/", "/app.js", "/v1/users/me", "/v1/nothing"}) {
    httplib::Result result = client_->Get(path, Bearer(alice_));
    ASSERT_TRUE(result) << path;
    const std::string csp = result->get_header_value("Content-Security-Policy");
    EXPECT_THAT(csp, HasSubstr("default-src 'self'")) << path;
    EXPECT_THAT(csp, HasSubstr("script-src 'self'")) << path;
    EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'")) << path;
    EXPECT_THAT(csp, ::testing::Not(HasSubstr("unsafe-inline"))) << path;
    EXPECT_EQ(result->get_header_value("X-Content-Type-Options"), "nosniff") << path;
  }
  // A browser accepting Brotli gets gzip: Debian's cpp-httplib compresses
  // Brotli far too slowly for a document or the app's script.
  std::ofstream(web_root_ + "/big.js") << std::string(20000, 'x');
  httplib::Result compressed = client_->Get("/big.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(compressed);
  EXPECT_EQ(compressed->get_header_value("Content-Encoding"), "gzip");
  httplib::Result index = client_->Get("/");
  EXPECT_EQ(index->status, 200);
  EXPECT_THAT(index->body, HasSubstr("<title>icr</title>"));
  EXPECT_EQ(client_->Get("/app.js")->get_header_value("Content-Type").rfind("text/javascript", 0),
            0u);
}

}  // namespace
}  // namespace icr::http
