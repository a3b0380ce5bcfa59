// RateLimiter on a fake clock: the bucket's burst and refill, tokens
// independent of each other, and stream slots per token and per server.

#include "server/service/rate_limiter.h"

#include <optional>
#include <vector>

#include "gtest/gtest.h"

namespace icr::service {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  RateLimiter Make(const RateLimits& limits) {
    return RateLimiter(limits, [this] { return now_; });
  }
  // Requests `token` makes in a row before the first refusal (at most 1000).
  static int AdmittedInARow(RateLimiter& limiter, std::string_view token) {
    int admitted = 0;
    while (admitted < 1000 && limiter.Admit(token).ok()) ++admitted;
    return admitted;
  }

  absl::Time now_ = absl::FromUnixSeconds(1700000000);
};

TEST_F(RateLimiterTest, OffByDefault) {
  RateLimiter limiter = Make(RateLimits{});
  EXPECT_EQ(AdmittedInARow(limiter, "t"), 1000);
}

TEST_F(RateLimiterTest, BurstThenRefillAtTheRate) {
  RateLimiter limiter = Make(RateLimits{.requests_per_second = 10, .burst = 5});
  EXPECT_EQ(AdmittedInARow(limiter, "t"), 5);
  absl::Status refused = limiter.Admit("t");
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("retry in 100 ms"), std::string_view::npos) << refused;
  now_ += absl::Milliseconds(250);  // 2.5 requests' worth
  EXPECT_EQ(AdmittedInARow(limiter, "t"), 2);
  now_ += absl::Milliseconds(100);  // the half request left over, and one more
  EXPECT_EQ(AdmittedInARow(limiter, "t"), 1);
  now_ += absl::Hours(1);  // never more than the burst
  EXPECT_EQ(AdmittedInARow(limiter, "t"), 5);
}

TEST_F(RateLimiterTest, BurstDefaultsToOneSecondOfRate) {
  RateLimiter fast = Make(RateLimits{.requests_per_second = 7});
  EXPECT_EQ(AdmittedInARow(fast, "t"), 7);
  RateLimiter slow = Make(RateLimits{.requests_per_second = 0.5});
  EXPECT_EQ(AdmittedInARow(slow, "t"), 1);
  now_ += absl::Seconds(1);
  EXPECT_EQ(AdmittedInARow(slow, "t"), 0);
  now_ += absl::Seconds(1);
  EXPECT_EQ(AdmittedInARow(slow, "t"), 1);
}

TEST_F(RateLimiterTest, TokensHaveTheirOwnBuckets) {
  RateLimiter limiter = Make(RateLimits{.requests_per_second = 1, .burst = 3});
  EXPECT_EQ(AdmittedInARow(limiter, "flooder"), 3);
  EXPECT_EQ(AdmittedInARow(limiter, "other"), 3);
  EXPECT_FALSE(limiter.Admit("flooder").ok());
}

TEST_F(RateLimiterTest, StreamsPerTokenAndPerServer) {
  RateLimiter limiter = Make(RateLimits{.max_streams_per_token = 2, .max_streams = 3});
  std::vector<RateLimiter::StreamSlot> held;
  for (const char* token : {"a", "a", "b"}) {
    absl::StatusOr<RateLimiter::StreamSlot> slot = limiter.OpenStream(token);
    ASSERT_TRUE(slot.ok()) << slot.status();
    held.push_back(*std::move(slot));
  }
  EXPECT_EQ(limiter.open_streams(), 3);
  absl::StatusOr<RateLimiter::StreamSlot> third_of_a = limiter.OpenStream("a");
  EXPECT_EQ(third_of_a.status().code(), absl::StatusCode::kResourceExhausted);
  absl::StatusOr<RateLimiter::StreamSlot> fourth = limiter.OpenStream("c");
  EXPECT_EQ(fourth.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(fourth.status().message().find("the server has 3 streams open"),
            std::string_view::npos);

  held.erase(held.begin());  // one of a's streams ends
  EXPECT_EQ(limiter.open_streams(), 2);
  absl::StatusOr<RateLimiter::StreamSlot> again = limiter.OpenStream("a");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(limiter.OpenStream("a").ok());

  // A moved slot is released once, by its last owner.
  RateLimiter::StreamSlot moved = *std::move(again);
  again = absl::ResourceExhaustedError("gone");
  EXPECT_EQ(limiter.open_streams(), 3);
  { RateLimiter::StreamSlot last = std::move(moved); }
  EXPECT_EQ(limiter.open_streams(), 2);
  held.clear();
  EXPECT_EQ(limiter.open_streams(), 0);
}

TEST_F(RateLimiterTest, ZeroMeansNoStreamLimit) {
  RateLimiter limiter = Make(RateLimits{.max_streams_per_token = 0, .max_streams = 0});
  std::vector<RateLimiter::StreamSlot> held;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<RateLimiter::StreamSlot> slot = limiter.OpenStream("a");
    ASSERT_TRUE(slot.ok()) << slot.status();
    held.push_back(*std::move(slot));
  }
  EXPECT_EQ(limiter.open_streams(), 100);
}

}  // namespace
}  // namespace icr::service
