#ifndef ICR_SERVER_SERVICE_RATE_LIMITER_H_
#define ICR_SERVER_SERVICE_RATE_LIMITER_H_

// Per-token request rate and open-stream limits (DESIGN §7): one client
// flooding the server gets RESOURCE_EXHAUSTED while everyone else's calls
// still run. Keys are the caller's bearer token; the limiter keeps only a
// hash of it, never the token.
//
// Thread-safe.

#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace icr::service {

struct RateLimits {
  // Sustained requests per second per token (a token bucket refilled at this
  // rate). 0 (the default): no rate limit.
  double requests_per_second = 0;
  // Requests a token may make at once after being idle (the bucket's size).
  // 0 (the default): max(1, requests_per_second).
  double burst = 0;
  // Streams (ImportCodings, ExportAudit, ...) one token may hold open at
  // once. 0: no limit. Default 8.
  int max_streams_per_token = 8;
  // Streams open at once over all tokens. 0: no limit. Default 32, half the
  // default handler threads, so unary calls always find a thread.
  int max_streams = 32;
};

class RateLimiter {
 public:
  // A stream's hold on an open-stream slot, given back on destruction.
  class StreamSlot {
   public:
    StreamSlot() = default;
    StreamSlot(StreamSlot&& other) noexcept
        : limiter_(std::exchange(other.limiter_, nullptr)), key_(other.key_) {}
    StreamSlot& operator=(StreamSlot&& other) noexcept;
    StreamSlot(const StreamSlot&) = delete;
    StreamSlot& operator=(const StreamSlot&) = delete;
    ~StreamSlot();

   private:
    friend class RateLimiter;
    StreamSlot(RateLimiter* limiter, uint64_t key) : limiter_(limiter), key_(key) {}
    RateLimiter* limiter_ = nullptr;
    uint64_t key_ = 0;
  };

  // `now` is the clock (tests pass a fake one).
  explicit RateLimiter(
      const RateLimits& limits, std::function<absl::Time()> now = [] { return absl::Now(); });
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one request from `token`'s bucket: OK, or RESOURCE_EXHAUSTED (with
  // the time until the next request is allowed) when the bucket is empty.
  absl::Status Admit(std::string_view token);

  // Opens a stream for `token`: a slot held until the returned object goes,
  // or RESOURCE_EXHAUSTED when the token or the server holds the most
  // streams allowed.
  absl::StatusOr<StreamSlot> OpenStream(std::string_view token);

  // Streams open now (for tests and diagnostics).
  int open_streams() const;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time last;
  };

  static uint64_t Key(std::string_view token);
  void CloseStream(uint64_t key);

  const RateLimits limits_;
  const double burst_;
  const std::function<absl::Time()> now_;
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<uint64_t, Bucket> buckets_ ABSL_GUARDED_BY(mutex_);
  absl::flat_hash_map<uint64_t, int> streams_ ABSL_GUARDED_BY(mutex_);
  int open_streams_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace icr::service

#endif  // ICR_SERVER_SERVICE_RATE_LIMITER_H_
