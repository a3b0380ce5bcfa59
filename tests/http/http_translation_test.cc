// The gateway's translation, without a server: routes, the JSON mapping of
// requests, the status mapping, cookies and the CSRF rule.

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "icr/v1/agreement.pb.h"
#include "icr/v1/audit.pb.h"
#include "icr/v1/coding.pb.h"
#include "icr/v1/project.pb.h"
#include "server/http/json_request.h"
#include "server/http/route_table.h"
#include "server/http/rpc_client.h"
#include "server/http/status_mapping.h"
#include "server/http/web_security.h"
#include "server/service/authorization.h"

namespace icr::http {
namespace {

using ::testing::HasSubstr;

TEST(RouteTableTest, EveryRouteNamesAServedRpcWhosePathFieldsExist) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const Route& route : RouteTable()) {
    EXPECT_TRUE(seen.emplace(route.http_method, route.path).second) << route.path;
    const google::protobuf::MethodDescriptor* method = RpcClient::FindMethod(route.rpc);
    ASSERT_NE(method, nullptr) << route.rpc;
    EXPECT_NE(service::FindRule(GrpcMethodName(route.rpc)), nullptr)
        << route.rpc << " is not in the authorization table";
    EXPECT_FALSE(method->client_streaming()) << route.rpc;
    // Each {variable} names a field of the request.
    std::unique_ptr<google::protobuf::Message> request =
        RpcClient::NewMessage(method->input_type());
    std::string path(route.path);
    for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
      const std::string field = path.substr(open + 1, path.find('}', open) - open - 1);
      EXPECT_TRUE(SetFieldFromText(*request, field, "1").ok()) << route.path << " " << field;
    }
  }
}

TEST(RouteTableTest, EveryUnaryRpcOfTheTableHasARoute) {
  std::set<std::string> routed;
  for (const Route& route : RouteTable()) routed.insert(GrpcMethodName(route.rpc));
  for (const service::MethodRule& rule : service::AuthorizationTable()) {
    const std::string method(rule.method);
    // Bulk import streams from the CLI; the browser's live view is the event
    // stream, not WatchAgreement.
    if (method == "/icr.v1.CodingService/ImportCodings" ||
        method == "/icr.v1.AgreementService/WatchAgreement") {
      continue;
    }
    EXPECT_TRUE(routed.count(method)) << method << " has no HTTP route";
  }
}

TEST(RouteTableTest, FindsRoutesBindsVariablesAndVerbs) {
  RouteLookup lookup =
      FindRoute("POST", "/v1/projects/p%2D1/rounds/r1/disagreements/d1:3:c1:resolve");
  ASSERT_TRUE(lookup.match);
  EXPECT_EQ(lookup.match->route->rpc, "icr.v1.AgreementService.ResolveDisagreement");
  EXPECT_THAT(
      lookup.match->bindings,
      ::testing::ElementsAre(::testing::Pair("project", "p-1"), ::testing::Pair("round", "r1"),
                             ::testing::Pair("disagreement", "d1:3:c1")));

  lookup = FindRoute("POST", "/v1/projects/p1/rounds/r1:advance");
  ASSERT_TRUE(lookup.match);
  EXPECT_EQ(lookup.match->route->rpc, "icr.v1.ProjectService.AdvanceRound");

  lookup = FindRoute("GET", "/v1/projects/p1/events:export");
  ASSERT_TRUE(lookup.match);
  EXPECT_EQ(lookup.match->route->rpc, "icr.v1.AuditService.ExportAudit");

  lookup = FindRoute("PATCH", "/v1/projects/p1/codes/c7");
  ASSERT_TRUE(lookup.match);
  EXPECT_THAT(lookup.match->bindings, ::testing::Contains(::testing::Pair("code.id", "c7")));

  // A known path with another method, an unknown path, an empty variable.
  lookup = FindRoute("DELETE", "/v1/projects/p1");
  EXPECT_FALSE(lookup.match);
  EXPECT_TRUE(lookup.path_known);
  EXPECT_FALSE(FindRoute("GET", "/v1/nothing").path_known);
  EXPECT_FALSE(FindRoute("GET", "/v1/projects//codes").match);
  EXPECT_FALSE(FindRoute("GET", "/v1/projects/p1:advance").match);
  EXPECT_FALSE(FindRoute("GET", "/v1/projects/p%zz").match);
}

TEST(JsonRequestTest, PathQueryAndBodyFillTheRequestThePathWinning) {
  v1::ComputeAgreementRequest request;
  HttpRequestParts parts;
  parts.bindings = {{"project", "p1"}, {"round", "r1"}};
  parts.query = {{"coefficients", "kappa"},
                 {"coefficients", "alpha"},
                 {"include_unfinished", "true"},
                 {"bootstrap", "200"}};
  parts.body = R"({"project": "other", "seed": "7"})";
  ASSERT_TRUE(BuildRequest(parts, request).ok());
  EXPECT_EQ(request.project(), "p1");
  EXPECT_EQ(request.round(), "r1");
  EXPECT_THAT(request.coefficients(), ::testing::ElementsAre("kappa", "alpha"));
  EXPECT_TRUE(request.include_unfinished());
  EXPECT_EQ(request.bootstrap(), 200);
}

