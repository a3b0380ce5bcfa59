// Browser sessions and sign-in links against the real server: an API token
// or a single-use sign-in code is exchanged for a session token, which then
// acts as the user's API token until it expires or is revoked; a sign-in
// code is never a bearer token; who may make a sign-in link; and no secret
// reaches the audit trail.

#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;
using ::testing::HasSubstr;

class SessionTest : public testing::ServerTest {
 protected:
  grpc::Status WhoAmI(const std::string& token, std::string* user = nullptr) {
    v1::GetCurrentUserResponse me;
    grpc::Status status = Call(token, &v1::AdminService::Stub::GetCurrentUser, *admin_,
                               v1::GetCurrentUserRequest(), &me);
    if (user != nullptr) *user = me.user().id();
    return status;
  }

  // CreateSession needs no bearer token: it is always sent without one.
  grpc::Status Exchange(const v1::CreateSessionRequest& request,
                        v1::CreateSessionResponse* response) {
    return Call("", &v1::AdminService::Stub::CreateSession, *admin_, request, response);
  }

  grpc::Status ExchangeToken(const std::string& token, v1::CreateSessionResponse* response,
                             int64_t ttl_seconds = 0) {
    v1::CreateSessionRequest request;
    request.set_token(token);
    request.set_ttl_seconds(ttl_seconds);
    return Exchange(request, response);
  }

  grpc::Status ExchangeCode(const std::string& code, v1::CreateSessionResponse* response) {
    v1::CreateSessionRequest request;
    request.set_signin_code(code);
    return Exchange(request, response);
  }

  grpc::Status Invite(const std::string& token, const std::string& user,
                      v1::CreateSigninLinkResponse* response, int64_t ttl_seconds = 0) {
    v1::CreateSigninLinkRequest request;
    request.set_user(user);
    request.set_ttl_seconds(ttl_seconds);
    return Call(token, &v1::AdminService::Stub::CreateSigninLink, *admin_, request, response);
  }

  // A sign-in code for `user`, made by the admin.
  std::string CodeFor(const std::string& user, int64_t ttl_seconds = 0) {
    v1::CreateSigninLinkResponse link;
    grpc::Status status = Invite(admin_token_, user, &link, ttl_seconds);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return link.code();
  }

  void CreateProject(const std::string& owner_token, const std::string& id) {
    v1::CreateProjectRequest request;
    request.set_id(id);
    request.set_title(id);
    ASSERT_TRUE(
        Call(owner_token, &v1::ProjectService::Stub::CreateProject, *project_, request).ok());
  }

  void AddMember(const std::string& token, const std::string& project, const std::string& user,
                 v1::MemberRole role) {
    v1::AddMemberRequest request;
    request.set_project(project);
    request.set_user(user);
    request.set_role(role);
    grpc::Status status = Call(token, &v1::ProjectService::Stub::AddMember, *project_, request);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::map<std::string, v1::TokenInfo> TokensOf(const std::string& user) {
    v1::ListTokensRequest request;
    request.set_user(user);
    v1::ListTokensResponse response;
    EXPECT_TRUE(
        Call(admin_token_, &v1::AdminService::Stub::ListTokens, *admin_, request, &response).ok());
    std::map<std::string, v1::TokenInfo> tokens;
    for (const v1::TokenInfo& info : response.tokens()) tokens[info.token_id()] = info;
    return tokens;
  }
};

TEST_F(SessionTest, AnApiTokenIsExchangedForASessionOfItsUser) {
  const std::string alice = CreateUser("alice");
  v1::CreateSessionResponse session;
  const absl::Time before = absl::Now();
  ASSERT_TRUE(ExchangeToken(alice, &session).ok());
  EXPECT_EQ(session.user().id(), "alice");
  EXPECT_EQ(session.info().user(), "alice");
  EXPECT_EQ(session.info().kind(), v1::TOKEN_KIND_SESSION);
  EXPECT_NE(session.session_token(), alice);
  // Twelve hours by default.
  const int64_t lifetime = session.info().expire_time().seconds() - absl::ToUnixSeconds(before);
  EXPECT_GE(lifetime, 12 * 3600 - 5);
  EXPECT_LE(lifetime, 12 * 3600 + 5);
  std::string who;
  ASSERT_TRUE(WhoAmI(session.session_token(), &who).ok());
  EXPECT_EQ(who, "alice");
  // Listed beside the API token, with its kind, and the API token lives on.
  std::map<std::string, v1::TokenInfo> tokens = TokensOf("alice");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens.at(session.info().token_id()).kind(), v1::TOKEN_KIND_SESSION);
  for (const auto& [id, info] : tokens) {
    if (id != session.info().token_id()) EXPECT_EQ(info.kind(), v1::TOKEN_KIND_API);
  }
  EXPECT_TRUE(WhoAmI(alice).ok());
}

