#ifndef ICR_SERVER_LIVE_INTERRUPT_H_
#define ICR_SERVER_LIVE_INTERRUPT_H_

// When a live agreement computation must stop: the call's deadline has
// passed or its client has cancelled it. Checked inside the loops over units
// and bootstrap replicates, so a long computation ends soon after its caller
// has gone instead of running to completion.

#include <cstdint>
#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace icr::live {

class Interrupt {
 public:
  // Never interrupts.
  Interrupt() = default;
  Interrupt(absl::Time deadline, std::function<bool()> cancelled)
      : deadline_(deadline), cancelled_(std::move(cancelled)) {}

  // DEADLINE_EXCEEDED or CANCELLED when the computation must stop.
  absl::Status Check() const {
    if (cancelled_ && cancelled_()) return absl::CancelledError("the call was cancelled");
    if (deadline_ != absl::InfiniteFuture() && absl::Now() >= deadline_) {
      return absl::DeadlineExceededError("the call's deadline passed during the computation");
    }
    return absl::OkStatus();
  }
  // Check() on every `every`-th call only (for the innermost loops).
  absl::Status Poll(int64_t every = 1024) const {
    if (++calls_ % every != 0) return absl::OkStatus();
    return Check();
  }

 private:
  absl::Time deadline_ = absl::InfiniteFuture();
  std::function<bool()> cancelled_;
  mutable int64_t calls_ = 0;
};

}  // namespace icr::live

#endif  // ICR_SERVER_LIVE_INTERRUPT_H_