TEST(JsonRequestTest, EnumsByNameAndNestedFields) {
  v1::UpdateCodeRequest request;
  ASSERT_TRUE(SetFieldFromText(request, "code.id", "c1").ok());
  ASSERT_TRUE(SetFieldFromText(request, "code.name", "Trust").ok());
  EXPECT_EQ(request.code().id(), "c1");
  v1::SetDocumentProgressRequest progress;
  ASSERT_TRUE(SetFieldFromText(progress, "state", "DONE").ok());
  EXPECT_EQ(progress.state(), v1::DONE);
}

TEST(JsonRequestTest, BadInputNamesTheField) {
  v1::ComputeAgreementRequest request;
  HttpRequestParts parts;
  parts.query = {{"bootstrap", "many"}};
  absl::Status status = BuildRequest(parts, request);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("bootstrap"));

  parts.query = {{"no_such_field", "1"}};
  status = BuildRequest(parts, request);
  EXPECT_THAT(std::string(status.message()), HasSubstr("no_such_field"));

  v1::CreateCodeRequest code;
  HttpRequestParts body;
  body.body = R"({"code": {"id": "c1", "colour": "red"}})";
  status = BuildRequest(body, code);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("colour"));

  body.body = R"({"code": {"id": 5}})";
  EXPECT_EQ(BuildRequest(body, code).code(), absl::StatusCode::kInvalidArgument);
  body.body = R"({"code": )";
  EXPECT_THAT(std::string(BuildRequest(body, code).message()), HasSubstr("request body"));
}

TEST(JsonRequestTest, PrintsProtoNamesEveryFieldAndInt64AsStrings) {
  v1::SubmitCodingsResponse response;
  const std::string json = ToJson(v1::ListCodingsRequest());
  EXPECT_THAT(json, HasSubstr("\"include_retracted\":false"));
  EXPECT_THAT(json, HasSubstr("\"page_size\":0"));
  v1::GetInclusionProofRequest proof;
  proof.set_seq(12);
  EXPECT_THAT(ToJson(proof), HasSubstr("\"seq\":\"12\""));
}

TEST(StatusMappingTest, MapsAsGrpcGatewayDoes) {
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::OK), 200);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::FAILED_PRECONDITION), 400);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::OUT_OF_RANGE), 400);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::ALREADY_EXISTS), 409);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::ABORTED), 409);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::CANCELLED), 499);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNIMPLEMENTED), 501);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::DEADLINE_EXCEEDED), 504);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::INTERNAL), 500);
  EXPECT_EQ(HttpStatusFor(grpc::StatusCode::DATA_LOSS), 500);
  EXPECT_EQ(ErrorBody(grpc::StatusCode::INVALID_ARGUMENT, "codings[0].span: \"bad\""),
            R"({"code":3,"status":"INVALID_ARGUMENT","message":"codings[0].span: \"bad\""})");
}

TEST(WebSecurityTest, SessionCookieAttributes) {
  const std::string cookie = SessionCookie("secret", absl::Hours(12), /*secure=*/false);
  EXPECT_THAT(cookie, HasSubstr("icr_session=secret"));
  EXPECT_THAT(cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(cookie, HasSubstr("Max-Age=43200"));
  EXPECT_THAT(cookie, ::testing::Not(HasSubstr("Secure")));
  EXPECT_THAT(SessionCookie("s", absl::Hours(1), true), HasSubstr("; Secure"));
  EXPECT_EQ(CookieValue("a=1; icr_session=abc; b=2", "icr_session"), "abc");
  EXPECT_EQ(CookieValue("a=1", "icr_session"), std::nullopt);
}

TEST(WebSecurityTest, CsrfRule) {
  CsrfInput input;
  input.own_origin = "http://127.0.0.1:8080";
  input.http_method = "POST";
  input.by_cookie = true;
  input.has_csrf_header = true;
  input.origin = "http://127.0.0.1:8080";
  EXPECT_EQ(CsrfRefusal(input), std::nullopt);
  input.has_csrf_header = false;
  EXPECT_NE(CsrfRefusal(input), std::nullopt);
  input.has_csrf_header = true;
  input.origin = "http://evil.example";
  EXPECT_NE(CsrfRefusal(input), std::nullopt);
  // A script with a bearer token: no cookie, no CSRF header needed.
  input.origin = "";
  input.by_cookie = false;
  input.has_csrf_header = false;
  EXPECT_EQ(CsrfRefusal(input), std::nullopt);
  // Reads never change state.
  input.by_cookie = true;
  input.http_method = "GET";
  EXPECT_EQ(CsrfRefusal(input), std::nullopt);
}

}  // namespace
}  // namespace icr::http
