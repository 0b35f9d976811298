// `ocimirror daemon` under systemd's notify protocol: READY=1 once serving, WATCHDOG=1 at half the watchdog
// period, RELOADING=1 then READY=1 around a SIGHUP, STOPPING=1 on SIGTERM.
#include "tests/integration/daemon_fixture.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

using namespace ocimirror::testing;
using namespace ocimirror::testing::daemon_suite;

namespace {

/// Collects what the daemon sends to $NOTIFY_SOCKET, as systemd would.
class notify_socket {
 public:
  explicit notify_socket(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path_.c_str(), path_.size() + 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
  }
  ~notify_socket() { ::close(fd_); }
  /// Every message received so far, joined by '|'.
  const std::string& seen() {
    char buf[512];
    for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT)) > 0;)
      seen_ += std::string(buf, static_cast<std::size_t>(n)) + "|";
    return seen_;
  }
  bool saw(const std::string& what) {
    return eventually([&] { return seen().find(what) != std::string::npos; }, 5s);
  }

 private:
  std::string path_, seen_;
  int fd_ = -1;
};

TEST_F(Daemon, SpeaksTheSystemdNotifyProtocol) {
  write_config(policy("fast", dst->host() + "/notify-fast", "    repositories: [app]\n"));
  notify_socket systemd(dir + "/notify");
  // As systemd starts a Type=notify service with WatchdogSec=: the socket and the watchdog period in the environment.
  background d({"env", "NOTIFY_SOCKET=" + dir + "/notify", "WATCHDOG_USEC=400000", ocimirror_bin(), "daemon",
                "--config", config},
               dir);
  EXPECT_TRUE(systemd.saw("READY=1")) << d.err();
  EXPECT_TRUE(systemd.saw("WATCHDOG=1|WATCHDOG=1|")) << "every 200 ms: " << systemd.seen();
  d.signal(SIGHUP);
  EXPECT_TRUE(systemd.saw("RELOADING=1|")) << systemd.seen();
  const auto after_reload = systemd.seen().find("RELOADING=1|");
  EXPECT_TRUE(eventually([&] { return systemd.seen().find("READY=1", after_reload) != std::string::npos; }, 5s));
  d.signal(SIGTERM);
  EXPECT_EQ(d.wait(10s), 0);
  EXPECT_NE(systemd.seen().find("STOPPING=1|"), std::string::npos) << systemd.seen();
}

}  // namespace
