#ifndef ICR_TESTS_TESTING_SUBPROCESS_H_
#define ICR_TESTS_TESTING_SUBPROCESS_H_

// Running the real binaries from tests: a command to completion with its
// output, or a long-running server whose output lines can be awaited.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace icr::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

namespace internal {

inline std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return argv;
}

inline std::string ReadAll(int fd) {
  std::string data;
  char buffer[65536];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof(buffer))) > 0) data.append(buffer, n);
  return data;
}

}  // namespace internal

// Runs `args` (args[0] is the binary's path) with `extra_env` ("K=V") added to
// this process's environment, stdin from /dev/null, and waits for it.
inline CommandResult Run(std::vector<std::string> args,
                         const std::vector<std::string>& extra_env = {}) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) return {};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> argv = internal::Argv(args);
  std::vector<char*> envp = internal::Argv(env);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  CommandResult result;
  if (spawned != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    result.err = std::string("cannot start ") + argv[0] + ": " + std::strerror(spawned);
    return result;
  }
  std::thread err_reader([&] { result.err = internal::ReadAll(err_pipe[0]); });
  result.out = internal::ReadAll(out_pipe[0]);
  err_reader.join();
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

// A background process (a server) whose stdout is read line by line.
class Background {
 public:
  explicit Background(std::vector<std::string> args) {
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
    std::vector<char*> argv = internal::Argv(args);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = 0;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    out_fd_ = out_pipe[0];
  }
  ~Background() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  bool started() const { return pid_ > 0; }

  // Reads output until a line containing `text` arrives; returns that line,
  // or "" at end of output.
  std::string WaitForLine(const std::string& text) {
    while (true) {
      size_t newline;
      while ((newline = buffer_.find('\n')) != std::string::npos) {
        std::string line = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        output_ += line + "\n";
        if (line.find(text) != std::string::npos) return line;
      }
      char chunk[4096];
      ssize_t n = ::read(out_fd_, chunk, sizeof(chunk));
      if (n <= 0) return "";
      buffer_.append(chunk, n);
    }
  }

  // Sends `signal` and waits; returns the exit code (128 + signal if killed).
  int Stop(int signal) {
    ::kill(pid_, signal);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = 0;
  int out_fd_ = -1;
  std::string buffer_;
  std::string output_;
};

// A running icr-server binary and the port it listens on.
struct ServerProcess {
  std::unique_ptr<Background> process;
  std::string port;  // empty when the server did not come up
};

// Starts the icr-server at `binary` on a free loopback port with `data_dir`
// and `extra` flags, and waits until it listens.
inline ServerProcess StartServer(const std::string& binary, const std::string& data_dir,
                                 const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {binary, "--listen", "127.0.0.1:0", "--data_dir", data_dir};
  args.insert(args.end(), extra.begin(), extra.end());
  ServerProcess server;
  server.process = std::make_unique<Background>(args);
  if (!server.process->started()) return server;
  const std::string line = server.process->WaitForLine("listening on port");
  std::smatch match;
  if (std::regex_search(line, match, std::regex("port ([0-9]+)"))) server.port = match[1];
  return server;
}

}  // namespace icr::testing

#endif  // ICR_TESTS_TESTING_SUBPROCESS_H_
