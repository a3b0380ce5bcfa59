#include "server/service/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace icr::service {

RateLimiter::StreamSlot& RateLimiter::StreamSlot::operator=(StreamSlot&& other) noexcept {
  if (this != &other) {
    if (limiter_ != nullptr) limiter_->CloseStream(key_);
    limiter_ = std::exchange(other.limiter_, nullptr);
    key_ = other.key_;
  }
  return *this;
}

RateLimiter::StreamSlot::~StreamSlot() {
  if (limiter_ != nullptr) limiter_->CloseStream(key_);
}

RateLimiter::RateLimiter(const RateLimits& limits, std::function<absl::Time()> now)
    : limits_(limits),
      burst_(limits.burst > 0 ? limits.burst : std::max(1.0, limits.requests_per_second)),
      now_(std::move(now)) {}

uint64_t RateLimiter::Key(std::string_view token) {
  return absl::Hash<absl::string_view>()(absl::string_view(token.data(), token.size()));
}

absl::Status RateLimiter::Admit(std::string_view token) {
  if (limits_.requests_per_second <= 0) return absl::OkStatus();
  const absl::Time now = now_();
  absl::MutexLock lock(&mutex_);
  auto [it, inserted] = buckets_.try_emplace(Key(token), Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!inserted && now > bucket.last) {
    bucket.tokens = std::min(burst_, bucket.tokens + absl::ToDoubleSeconds(now - bucket.last) *
                                                         limits_.requests_per_second);
    bucket.last = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::OkStatus();
  }
  const double wait_ms = std::ceil((1 - bucket.tokens) / limits_.requests_per_second * 1000);
  return absl::ResourceExhaustedError(
      absl::StrCat("rate limit: this token may make ", limits_.requests_per_second,
                   " requests per second (burst ", burst_, "); retry in ", wait_ms, " ms"));
}

absl::StatusOr<RateLimiter::StreamSlot> RateLimiter::OpenStream(std::string_view token) {
  const uint64_t key = Key(token);
  absl::MutexLock lock(&mutex_);
  if (limits_.max_streams > 0 && open_streams_ >= limits_.max_streams) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "stream limit: the server has ", limits_.max_streams, " streams open; retry later"));
  }
  int& open = streams_[key];
  if (limits_.max_streams_per_token > 0 && open >= limits_.max_streams_per_token) {
    return absl::ResourceExhaustedError(absl::StrCat("stream limit: this token has ",
                                                     limits_.max_streams_per_token,
                                                     " streams open; close one first"));
  }
  ++open;
  ++open_streams_;
  return StreamSlot(this, key);
}

void RateLimiter::CloseStream(uint64_t key) {
  absl::MutexLock lock(&mutex_);
  auto it = streams_.find(key);
  if (it == streams_.end()) return;
  if (--it->second == 0) streams_.erase(it);
  --open_streams_;
}

int RateLimiter::open_streams() const {
  absl::MutexLock lock(&mutex_);
  return open_streams_;
}

}  // namespace icr::service
