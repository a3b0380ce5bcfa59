#ifndef ICR_SERVER_TEXT_SANDBOX_H_
#define ICR_SERVER_TEXT_SANDBOX_H_

// Runs an extraction tool on untrusted input in a child process that cannot
// harm the server: a wall-clock and CPU time limit, an address-space limit, a
// cap on what it may print, no network (a new network namespace where the
// kernel allows one), no inherited descriptors, a minimal environment.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace icr::text {

struct SandboxLimits {
  absl::Duration time = absl::Seconds(30);
  size_t memory_bytes = size_t{1} << 30;
  size_t output_bytes = size_t{64} << 20;
};

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
  bool timed_out = false;
  bool output_over = false;
};

// `argv[0]` is an absolute path. Runs in `directory` with stdin from
// /dev/null. An error only when the process could not be started.
absl::StatusOr<ProcessResult> RunSandboxed(const std::vector<std::string>& argv,
                                           const std::string& directory,
                                           const SandboxLimits& limits);

// The absolute path of `program` on PATH (or the usual system folders), or
// empty when it is not installed.
std::string FindProgram(const std::string& program);

}  // namespace icr::text

#endif  // ICR_SERVER_TEXT_SANDBOX_H_
