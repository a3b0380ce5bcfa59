// The browser's event stream through the gateway: changes arrive as they
// happen, filtered by the blind rules, resume after Last-Event-ID, end when
// the session is revoked, and are bounded per user.

#include <condition_variable>
#include <mutex>
#include <thread>

#include "gmock/gmock.h"
#include "tests/http/http_fixture.h"

namespace icr::http {
namespace {

using ::testing::HasSubstr;

// Reads one event stream on a thread of its own.
class StreamReader {
 public:
  StreamReader(int port, const std::string& path, httplib::Headers headers) {
    thread_ = std::thread([this, port, path, headers] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(60);
      httplib::Result result = client.Get(
          path, headers,
          [this](const httplib::Response& response) {
            std::lock_guard<std::mutex> lock(mutex_);
            status_ = response.status;
            changed_.notify_all();
            return true;
          },
          [this](const char* data, size_t length) {
            std::lock_guard<std::mutex> lock(mutex_);
            text_.append(data, length);
            changed_.notify_all();
            return !stop_;
          });
      std::lock_guard<std::mutex> lock(mutex_);
      ended_ = true;
      if (result && status_ == 0) status_ = result->status;
      if (result && result->status != 200) text_ += result->body;
      changed_.notify_all();
    });
  }
  ~StreamReader() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    thread_.join();
  }

  // Waits until the text read so far contains `needle`.
  bool WaitFor(const std::string& needle, absl::Duration timeout = absl::Seconds(5)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                             [&] { return text_.find(needle) != std::string::npos; });
  }
  bool WaitEnded(absl::Duration timeout = absl::Seconds(5)) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [&] { return ended_; });
  }
  std::string text() {
    std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }
  int status() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(5), [&] { return status_ != 0; });
    return status_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string text_;
  int status_ = 0;
  bool stop_ = false;
  bool ended_ = false;
  std::thread thread_;
};

class StreamTest : public HttpTest {
 protected:
  void SetUp() override {
    http_options_.streams.heartbeat = absl::Milliseconds(200);
    http_options_.streams.poll_interval = absl::Milliseconds(50);
    http_options_.streams.max_streams_per_user = 2;
    HttpTest::SetUp();
  }

  void Code(const std::string& token, int segment) {
    v1::SubmitCodingsRequest request;
    request.set_project("study");
    request.set_round("r1");
    v1::CodingInput* input = request.add_codings();
    input->set_document("d1");
    input->set_code("c1");
    input->set_segment(segment);
    Ok(Call(token, &v1::CodingService::Stub::SubmitCodings, *coding_, request));
  }

  static constexpr char kStream[] = "/v1/projects/study/stream";
};

TEST_F(StreamTest, ChangesArriveAsTheyHappenAndResumeAfterTheLastEventId) {
  StreamReader lead(gateway_->port(), kStream, Bearer(lead_));
  ASSERT_EQ(lead.status(), 200);
  ASSERT_TRUE(lead.WaitFor(": heartbeat"));
  // Nothing from before the stream opened.
  EXPECT_THAT(lead.text(), ::testing::Not(HasSubstr("event: change")));
  const int64_t before = EventCount("study");
  Code(alice_, 0);
  ASSERT_TRUE(lead.WaitFor("CHANGE_KIND_CODINGS", absl::Seconds(1))) << lead.text();
  EXPECT_THAT(lead.text(), HasSubstr("id: " + std::to_string(before + 1) + "\n"));
  EXPECT_THAT(lead.text(), HasSubstr("\"coder\":\"alice\""));
  EXPECT_THAT(lead.text(), HasSubstr("\"document\":\"d1\""));

  // A reconnect after event `before` gets that coding again, and nothing older.
  StreamReader resumed(
      gateway_->port(), kStream,
      {{"Authorization", "Bearer " + lead_}, {"Last-Event-ID", std::to_string(before)}});
  ASSERT_TRUE(resumed.WaitFor("CHANGE_KIND_CODINGS")) << resumed.text();
  EXPECT_THAT(resumed.text(), ::testing::Not(HasSubstr("id: " + std::to_string(before) + "\n")));
}

TEST_F(StreamTest, ABlindCoderHearsOfNoOtherCodersCodings) {
  StreamReader bob(gateway_->port(), kStream, Bearer(bob_));
  StreamReader lead(gateway_->port(), kStream, Bearer(lead_));
  ASSERT_TRUE(bob.WaitFor(": heartbeat"));
  ASSERT_TRUE(lead.WaitFor(": heartbeat"));
  Code(alice_, 0);
  ASSERT_TRUE(lead.WaitFor("\"coder\":\"alice\""));
  Code(bob_, 1);
  ASSERT_TRUE(bob.WaitFor("\"coder\":\"bob\"")) << bob.text();
  EXPECT_THAT(bob.text(), ::testing::Not(HasSubstr("alice")));
}

TEST_F(StreamTest, ARevokedSessionsStreamEnds) {
  httplib::Result signin =
      client_->Post("/v1/sessions", "{\"token\":\"" + alice_ + "\"}", "application/json");
  ASSERT_EQ(signin->status, 200);
  const std::string set_cookie = signin->get_header_value("Set-Cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  StreamReader stream(gateway_->port(), kStream, {{"Cookie", cookie}});
  ASSERT_TRUE(stream.WaitFor(": heartbeat"));
  httplib::Result out = client_->Delete("/v1/sessions/current", CookieHeaders(cookie));
  ASSERT_EQ(out->status, 200) << out->body;
  ASSERT_TRUE(stream.WaitFor("event: end")) << stream.text();
  EXPECT_THAT(stream.text(), HasSubstr("UNAUTHENTICATED"));
  EXPECT_TRUE(stream.WaitEnded());
}

TEST_F(StreamTest, StreamsAreBoundedPerUserAndRefusedToOutsiders) {
  StreamReader first(gateway_->port(), kStream, Bearer(lead_));
  StreamReader second(gateway_->port(), kStream, Bearer(lead_));
  ASSERT_TRUE(first.WaitFor(": heartbeat"));
  ASSERT_TRUE(second.WaitFor(": heartbeat"));
  EXPECT_EQ(gateway_->open_streams(), 2);
  httplib::Result third = client_->Get(kStream, Bearer(lead_));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, 429);
  EXPECT_THAT(third->body, HasSubstr("RESOURCE_EXHAUSTED"));
  // Another user still may.
  StreamReader other(gateway_->port(), kStream, Bearer(alice_));
  EXPECT_TRUE(other.WaitFor(": heartbeat"));
  httplib::Result outsider = client_->Get(kStream, Bearer(olga_));
  EXPECT_EQ(outsider->status, 404);
  EXPECT_EQ(client_->Get(kStream)->status, 401);
}

}  // namespace
}  // namespace icr::http
