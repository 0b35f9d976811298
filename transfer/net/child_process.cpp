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
  // Nothing else of ours goes with it: Asio's sockets (the admin listener, registry connections) lack O_CLOEXEC.
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  std::vector<std::string> argv_s{path};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_s.size() + 1);
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Its own process group: a deadline kills what it started too (a shell's `sleep`), not only the helper.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // ... and signals as a fresh process has them: not SIGPIPE ignored (main) nor blocked (this thread).
  sigset_t none, pipe_only;
  sigemptyset(&none);
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &pipe_only);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, path.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
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
  auto read_some = [&] {  // false once stdout is closed, or the cap is passed
    const auto n = ::read(out.r, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) out.close_r();
    if (n > 0) res.out.append(buf, static_cast<std::size_t>(n));
    if (res.out.size() > limits.output_cap) {
      res.over_cap = true;
      res.out.resize(limits.output_cap);
    }
    return n > 0 && !res.over_cap;
  };
  int status = 0;
  bool exited = false;
  // Until it exits (what it left in the pipe is then read) or the deadline: a helper whose stdout a child it
  // started still holds has answered all the same once it exits.
  while (!exited && !res.over_cap) {
    const int ms = remaining_ms(deadline);
    if (ms == 0) {
      res.timed_out = true;
      break;
    }
    pollfd fds[2] = {{out.r, POLLIN, 0}, {in.w, POLLOUT, 0}};
    const nfds_t n = out.r >= 0 ? (in.w >= 0 ? 2 : 1) : 0;
    if (::poll(n ? fds : nullptr, n, std::min(ms, 50)) < 0 && errno != EINTR) break;
    if (in.w >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const auto put = ::write(in.w, input.data() + written, input.size() - written);
      if (put > 0) written += static_cast<std::size_t>(put);
      if (put < 0 && errno != EAGAIN && errno != EINTR) in.close_w();  // it will not read: its answer says why
      if (written == input.size()) in.close_w();
    }
    if (out.r >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) read_some();
    exited = ::waitpid(pid, &status, WNOHANG) == pid;
  }
  if (exited)
    while (out.r >= 0 && read_some()) {}
  if (!exited) {
    ::kill(-pid, SIGKILL);  // the whole group: the helper and whatever it started
    ::waitpid(pid, &status, 0);
  }
  res.exit_code = exited && WIFEXITED(status) && !res.over_cap ? WEXITSTATUS(status) : -1;
  return res;
}

}  // namespace ocimirror::transfer
