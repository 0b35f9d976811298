#include "daemon/service/sd_notify.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

using namespace ocimirror::daemon;

namespace {
/// A datagram socket standing in for systemd's notification socket.
struct listener {
  int fd = -1;
  explicit listener(const std::string& name) {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, name.data(), name.size());
    socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + 1);
    if (name[0] == '@') a.sun_path[0] = '\0', len -= 1;
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), len), 0) << std::strerror(errno);
  }
  ~listener() { ::close(fd); }
  std::string receive() {
    char buf[512];
    auto n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    return n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
  }
};
}  // namespace

TEST(SdNotify, SendsToAPathSocketAndToTheAbstractNamespace) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("ocimirror-notify-" + std::to_string(::getpid()))).string();
  std::filesystem::remove(path);
  {
    listener l(path);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
    EXPECT_TRUE(sd_notify("READY=1\nSTATUS=mirroring"));
    EXPECT_EQ(l.receive(), "READY=1\nSTATUS=mirroring");
  }
  std::filesystem::remove(path);
  const std::string abstract = "@ocimirror-notify-" + std::to_string(::getpid());
  listener a(abstract);
  ::setenv("NOTIFY_SOCKET", abstract.c_str(), 1);
  EXPECT_TRUE(sd_notify("STOPPING=1"));
  EXPECT_EQ(a.receive(), "STOPPING=1");
  ::setenv("NOTIFY_SOCKET", "relative/path", 1);
  EXPECT_FALSE(sd_notify("READY=1"));
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(sd_notify("READY=1"));  // not under systemd: nothing to do, no error
}

TEST(SdNotify, WatchdogIntervalIsHalfOfWatchdogUsecForThisProcess) {
  ::unsetenv("WATCHDOG_PID");
  ::setenv("WATCHDOG_USEC", "20000000", 1);
  EXPECT_EQ(watchdog_interval(), std::chrono::microseconds(10000000));
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  EXPECT_EQ(watchdog_interval(), std::chrono::microseconds(10000000));
  ::setenv("WATCHDOG_PID", "1", 1);  // meant for another process
  EXPECT_FALSE(watchdog_interval());
  ::unsetenv("WATCHDOG_PID");
  ::setenv("WATCHDOG_USEC", "soon", 1);
  EXPECT_FALSE(watchdog_interval());
  ::unsetenv("WATCHDOG_USEC");
  EXPECT_FALSE(watchdog_interval());
}