TEST_F(SessionTest, ASigninCodeWorksOnceOnly) {
  CreateUser("alice");
  const std::string code = CodeFor("alice");
  v1::CreateSessionResponse session;
  ASSERT_TRUE(ExchangeCode(code, &session).ok());
  EXPECT_EQ(session.user().id(), "alice");
  EXPECT_TRUE(WhoAmI(session.session_token()).ok());
  grpc::Status again = ExchangeCode(code, &session);
  EXPECT_EQ(again.error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(again.error_message(),
            "signin_code: this sign-in link was already used or has expired; ask your lead for "
            "a new one");
  // The spent link is listed as such.
  int links = 0;
  for (const auto& [id, info] : TokensOf("alice")) {
    if (info.kind() != v1::TOKEN_KIND_SIGNIN) continue;
    ++links;
    EXPECT_TRUE(info.revoked());
  }
  EXPECT_EQ(links, 1);
}

TEST_F(SessionTest, TwoExchangesOfOneCodeAtOnceMakeOneSession) {
  CreateUser("alice");
  for (int attempt = 0; attempt < 5; ++attempt) {
    const std::string code = CodeFor("alice");
    std::atomic<int> sessions = 0;
    std::atomic<int> refused = 0;
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&] {
        v1::CreateSessionResponse session;
        grpc::Status status = ExchangeCode(code, &session);
        if (status.ok()) ++sessions;
        if (status.error_code() == StatusCode::UNAUTHENTICATED) ++refused;
      });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(sessions, 1);
    EXPECT_EQ(refused, 3);
  }
}

