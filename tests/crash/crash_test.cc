// Crash safety of the real server: concurrent coders submit batches, the
// server is killed with SIGKILL at a random moment, restarted on the same
// data, and checked — every acknowledged coding is there, no batch is half
// stored, the audit chain links from the first event to the last, and the
// server is serving again within 3 s. 20 cycles by default; set
// ICR_CRASH_CYCLES for more.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "icr/v1/admin.grpc.pb.h"
#include "icr/v1/audit.grpc.pb.h"
#include "icr/v1/coding.grpc.pb.h"
#include "icr/v1/project.grpc.pb.h"
#include "server/audit/hash.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace icr {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kCoders = 4;
constexpr int kBatch = 25;
constexpr int kCodes = 20;
constexpr int kSegments = 200;

class CrashTest : public ::testing::Test {
 protected:
  // Starts the server; returns how long it took until it listened.
  double Start() {
    const auto begin = Clock::now();
    testing::ServerProcess server = testing::StartServer(ICR_SERVER_BINARY, dir_.path() + "/data");
    const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
    server_ = std::move(server.process);
    EXPECT_FALSE(server.port.empty()) << server_->output();
    channel_ = grpc::CreateChannel("127.0.0.1:" + server.port, grpc::InsecureChannelCredentials());
    return seconds;
  }

  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(const std::string& token,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    Stub& stub, const Request& request, Response* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return (stub.*method)(&context, request, response);
  }

  void SetUpStudy() {
    std::ifstream in(dir_.path() + "/data/admin.token");
    std::getline(in, admin_);
    ASSERT_FALSE(admin_.empty());
    auto admin = v1::AdminService::NewStub(channel_);
    auto project = v1::ProjectService::NewStub(channel_);
    v1::CreateProjectRequest create;
    create.set_id("crash");
    create.set_title("Crash test");
    v1::CreateProjectResponse created;
    ASSERT_TRUE(
        Call(admin_, &v1::ProjectService::Stub::CreateProject, *project, create, &created).ok());
    v1::CreateRoundRequest round;
    round.set_project("crash");
    round.set_id("r1");
    for (int c = 0; c < kCoders; ++c) {
      v1::CreateUserRequest user;
      user.set_id("coder" + std::to_string(c));
      v1::CreateUserResponse made;
      ASSERT_TRUE(Call(admin_, &v1::AdminService::Stub::CreateUser, *admin, user, &made).ok());
      tokens_.push_back(made.token());
      v1::AddMemberRequest member;
      member.set_project("crash");
      member.set_user(user.id());
      member.set_role(v1::CODER);
      v1::AddMemberResponse added;
      ASSERT_TRUE(
          Call(admin_, &v1::ProjectService::Stub::AddMember, *project, member, &added).ok());
      round.add_coders(user.id());
    }
    for (int k = 0; k < kCodes; ++k) {
      v1::CreateCodeRequest code;
      code.set_project("crash");
      code.mutable_code()->set_id("k" + std::to_string(k));
      code.mutable_code()->set_name("k");
      v1::CreateCodeResponse made;
      ASSERT_TRUE(Call(admin_, &v1::ProjectService::Stub::CreateCode, *project, code, &made).ok());
    }
    std::string text;
    for (int s = 0; s < kSegments; ++s) text += "segment " + std::to_string(s) + "\n";
    v1::CreateDocumentRequest document;
    document.set_project("crash");
    document.set_id("doc");
    document.set_text(text);
    document.set_segmentation(v1::SEGMENT_LINE);
    v1::CreateDocumentResponse made_document;
    ASSERT_TRUE(
        Call(admin_, &v1::ProjectService::Stub::CreateDocument, *project, document, &made_document)
            .ok());
    round.add_documents("doc");
    v1::CreateRoundResponse made_round;
    ASSERT_TRUE(
        Call(admin_, &v1::ProjectService::Stub::CreateRound, *project, round, &made_round).ok());
  }

