// Every limit through a real server on loopback: over it is
// RESOURCE_EXHAUSTED with nothing stored, and the server keeps serving
// everyone else — a token flooding the server does not slow another token's
// calls, and one holding the most streams does not keep others out.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "icr/v1/coding.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace icr {
namespace {

using grpc::StatusCode;
using Clock = std::chrono::steady_clock;

class LimitsTest : public testing::ServerTest {
 protected:
  // Restarts the server with `options_` as the test set them.
  void Restart() {
    RestartServer();
    coding_ = v1::CodingService::NewStub(channel_);
  }

  // Project p with code c1, document d1 (two paragraphs), round r1 of d1
  // coded by `coders`, each a coder of p.
  void CreateStudy(const std::vector<std::string>& coders) {
    Ok(Call(admin_token_, &v1::ProjectService::Stub::CreateProject, *project_,
            Req<v1::CreateProjectRequest>([](auto& r) {
              r.set_id("p");
              r.set_title("P");
            })));
    for (const std::string& coder : coders) {
      Ok(Call(admin_token_, &v1::ProjectService::Stub::AddMember, *project_,
              Req<v1::AddMemberRequest>([&](auto& r) {
                r.set_project("p");
                r.set_user(coder);
                r.set_role(v1::CODER);
              })));
    }
    Ok(Call(admin_token_, &v1::ProjectService::Stub::CreateCode, *project_,
            Req<v1::CreateCodeRequest>([](auto& r) {
              r.set_project("p");
              r.mutable_code()->set_id("c1");
              r.mutable_code()->set_name("C1");
            })));
    Ok(Call(admin_token_, &v1::ProjectService::Stub::CreateDocument, *project_,
            Req<v1::CreateDocumentRequest>([](auto& r) {
              r.set_project("p");
              r.set_id("d1");
              r.set_text("first\n\nnext");
              r.set_segmentation(v1::SEGMENT_PARAGRAPH);
            })));
    Ok(Call(admin_token_, &v1::ProjectService::Stub::CreateRound, *project_,
            Req<v1::CreateRoundRequest>([&](auto& r) {
              r.set_project("p");
              r.set_id("r1");
              r.add_documents("d1");
              for (const std::string& coder : coders) r.add_coders(coder);
            })));
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

  grpc::Status WhoAmI(const std::string& token) {
    return Call(token, &v1::AdminService::Stub::GetCurrentUser, *admin_,
                v1::GetCurrentUserRequest());
  }

  // An ImportCodings stream into p/r1 kept open after its first (empty)
  // message, holding a stream slot on the server once the server has read
  // that message.
  struct OpenImport {
    grpc::ClientContext context;
    v1::ImportCodingsResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::ImportCodingsRequest>> writer;

    grpc::Status Close() {
      writer->WritesDone();
      return writer->Finish();
    }
  };

  std::unique_ptr<OpenImport> Open(const std::string& token) {
    auto stream = std::make_unique<OpenImport>();
    stream->context.AddMetadata("authorization", "Bearer " + token);
    stream->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    stream->writer = coding_->ImportCodings(&stream->context, &stream->response);
    v1::ImportCodingsRequest first;
    first.set_project("p");
    first.set_round("r1");
    EXPECT_TRUE(stream->writer->Write(first));
    return stream;
  }

  // Opens and at once closes an import as `token`, until the server answers
  // RESOURCE_EXHAUSTED (streams held by others may not have reached the
  // server yet) or 10 s pass; returns the last answer.
  grpc::Status ImportUntilRefused(const std::string& token) {
    const auto give_up = Clock::now() + std::chrono::seconds(10);
    while (true) {
      grpc::Status status = Open(token)->Close();
      if (status.error_code() != StatusCode::OK || Clock::now() > give_up) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  int CodingCount(const std::string& token) {
    v1::ListCodingsRequest request;
    request.set_project("p");
    request.set_round("r1");
    v1::ListCodingsResponse response;
    grpc::Status status =
        Call(token, &v1::CodingService::Stub::ListCodings, *coding_, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.codings_size();
  }

  std::unique_ptr<v1::CodingService::Stub> coding_;
};

TEST_F(LimitsTest, FloodFromOneTokenIsRefusedWhileAnotherTokenIsServed) {
  constexpr double kRate = 20;
  options_.limits.requests_per_second = kRate;
  options_.limits.burst = kRate;
  Restart();
  const std::string flooder = CreateUser("flooder");
  const std::string other = CreateUser("other");

  // Four threads call as fast as they can until the other token's calls are
  // done (at most 2,000 calls each, so the test is bounded either way).
  std::atomic<bool> done = false;
  std::atomic<int> admitted = 0, refused = 0, unexpected = 0;
  const auto flood_start = Clock::now();
  std::vector<std::thread> flood;
  for (int t = 0; t < 4; ++t) {
    flood.emplace_back([&] {
      for (int i = 0; i < 2000 && !done; ++i) {
        grpc::Status status = WhoAmI(flooder);
        if (status.ok()) {
          ++admitted;
        } else if (status.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
          ++refused;
        } else {
          ++unexpected;
        }
      }
    });
  }
  // Meanwhile the other token makes ten calls, one every 100 ms (half its
  // rate): each succeeds, and promptly.
  while (refused == 0 && Clock::now() - flood_start < std::chrono::seconds(10)) {
    std::this_thread::yield();
  }
  ASSERT_GT(refused.load(), 0) << "the flood was never refused";
  std::chrono::duration<double> slowest{0};
  for (int i = 0; i < 10; ++i) {
    const auto start = Clock::now();
    grpc::Status status = WhoAmI(other);
    slowest = std::max<std::chrono::duration<double>>(slowest, Clock::now() - start);
    EXPECT_TRUE(status.ok()) << "call " << i << ": " << status.error_code() << " "
                             << status.error_message();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const bool flood_still_running = !done.exchange(true);
  for (std::thread& thread : flood) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - flood_start).count();

  EXPECT_TRUE(flood_still_running) << "the flood ended before the other token's calls did";
  EXPECT_LT(slowest.count(), 1.0) << "the other token waited";
  EXPECT_EQ(unexpected.load(), 0);
  // The flooder got its burst and the rate, no more.
  EXPECT_GE(admitted.load(), 1);
  EXPECT_LE(admitted.load(), kRate + kRate * elapsed + 1);
  EXPECT_GT(refused.load(), admitted.load());
  // Its bucket refills: after a pause it is served again.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Ok(WhoAmI(flooder));
}

TEST_F(LimitsTest, RateLimitIsOffByDefault) {
  const std::string user = CreateUser("u");
  for (int i = 0; i < 300; ++i) {
    grpc::Status status = WhoAmI(user);
    ASSERT_TRUE(status.ok()) << "call " << i << ": " << status.error_message();
  }
}

// A client stream pays for each message, not once: an import of many
// small messages is held to the token's rate like as many calls, and the
// chunks stored before the refusal stay stored.
TEST_F(LimitsTest, EachMessageOfAnImportIsChargedToTheTokensRate) {
  const std::string coder = CreateUser("a");
  CreateStudy({"a"});
  options_.limits.requests_per_second = 1;
  options_.limits.burst = 3;
  Restart();
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + coder);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::ImportCodingsResponse response;
  auto writer = coding_->ImportCodings(&context, &response);
  for (int i = 0; i < 20; ++i) {
    v1::ImportCodingsRequest message;
    message.set_project("p");
    message.set_round("r1");
    v1::CodingInput* coding = message.add_codings();
    coding->set_document("d1");
    coding->set_code("c1");
    coding->mutable_span()->set_start(i);
    coding->mutable_span()->set_end(i + 1);
    if (!writer->Write(message)) break;  // the server has ended the stream
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_NE(status.error_message().find("rate limit"), std::string::npos) << status.error_message();
  // The burst (3) plus what a second of refill allows, never all 20.
  options_.limits = service::RateLimits();
  Restart();
  const int stored = CodingCount(coder);
  EXPECT_GE(stored, 3);
  EXPECT_LE(stored, 5);
}

TEST_F(LimitsTest, StreamsPerTokenAndPerServer) {
  options_.limits.max_streams_per_token = 2;
  options_.limits.max_streams = 3;
  Restart();
  const std::string a = CreateUser("a");
  const std::string b = CreateUser("b");
  const std::string c = CreateUser("c");
  CreateStudy({"a", "b", "c"});

  // a holds two streams: its third is refused, b's is not.
  std::vector<std::unique_ptr<OpenImport>> held;
  held.push_back(Open(a));
  held.push_back(Open(a));
  grpc::Status third = ImportUntilRefused(a);
  EXPECT_EQ(third.error_code(), StatusCode::RESOURCE_EXHAUSTED) << third.error_message();
  EXPECT_NE(third.error_message().find("this token has 2 streams open"), std::string::npos)
      << third.error_message();
  Ok(Open(b)->Close());

  // b holds the server's third: c's stream is refused, c's unary calls are
  // still served.
  held.push_back(Open(b));
  grpc::Status fourth = ImportUntilRefused(c);
  EXPECT_EQ(fourth.error_code(), StatusCode::RESOURCE_EXHAUSTED) << fourth.error_message();
  EXPECT_NE(fourth.error_message().find("the server has 3 streams open"), std::string::npos)
      << fourth.error_message();
  Ok(WhoAmI(c));
  Ok(WhoAmI(a));

  // Closed streams give their slots back.
  for (auto& stream : held) Ok(stream->Close());
  held.clear();
  Ok(Open(c)->Close());
  held.push_back(Open(a));
  held.push_back(Open(a));
  for (auto& stream : held) Ok(stream->Close());
  EXPECT_EQ(CodingCount(admin_token_), 0);
}

TEST_F(LimitsTest, IdleImportStreamsWithoutAValidTokenHoldNoThread) {
  options_.max_threads = 8;
  Restart();
  // More streams than handler threads, none sending a message: each is
  // refused at once, and the server still answers.
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientWriter<v1::ImportCodingsRequest>>> writers;
  std::vector<v1::ImportCodingsResponse> responses(20);
  for (int i = 0; i < 20; ++i) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer not-a-token-" + std::to_string(i));
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    writers.push_back(coding_->ImportCodings(context.get(), &responses[i]));
    contexts.push_back(std::move(context));
  }
  // Each is refused at once: by the token check, or — when all eight
  // threads are momentarily busy refusing others — by gRPC's own thread
  // quota. None may wait for its deadline (as it did when the token was
  // checked only after the first message).
  int unauthenticated = 0;
  for (auto& writer : writers) {
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.error_code() == StatusCode::UNAUTHENTICATED ||
                status.error_code() == StatusCode::RESOURCE_EXHAUSTED)
        << status.error_code() << " " << status.error_message();
    if (status.error_code() == StatusCode::UNAUTHENTICATED) ++unauthenticated;
  }
  EXPECT_GT(unauthenticated, 0);
  Ok(WhoAmI(admin_token_));
}

TEST_F(LimitsTest, MessageLargerThanTheLimitIsRefused) {
  options_.max_message_bytes = 64 << 10;
  Restart();
  CreateUser("a");
  CreateStudy({"a"});
  v1::CreateDocumentRequest request;
  request.set_project("p");
  request.set_id("big");
  request.set_segmentation(v1::SEGMENT_NONE);
  request.set_text(std::string(100 << 10, 'x'));
  grpc::Status status =
      Call(admin_token_, &v1::ProjectService::Stub::CreateDocument, *project_, request);
  EXPECT_EQ(status.error_code(), StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  // The server still answers, and stored nothing.
  v1::ListDocumentsRequest list;
  list.set_project("p");
  v1::ListDocumentsResponse documents;
  Ok(Call(admin_token_, &v1::ProjectService::Stub::ListDocuments, *project_, list, &documents));
  EXPECT_EQ(documents.documents_size(), 1);
  request.set_text(std::string(60 << 10, 'x'));
  Ok(Call(admin_token_, &v1::ProjectService::Stub::CreateDocument, *project_, request));
}

TEST_F(LimitsTest, DocumentLargerThanTheLimitIsRefused) {
  options_.max_document_bytes = 100;
  Restart();
  CreateUser("a");
  CreateStudy({"a"});
  v1::CreateDocumentRequest request;
  request.set_project("p");
  request.set_id("big");
  request.set_segmentation(v1::SEGMENT_NONE);
  request.set_text(std::string(101, 'x'));
  grpc::Status status =
      Call(admin_token_, &v1::ProjectService::Stub::CreateDocument, *project_, request);
  EXPECT_EQ(status.error_code(), StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  request.set_text(std::string(100, 'x'));
  Ok(Call(admin_token_, &v1::ProjectService::Stub::CreateDocument, *project_, request));
}

TEST_F(LimitsTest, BatchLargerThanTheLimitIsRefusedInSubmitAndImport) {
  options_.max_batch = 3;
  Restart();
  const std::string coder = CreateUser("a");
  CreateStudy({"a"});
  auto batch = [](int size) {
    v1::SubmitCodingsRequest request;
    request.set_project("p");
    request.set_round("r1");
    for (int i = 0; i < size; ++i) {
      v1::CodingInput* coding = request.add_codings();
      coding->set_document("d1");
      coding->set_code("c1");
      coding->mutable_span()->set_start(i);
      coding->mutable_span()->set_end(i + 1);
    }
    return request;
  };
  grpc::Status status = Call(coder, &v1::CodingService::Stub::SubmitCodings, *coding_, batch(4));
  EXPECT_EQ(status.error_code(), StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(CodingCount(coder), 0);

  std::unique_ptr<OpenImport> import = Open(coder);
  v1::ImportCodingsRequest chunk;
  *chunk.mutable_codings() = batch(4).codings();
  import->writer->Write(chunk);
  status = import->Close();
  EXPECT_EQ(status.error_code(), StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_EQ(CodingCount(coder), 0);

  Ok(Call(coder, &v1::CodingService::Stub::SubmitCodings, *coding_, batch(3)));
  EXPECT_EQ(CodingCount(coder), 3);
}

}  // namespace
}  // namespace icr