TEST_F(SessionTest, ASigninCodeExpires) {
  CreateUser("alice");
  const std::string code = CodeFor("alice", /*ttl_seconds=*/1);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  v1::CreateSessionResponse session;
  grpc::Status expired = ExchangeCode(code, &session);
  EXPECT_EQ(expired.error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(expired.error_message(), HasSubstr("already used or has expired"));
}

TEST_F(SessionTest, ASigninCodeIsNoBearerToken) {
  CreateUser("alice");
  const std::string code = CodeFor("alice");
  std::string who;
  grpc::Status as_bearer = WhoAmI(code, &who);
  EXPECT_EQ(as_bearer.error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(as_bearer.error_message(), HasSubstr("exchanged at POST /v1/sessions"));
  // ... nor an API token to exchange; and neither attempt spent it.
  v1::CreateSessionResponse session;
  grpc::Status as_token = ExchangeToken(code, &session);
  EXPECT_EQ(as_token.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(as_token.error_message(), HasSubstr("signin_code"));
  ASSERT_TRUE(ExchangeCode(code, &session).ok());
}

TEST_F(SessionTest, ASessionActsWithItsUsersRoleUntilRevoked) {
  const std::string owner = CreateUser("owner");
  CreateUser("alice");
  CreateProject(owner, "p");
  AddMember(owner, "p", "alice", v1::CODER);
  v1::CreateSessionResponse session;
  ASSERT_TRUE(ExchangeCode(CodeFor("alice"), &session).ok());
  const std::string& token = session.session_token();

  v1::ListCodesRequest list;
  list.set_project("p");
  EXPECT_TRUE(Call(token, &v1::ProjectService::Stub::ListCodes, *project_, list).ok());
  v1::CreateCodeRequest create;
  create.set_project("p");
  create.mutable_code()->set_id("c1");
  create.mutable_code()->set_name("C1");
  EXPECT_EQ(Call(token, &v1::ProjectService::Stub::CreateCode, *project_, create).error_code(),
            StatusCode::PERMISSION_DENIED)
      << "a coder's session may not edit the codebook";
  v1::GetProjectRequest other;
  other.set_project("q");
  EXPECT_EQ(Call(token, &v1::ProjectService::Stub::GetProject, *project_, other).error_code(),
            StatusCode::NOT_FOUND);

  // The session revokes itself (signing out): refused from the next call on.
  v1::RevokeTokenRequest revoke;
  revoke.set_token_id(session.info().token_id());
  v1::RevokeTokenResponse revoked;
  ASSERT_TRUE(Call(token, &v1::AdminService::Stub::RevokeToken, *admin_, revoke, &revoked).ok());
  EXPECT_EQ(revoked.token().kind(), v1::TOKEN_KIND_SESSION);
  grpc::Status after = Call(token, &v1::ProjectService::Stub::ListCodes, *project_, list);
  EXPECT_EQ(after.error_code(), StatusCode::UNAUTHENTICATED);
  // A revoked session is not exchanged for another either.
  v1::CreateSessionResponse again;
  EXPECT_EQ(ExchangeToken(token, &again).error_code(), StatusCode::UNAUTHENTICATED);
}

TEST_F(SessionTest, ASessionIsNotExchangedForAnother) {
  const std::string alice = CreateUser("alice");
  v1::CreateSessionResponse session;
  ASSERT_TRUE(ExchangeToken(alice, &session).ok());
  v1::CreateSessionResponse second;
  grpc::Status status = ExchangeToken(session.session_token(), &second);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("a session cannot be exchanged"));
}

TEST_F(SessionTest, ASessionExpires) {
  const std::string alice = CreateUser("alice");
  v1::CreateSessionResponse session;
  ASSERT_TRUE(ExchangeToken(alice, &session, /*ttl_seconds=*/1).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(WhoAmI(session.session_token()).error_code(), StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(WhoAmI(alice).ok());
}

TEST_F(SessionTest, ASessionEndsNoLaterThanItsApiToken) {
  const std::string alice = CreateUser("alice");
  v1::CreateTokenRequest request;
  request.set_user("alice");
  request.set_ttl_seconds(60);
  v1::CreateTokenResponse short_lived;
  ASSERT_TRUE(
      Call(alice, &v1::AdminService::Stub::CreateToken, *admin_, request, &short_lived).ok());
  v1::CreateSessionResponse session;
  ASSERT_TRUE(ExchangeToken(short_lived.token(), &session).ok());
  EXPECT_EQ(session.info().expire_time().seconds(), short_lived.info().expire_time().seconds());
}

TEST_F(SessionTest, BadRequestsNameTheFieldAndStoreNothing) {
  const std::string alice = CreateUser("alice");
  const std::string code = CodeFor("alice");
  const int64_t events = EventCount("_server");
  v1::CreateSessionResponse session;
  v1::CreateSessionRequest neither;
  grpc::Status status = Exchange(neither, &session);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("token:"));
  v1::CreateSessionRequest both;
  both.set_token(alice);
  both.set_signin_code(code);
  status = Exchange(both, &session);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("signin_code:"));
  for (int64_t ttl : {int64_t{-1}, int64_t{7 * 24 * 3600 + 1}}) {
    status = ExchangeToken(alice, &session, ttl);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << ttl;
    EXPECT_THAT(status.error_message(), HasSubstr("ttl_seconds")) << ttl;
  }
  status = ExchangeToken("icr_" + std::string(64, '0'), &session);
  EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED);
  status = ExchangeCode("icr_" + std::string(64, '0'), &session);
  EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED);
  v1::CreateSigninLinkResponse link;
  for (int64_t ttl : {int64_t{-1}, int64_t{30 * 24 * 3600 + 1}}) {
    status = Invite(admin_token_, "alice", &link, ttl);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << ttl;
    EXPECT_THAT(status.error_message(), HasSubstr("ttl_seconds")) << ttl;
  }
  status = Invite(admin_token_, "nobody", &link);
  EXPECT_EQ(status.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(EventCount("_server"), events);
  EXPECT_EQ(TokensOf("alice").size(), 2u) << "a refused request stored a token";
  // The refused attempts did not spend the code.
  EXPECT_TRUE(ExchangeCode(code, &session).ok());
}

TEST_F(SessionTest, ASigninLinkLastsSevenDaysByDefault) {
  CreateUser("alice");
  v1::CreateSigninLinkResponse link;
  const absl::Time before = absl::Now();
  ASSERT_TRUE(Invite(admin_token_, "alice", &link).ok());
  EXPECT_EQ(link.info().kind(), v1::TOKEN_KIND_SIGNIN);
  const int64_t lifetime = link.info().expire_time().seconds() - absl::ToUnixSeconds(before);
  EXPECT_GE(lifetime, 7 * 24 * 3600 - 5);
  EXPECT_LE(lifetime, 7 * 24 * 3600 + 5);
  // A retry with the same request_id answers without the code, and makes
  // no second link.
  v1::CreateSigninLinkRequest request;
  request.set_user("alice");
  request.set_request_id("invite-1");
  v1::CreateSigninLinkResponse first, retry;
  ASSERT_TRUE(
      Call(admin_token_, &v1::AdminService::Stub::CreateSigninLink, *admin_, request, &first).ok());
  ASSERT_TRUE(
      Call(admin_token_, &v1::AdminService::Stub::CreateSigninLink, *admin_, request, &retry).ok());
  EXPECT_FALSE(first.code().empty());
  EXPECT_TRUE(retry.code().empty());
  EXPECT_EQ(retry.info().token_id(), first.info().token_id());
  EXPECT_EQ(TokensOf("alice").size(), 3u);
}

TEST_F(SessionTest, WhoMayMakeASigninLink) {
  const std::string owner = CreateUser("owner");
  const std::string lead = CreateUser("lead");
  const std::string alice = CreateUser("alice");
  const std::string other_lead = CreateUser("other-lead");
  const std::string bob = CreateUser("bob");
  const std::string dana = CreateUser("dana");
  CreateUser("root", /*admin=*/true);
  CreateProject(owner, "p");
  AddMember(owner, "p", "lead", v1::LEAD);
  AddMember(owner, "p", "alice", v1::CODER);
  AddMember(owner, "p", "dana", v1::CODER);
  AddMember(owner, "p", "root", v1::CODER);
  CreateProject(other_lead, "q");  // other-lead owns q ...
  AddMember(other_lead, "q", "bob", v1::CODER);
  AddMember(other_lead, "q", "dana", v1::LEAD);  // ... where dana leads

  v1::CreateSigninLinkResponse link;
  auto code_of = [&](const std::string& token, const std::string& user) {
    return Invite(token, user, &link).error_code();
  };
  // A lead or owner of alice's only project: yes.
  EXPECT_EQ(code_of(lead, "alice"), StatusCode::OK);
  EXPECT_EQ(code_of(owner, "alice"), StatusCode::OK);
  EXPECT_EQ(code_of(owner, "lead"), StatusCode::OK);
  // The lead or owner of another project: no.
  EXPECT_EQ(code_of(other_lead, "alice"), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(code_of(lead, "bob"), StatusCode::PERMISSION_DENIED);
  // Alice is a coder: no links for others.
  EXPECT_EQ(code_of(alice, "dana"), StatusCode::PERMISSION_DENIED);
  // A lead does not make links for an owner (whoever holds the code acts as
  // its user) ...
  EXPECT_EQ(code_of(lead, "owner"), StatusCode::PERMISSION_DENIED);
  // ... nor for someone who is also in a project where the lead is not above
  // them (dana leads q), nor for a server admin.
  EXPECT_EQ(code_of(lead, "dana"), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(code_of(owner, "dana"), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(code_of(lead, "root"), StatusCode::PERMISSION_DENIED);
  // Unknown users are refused alike, so their existence does not leak.
  EXPECT_EQ(code_of(lead, "nobody"), StatusCode::PERMISSION_DENIED);
  // Oneself and an admin: yes.
  EXPECT_EQ(code_of(alice, "alice"), StatusCode::OK);
  EXPECT_EQ(code_of(admin_token_, "dana"), StatusCode::OK);
  EXPECT_EQ(code_of(admin_token_, "root"), StatusCode::OK);
  grpc::Status refused = Invite(other_lead, "alice", &link);
  EXPECT_THAT(refused.error_message(), HasSubstr("user: "));
  // A refused request's code would have been alice's: nothing was made.
  int links = 0;
  for (const auto& [id, info] : TokensOf("alice")) links += info.kind() == v1::TOKEN_KIND_SIGNIN;
  EXPECT_EQ(links, 3);
}

TEST_F(SessionTest, NoSecretReachesTheAuditTrail) {
  const std::string alice = CreateUser("alice");
  const std::string code = CodeFor("alice");
  v1::CreateSessionResponse by_code, by_token;
  ASSERT_TRUE(ExchangeCode(code, &by_code).ok());
  ASSERT_TRUE(ExchangeToken(alice, &by_token).ok());

  v1::ListEventsRequest request;
  request.set_project("_server");
  request.set_page_size(1000);
  v1::ListEventsResponse events;
  ASSERT_TRUE(
      Call(admin_token_, &v1::AuditService::Stub::ListEvents, *audit_, request, &events).ok());
  std::map<std::string, int> methods;
  for (const v1::EventRecord& record : events.events()) {
    const v1::AuditEvent& event = record.event();
    const std::string bytes = record.SerializeAsString();
    for (const std::string& secret :
         {code, alice, by_code.session_token(), by_token.session_token()}) {
      // The 64 hex digits, with or without the prefix.
      EXPECT_EQ(bytes.find(secret.substr(4)), std::string::npos) << event.method();
    }
    ++methods[event.method()];
    if (event.method() == "/icr.v1.AdminService/CreateSession") {
      EXPECT_EQ(event.actor(), "alice");
      v1::CreateSessionRequest recorded;
      ASSERT_TRUE(recorded.ParseFromString(event.request()));
      EXPECT_TRUE(recorded.token().empty());
      EXPECT_TRUE(recorded.signin_code().empty());
    }
  }
  EXPECT_EQ(methods["/icr.v1.AdminService/CreateSigninLink"], 1);
  EXPECT_EQ(methods["/icr.v1.AdminService/CreateSession"], 2);
}

}  // namespace
}  // namespace icr