  // Coders submit batches until the server dies under them.
  void Load(int cycle, std::atomic<bool>& stop) {
    std::vector<std::thread> threads;
    for (int c = 0; c < kCoders; ++c) {
      threads.emplace_back([&, c] {
        auto coding = v1::CodingService::NewStub(channel_);
        for (int n = 0; !stop; ++n) {
          const std::string tag =
              "b" + std::to_string(cycle) + "-" + std::to_string(c) + "-" + std::to_string(n);
          v1::SubmitCodingsRequest request;
          request.set_project("crash");
          request.set_round("r1");
          request.set_request_id(tag);
          for (int i = 0; i < kBatch; ++i) {
            v1::CodingInput* input = request.add_codings();
            input->set_document("doc");
            input->set_segment((n * kBatch + i) % kSegments);
            input->set_code("k" + std::to_string((c + n) % kCodes));
            input->set_memo(tag);
          }
          v1::SubmitCodingsResponse response;
          grpc::ClientContext context;
          context.AddMetadata("authorization", "Bearer " + tokens_[c]);
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
          grpc::Status status = coding->SubmitCodings(&context, request, &response);
          if (!status.ok()) return;  // the server is gone
          std::lock_guard<std::mutex> lock(mutex_);
          for (const std::string& id : response.coding_ids()) acknowledged_[id] = tag;
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }

  // Checks the state after a restart: acknowledged codings present, batches
  // whole, the audit chain unbroken.
  void Verify() {
    auto coding = v1::CodingService::NewStub(channel_);
    std::map<std::string, std::string> stored;  // id -> memo
    std::map<std::string, int> per_batch;
    v1::ListCodingsRequest request;
    request.set_project("crash");
    request.set_round("r1");
    request.set_page_size(10000);
    while (true) {
      v1::ListCodingsResponse page;
      ASSERT_TRUE(
          Call(admin_, &v1::CodingService::Stub::ListCodings, *coding, request, &page).ok());
      for (const v1::Coding& c : page.codings()) {
        stored[c.id()] = c.memo();
        ++per_batch[c.memo()];
      }
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& [id, tag] : acknowledged_) {
        auto it = stored.find(id);
        ASSERT_NE(it, stored.end()) << "acknowledged coding " << id << " (" << tag << ") lost";
        ASSERT_EQ(it->second, tag);
      }
      checked_ = acknowledged_.size();
    }
    for (const auto& [tag, count] : per_batch) {
      ASSERT_EQ(count, kBatch) << "batch " << tag << " is half stored";
    }
    auto audit = v1::AuditService::NewStub(channel_);
    v1::ListEventsRequest events;
    events.set_project("crash");
    events.set_page_size(1000);
    std::string prev = audit::GenesisHash();
    int64_t seq = 0;
    while (true) {
      v1::ListEventsResponse page;
      ASSERT_TRUE(Call(admin_, &v1::AuditService::Stub::ListEvents, *audit, events, &page).ok());
      for (const v1::EventRecord& record : page.events()) {
        ASSERT_EQ(record.seq(), ++seq) << "a gap in the audit chain";
        ASSERT_EQ(record.event().prev_hash(), prev) << "event " << seq << " does not link";
        ASSERT_EQ(record.hash(), audit::ChainHash(prev, record.event_bytes()));
        prev = record.hash();
      }
      if (page.next_page_token().empty()) break;
      events.set_page_token(page.next_page_token());
    }
    batches_ = per_batch.size();
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::Background> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string admin_;
  std::vector<std::string> tokens_;
  std::mutex mutex_;
  std::map<std::string, std::string> acknowledged_;  // coding id -> batch tag
  size_t checked_ = 0;
  size_t batches_ = 0;
};

TEST_F(CrashTest, AcknowledgedCodingsSurviveKillNine) {
  int cycles = 20;
  if (const char* env = std::getenv("ICR_CRASH_CYCLES")) cycles = std::max(1, std::atoi(env));
  std::mt19937 random(20261125);
  Start();
  SetUpStudy();
  double slowest_start = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    std::atomic<bool> stop{false};
    std::thread load([&] { Load(cycle, stop); });
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(100, 600)(random)));
    ASSERT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);
    stop = true;
    load.join();
    const double started = Start();
    slowest_start = std::max(slowest_start, started);
    EXPECT_LT(started, 3.0) << "restart after cycle " << cycle;
    Verify();
    if (HasFatalFailure()) return;
  }
  std::cout << "crash test: " << cycles << " kill -9 cycles, " << checked_
            << " acknowledged codings checked (0 lost), " << batches_
            << " batches all whole, slowest restart " << slowest_start << " s" << std::endl;
}

}  // namespace
}  // namespace icr
