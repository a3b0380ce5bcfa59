// A stream's caller is checked for as long as the stream lasts, through the
// real server: a WatchAgreement stream ends UNAUTHENTICATED when its token is
// revoked and PERMISSION_DENIED when its caller's new role may not see the
// round; an ImportCodings stream ends when its token is revoked; a watch
// computes no bootstrap.

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "icr/v1/agreement.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;
using Clock = std::chrono::steady_clock;

class StreamAuthorizationTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    coding_ = v1::CodingService::NewStub(channel_);
    agreement_ = v1::AgreementService::NewStub(channel_);
    for (const char* user : {"olga", "lena", "carl", "cora"}) tokens_[user] = CreateUser(user);
    Ok(Call(tokens_["olga"], &v1::ProjectService::Stub::CreateProject, *project_,
            Req<v1::CreateProjectRequest>([](auto& r) {
              r.set_id("p");
              r.set_title("P");
            })));
    for (auto [user, role] : std::map<std::string, v1::MemberRole>{
             {"lena", v1::LEAD}, {"carl", v1::CODER}, {"cora", v1::CODER}}) {
      SetRole(user, role);
    }
    Ok(Call(tokens_["olga"], &v1::ProjectService::Stub::CreateCode, *project_,
            Req<v1::CreateCodeRequest>([](auto& r) {
              r.set_project("p");
              r.mutable_code()->set_id("c1");
              r.mutable_code()->set_name("C1");
            })));
    Ok(Call(tokens_["olga"], &v1::ProjectService::Stub::CreateDocument, *project_,
            Req<v1::CreateDocumentRequest>([](auto& r) {
              r.set_project("p");
              r.set_id("d1");
              r.set_text("one\n\ntwo\n\nthree\n\nfour");
              r.set_segmentation(v1::SEGMENT_PARAGRAPH);
            })));
    // Blind: while it is OPEN only leads and owners see its agreement.
    Ok(Call(tokens_["olga"], &v1::ProjectService::Stub::CreateRound, *project_,
            Req<v1::CreateRoundRequest>([](auto& r) {
              r.set_project("p");
              r.set_id("r1");
              r.set_blind(true);
              r.add_documents("d1");
              r.add_coders("carl");
              r.add_coders("cora");
            })));
    for (const char* coder : {"carl", "cora"}) {
      Ok(Call(tokens_[coder], &v1::CodingService::Stub::SubmitCodings, *coding_,
              Req<v1::SubmitCodingsRequest>([](auto& r) {
                r.set_project("p");
                r.set_round("r1");
                v1::CodingInput* in = r.add_codings();
                in->set_document("d1");
                in->set_segment(0);
                in->set_code("c1");
              })));
    }
  }

  template <typename Request, typename Fill>
  static Request Req(Fill fill) {
    Request request;
    fill(request);
    return request;
  }

  static void Ok(const grpc::Status& status) {
    ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  }

  void SetRole(const std::string& user, v1::MemberRole role) {
    Ok(Call(tokens_["olga"], &v1::ProjectService::Stub::AddMember, *project_,
            Req<v1::AddMemberRequest>([&](auto& r) {
              r.set_project("p");
              r.set_user(user);
              r.set_role(role);
            })));
  }

  // A second token of `user`, made by the user itself; returns the token
  // and stores its id in `token_id`.
  std::string SecondToken(const std::string& user, std::string* token_id) {
    v1::CreateTokenResponse created;
    Ok(Call(tokens_[user], &v1::AdminService::Stub::CreateToken, *admin_,
            Req<v1::CreateTokenRequest>([&](auto& r) { r.set_user(user); }), &created));
    *token_id = created.info().token_id();
    return created.token();
  }

  void Revoke(const std::string& user, const std::string& token_id) {
    Ok(Call(tokens_[user], &v1::AdminService::Stub::RevokeToken, *admin_,
            Req<v1::RevokeTokenRequest>([&](auto& r) { r.set_token_id(token_id); })));
  }

  struct Watch {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::ComputeAgreementResponse>> reader;
  };

  std::unique_ptr<Watch> OpenWatch(const std::string& token, int32_t bootstrap = 0) {
    auto watch = std::make_unique<Watch>();
    watch->context.AddMetadata("authorization", "Bearer " + token);
    watch->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    v1::WatchAgreementRequest request;
    request.set_project("p");
    request.set_round("r1");
    request.mutable_query()->set_bootstrap(bootstrap);
    watch->reader = agreement_->WatchAgreement(&watch->context, request);
    return watch;
  }

  // Reads until the stream ends (at most 20 updates); returns its status and
  // how long the end took.
  static grpc::Status ReadToEnd(Watch& watch, Clock::duration* took) {
    const auto start = Clock::now();
    v1::ComputeAgreementResponse table;
    for (int i = 0; i < 20 && watch.reader->Read(&table); ++i) {
    }
    *took = Clock::now() - start;
    return watch.reader->Finish();
  }

  std::map<std::string, std::string> tokens_;
  std::unique_ptr<v1::CodingService::Stub> coding_;
  std::unique_ptr<v1::AgreementService::Stub> agreement_;
};

