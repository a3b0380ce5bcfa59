#include "server/text/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace icr::text {
namespace {

void SetLimit(int resource, rlim_t value) {
  const rlimit limit{value, value};
  setrlimit(resource, &limit);
}

// Only async-signal-safe calls: the server has many threads.
[[noreturn]] void RunChild(char* const* argv, char* const* env, const char* directory, int out,
                           int err, const SandboxLimits& limits) {
  setpgid(0, 0);
  // A network namespace of its own (no interfaces but loopback), where the
  // server may create one; the tools are also run with no network use.
  if (unshare(CLONE_NEWNET) != 0) unshare(CLONE_NEWUSER | CLONE_NEWNET);
  const int in = open("/dev/null", O_RDONLY);
  if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
  syscall(SYS_close_range, 3U, ~0U, 0U);
  if (chdir(directory) != 0) _exit(127);
  SetLimit(RLIMIT_AS, limits.memory_bytes);
  SetLimit(RLIMIT_CPU, static_cast<rlim_t>(absl::ToInt64Seconds(limits.time)) + 1);
  SetLimit(RLIMIT_FSIZE, limits.output_bytes);
  SetLimit(RLIMIT_CORE, 0);
  SetLimit(RLIMIT_NOFILE, 256);
  execve(argv[0], argv, env);
  _exit(127);
}

}  // namespace

std::string FindProgram(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::vector<std::string> folders =
      absl::StrSplit(path != nullptr ? path : "", ':', absl::SkipEmpty());
  folders.push_back("/usr/bin");
  folders.push_back("/bin");
  for (const std::string& folder : folders) {
    std::string candidate = absl::StrCat(folder, "/", program);
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

absl::StatusOr<ProcessResult> RunSandboxed(const std::vector<std::string>& argv,
                                           const std::string& directory,
                                           const SandboxLimits& limits) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const std::string home = absl::StrCat("HOME=", directory);
  std::vector<std::string> environment = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
                                          home};
  std::vector<char*> env;
  for (const std::string& e : environment) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);

  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return absl::InternalError("pipe failed");
  }
  const pid_t pid = fork();
  if (pid == 0) RunChild(args.data(), env.data(), directory.c_str(), out[1], err[1], limits);
  close(out[1]);
  close(err[1]);
  if (pid < 0) {
    close(out[0]);
    close(err[0]);
    return absl::ResourceExhaustedError(absl::StrCat("fork failed: ", std::strerror(errno)));
  }

  ProcessResult result;
  const absl::Time deadline = absl::Now() + limits.time;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_pipes = 2;
  char buffer[65536];
  while (open_pipes > 0) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      result.timed_out = true;
      break;
    }
    const int ready = poll(fds, 2, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_pipes;
        continue;
      }
      std::string& sink = i == 0 ? result.out : result.err;
      // Diagnostics beyond 64 KiB say nothing more.
      const size_t cap = i == 0 ? limits.output_bytes : 65536;
      if (sink.size() + static_cast<size_t>(n) > cap) {
        if (i == 0) result.output_over = true;
        sink.append(buffer, cap - sink.size());
      } else {
        sink.append(buffer, static_cast<size_t>(n));
      }
    }
    if (result.output_over) break;
  }
  if (result.timed_out || result.output_over) kill(-pid, SIGKILL), kill(pid, SIGKILL);
  for (const pollfd& fd : fds) {
    if (fd.fd >= 0) close(fd.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    if (result.signal == SIGXCPU) result.timed_out = true;
  }
  return result;
}

}  // namespace icr::text
