#include "transfer/net/child_process.hpp"

#include "transfer/oci/errors.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace ocimirror::transfer {
namespace {

struct pipe_pair {
  int r = -1, w = -1;
  pipe_pair() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw error(errc::io, std::string("cannot make a pipe: ") + std::strerror(errno));
    r = fds[0], w = fds[1];
  }
  ~pipe_pair() { close_both(); }
  void close_r() { r = r >= 0 ? (::close(r), -1) : -1; }
  void close_w() { w = w >= 0 ? (::close(w), -1) : -1; }
  void close_both() { close_r(), close_w(); }
};

pid_t spawn(const std::string& path, const std::vector<std::string>& args, pipe_pair& in, pipe_pair& out) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in.r, 0);
  posix_spawn_file_actions_adddup2(&fa, out.w, 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> argv_s{path};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, path.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw error(errc::io, "cannot start " + path + ": " + std::strerror(rc));
  return pid;
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1000));
}

/// SIGPIPE blocked in this thread while a child runs: a child that never reads its input makes our write fail
/// with EPIPE instead of ending the process. A SIGPIPE our write raised is taken before the mask is restored.
struct sigpipe_blocked {
  sigset_t pipe_only{}, old{};
  sigpipe_blocked() {
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  }
  ~sigpipe_blocked() {
    const timespec none{0, 0};
    while (sigtimedwait(&pipe_only, nullptr, &none) > 0) {}
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
};

}  // namespace

child_result run_child(const std::string& path, const std::vector<std::string>& args, std::string_view input,
                       const child_limits& limits) {
  sigpipe_blocked quiet;
  pipe_pair in, out;
  const pid_t pid = spawn(path, args, in, out);
  in.close_r(), out.close_w();
  ::fcntl(in.w, F_SETFL, O_NONBLOCK);
  ::fcntl(out.r, F_SETFL, O_NONBLOCK);
  child_result res;
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  std::size_t written = 0;
  if (input.empty()) in.close_w();
  char buf[16384];
  while (out.r >= 0) {
    pollfd fds[2] = {{out.r, POLLIN, 0}, {in.w, POLLOUT, 0}};
    const int ms = remaining_ms(deadline);
    if (ms == 0) {
      res.timed_out = true;
      break;
    }
    if (::poll(fds, in.w >= 0 ? 2 : 1, ms) < 0 && errno != EINTR) break;
    if (in.w >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const auto n = ::write(in.w, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) in.close_w();  // it will not read: its answer says why
      if (written == input.size()) in.close_w();
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const auto n = ::read(out.r, buf, sizeof buf);
      if (n == 0) out.close_r();
      if (n < 0 && errno != EAGAIN && errno != EINTR) out.close_r();
      if (n > 0) res.out.append(buf, static_cast<std::size_t>(n));
      if (res.out.size() > limits.output_cap) {
        res.over_cap = true;
        res.out.resize(limits.output_cap);
        break;
      }
    }
  }
  if (res.timed_out || res.over_cap) ::kill(pid, SIGKILL);
  in.close_both(), out.close_both();
  int status = 0;
  // Its stdout closed: it is ending. A child that closed stdout and lingers is given until the deadline.
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (remaining_ms(deadline) == 0) {
      res.timed_out = true;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    ::usleep(5000);
  }
  res.exit_code = WIFEXITED(status) && !res.timed_out && !res.over_cap ? WEXITSTATUS(status) : -1;
  return res;
}

}  // namespace ocimirror::transfer