TEST_F(StreamAuthorizationTest, WatchEndsWhenItsTokenIsRevoked) {
  std::string token_id;
  const std::string token = SecondToken("lena", &token_id);
  std::unique_ptr<Watch> watch = OpenWatch(token);
  v1::ComputeAgreementResponse first;
  ASSERT_TRUE(watch->reader->Read(&first)) << watch->reader->Finish().error_message();
  Revoke("lena", token_id);
  Clock::duration took;
  grpc::Status status = ReadToEnd(*watch, &took);
  EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED) << status.error_message();
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST_F(StreamAuthorizationTest, WatchEndsWhenTheNewRoleMayNotSeeTheRound) {
  std::unique_ptr<Watch> watch = OpenWatch(tokens_["lena"]);
  v1::ComputeAgreementResponse first;
  ASSERT_TRUE(watch->reader->Read(&first)) << watch->reader->Finish().error_message();
  // A coder does not see a blind OPEN round's agreement.
  SetRole("lena", v1::CODER);
  Clock::duration took;
  grpc::Status status = ReadToEnd(*watch, &took);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_LT(took, std::chrono::seconds(3));
}

TEST_F(StreamAuthorizationTest, WatchRefusesABootstrap) {
  std::unique_ptr<Watch> watch = OpenWatch(tokens_["lena"], /*bootstrap=*/1000);
  Clock::duration took;
  grpc::Status status = ReadToEnd(*watch, &took);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("query.bootstrap"), std::string::npos)
      << status.error_message();
}

TEST_F(StreamAuthorizationTest, ImportEndsWhenItsTokenIsRevoked) {
  std::string token_id;
  const std::string token = SecondToken("carl", &token_id);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  v1::ImportCodingsResponse response;
  auto writer = coding_->ImportCodings(&context, &response);
  auto message = [](int segment) {
    v1::ImportCodingsRequest request;
    request.set_project("p");
    request.set_round("r1");
    v1::CodingInput* in = request.add_codings();
    in->set_document("d1");
    in->set_segment(segment);
    in->set_code("c1");
    return request;
  };
  auto stored = [&] {
    v1::ListCodingsResponse list;
    Ok(Call(tokens_["olga"], &v1::CodingService::Stub::ListCodings, *coding_,
            Req<v1::ListCodingsRequest>([](auto& r) {
              r.set_project("p");
              r.set_round("r1");
              r.set_coder("carl");
            }),
            &list));
    return list.codings_size();
  };
  ASSERT_TRUE(writer->Write(message(1)));
  // The first chunk is stored before the token goes.
  const auto give_up = Clock::now() + std::chrono::seconds(10);
  while (stored() < 2 && Clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(stored(), 2);
  Revoke("carl", token_id);
  writer->Write(message(2));
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), StatusCode::UNAUTHENTICATED) << status.error_message();
  EXPECT_EQ(stored(), 2);
}

}  // namespace
}  // namespace icr
