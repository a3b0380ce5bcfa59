#ifndef ICR_SERVER_COMMON_TIMESTAMP_H_
#define ICR_SERVER_COMMON_TIMESTAMP_H_

#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace icr {

// `time` (default: now) as a protobuf Timestamp, to the nanosecond.
inline google::protobuf::Timestamp ToTimestamp(absl::Time time = absl::Now()) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(time));
  out.set_nanos(static_cast<int32_t>(absl::ToUnixNanos(time) % 1000000000));
  return out;
}

}  // namespace icr

#endif  // ICR_SERVER_COMMON_TIMESTAMP_H_
