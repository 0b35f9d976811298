// The net layer's boundaries: one URL parser, bounded child processes, temporary files nobody can aim, regular
// files only, and the daemon's own listener never a destination.
#include "transfer/net/child_process.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/net/own_listener.hpp"
#include "transfer/net/url.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/regular_file.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace t = ocimirror::transfer;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
std::string scratch(const std::string& name) {
  auto d = fs::temp_directory_path() / ("ocimirror-unit-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}
}  // namespace

TEST(Url, OneParserRefusesUserinfoAndComparesWholeOrigins) {
  auto u = t::split_url("HTTPS://Registry.Example:5000/v2/x?n=1");
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.host, "registry.example");
  EXPECT_EQ(u.port, "5000");
  EXPECT_EQ(u.authority, "Registry.Example:5000");
  EXPECT_EQ(u.target, "/v2/x?n=1");
  EXPECT_EQ(t::split_url("http://[::1]/").host, "::1");
  EXPECT_EQ(t::split_url("http://[::1]/").port, "80");
  // A user name or password never becomes "Host: user:pw@host", nor goes to the host that follows it.
  for (const char* bad :
       {"http://user:pw@registry.example/v2/", "http://localhost:1@other-host:8080/", "http://@registry.example/",
        "ftp://registry.example/", "http:///x", "http://a b/", "http://registry.example:0/",
        "http://registry.example:99999/", "http://%0d%0a.evil/", "http://[v7.x]/", "/relative/only"})
    EXPECT_THROW(t::split_url(bad), t::error) << bad;
  EXPECT_TRUE(t::same_origin("http://127.0.0.1:5000/token", "HTTP://127.0.0.1:5000/v2/"));
  EXPECT_FALSE(t::same_origin("http://127.0.0.1:5000/", "http://127.0.0.1:5001/"));
  EXPECT_FALSE(t::same_origin("http://r.example/", "https://r.example/"));
  EXPECT_TRUE(t::same_origin("https://r.example/", "https://r.example:443/"));
  EXPECT_TRUE(t::is_loopback_url("http://127.0.0.9:1/"));
  EXPECT_TRUE(t::is_loopback_url("http://[::1]:1/"));
  EXPECT_FALSE(t::is_loopback_url("http://localhost:1@evil.example/"));
  EXPECT_FALSE(t::is_loopback_url("http://127.0.0.1.evil.example/"));
}

TEST(OwnListener, TheDaemonsOwnAdminAPIIsNeverADestination) {
  using boost::asio::ip::make_address;
  using ep = boost::asio::ip::tcp::endpoint;
  const ep admin(make_address("127.0.0.1"), 9099), any(make_address("0.0.0.0"), 9098);
  t::register_own_listener(admin);
  t::register_own_listener(any);
  const ep local(make_address("127.0.0.1"), 40000);
  EXPECT_TRUE(t::reaches_own_listener(admin, local));
  EXPECT_TRUE(t::reaches_own_listener(ep(make_address("::ffff:127.0.0.1"), 9099), local));
  EXPECT_FALSE(t::reaches_own_listener(ep(make_address("127.0.0.1"), 5000), local)) << "another port: a registry";
  // Bound to every address: loopback, or this host's own address (local == remote), reaches it.
  EXPECT_TRUE(t::reaches_own_listener(ep(make_address("127.0.0.2"), 9098), local));
  const ep lan(make_address("10.1.2.3"), 9098);
  EXPECT_TRUE(t::reaches_own_listener(lan, ep(make_address("10.1.2.3"), 40001)));
  EXPECT_FALSE(t::reaches_own_listener(lan, ep(make_address("10.1.2.4"), 40001))) << "another host";
  t::forget_own_listener(admin);
  t::forget_own_listener(any);
  EXPECT_FALSE(t::reaches_own_listener(admin, local));
}

TEST(ChildProcess, RunsBoundedInTimeAndOutput) {
  auto ok = t::run_child("/bin/sh", {"-c", "cat; echo done"}, "in\n", {});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "in\ndone\n");
  EXPECT_EQ(t::run_child("/bin/sh", {"-c", "exit 3"}, "", {}).exit_code, 3);
  const auto start = std::chrono::steady_clock::now();
  auto slow = t::run_child("/bin/sh", {"-c", "sleep 30"}, "", {.timeout = 300ms});
  EXPECT_TRUE(slow.timed_out);
  EXPECT_EQ(slow.exit_code, -1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  // Closes stdout, then lingers: still bounded by the deadline.
  auto linger = t::run_child("/bin/sh", {"-c", "exec >&-; sleep 30"}, "", {.timeout = 300ms});
  EXPECT_TRUE(linger.timed_out);
  auto flood = t::run_child("/bin/sh", {"-c", "yes"}, "", {.timeout = 10s, .output_cap = 4096});
  EXPECT_TRUE(flood.over_cap);
  EXPECT_EQ(flood.out.size(), 4096u);
  // Never reads its input: the write fails (EPIPE), the process goes on.
  auto deaf = t::run_child("/bin/sh", {"-c", "exec <&-; echo hi"}, std::string(1 << 20, 'x'), {});
  EXPECT_EQ(deaf.out, "hi\n");
  EXPECT_THROW(t::run_child("/nonexistent/helper", {}, "", {}), t::error);
  // It exits while something it started still holds its stdout: done when it exits, not at the deadline.
  const auto quick = std::chrono::steady_clock::now();
  auto forked = t::run_child("/bin/sh", {"-c", "sleep 29.5 & echo ok"}, "", {.timeout = 10s});
  EXPECT_EQ(forked.exit_code, 0);
  EXPECT_EQ(forked.out, "ok\n");
  EXPECT_LT(std::chrono::steady_clock::now() - quick, 5s);
  (void)::system("pkill -f 'slee[p] 29.5'");
  // Killed at the deadline with what it started: no `sleep` left behind.
  auto group = t::run_child("/bin/sh", {"-c", "sleep 28.5; echo never"}, "", {.timeout = 300ms});
  EXPECT_TRUE(group.timed_out);
  std::this_thread::sleep_for(100ms);
  EXPECT_NE(::system("pgrep -f 'slee[p] 28.5' >/dev/null"), 0) << "the helper's own child was killed with it";
}

TEST(RegularFile, AFIFOOrDeviceIsRefusedWithoutWaiting) {
  const auto d = scratch("regular");
  ASSERT_EQ(::mkfifo((d + "/fifo").c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  try {
    t::open_regular(d + "/fifo");
    ADD_FAILURE() << "a FIFO was opened";
  } catch (const t::error& e) {
    EXPECT_EQ(e.code(), t::errc::bad_archive);
    EXPECT_NE(std::string(e.what()).find("is not a regular file"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_THROW(t::open_regular("/dev/zero"), t::error);
  EXPECT_THROW(t::open_regular(d), t::error);
  std::ofstream(d + "/real") << "x";
  fs::create_symlink(d + "/real", d + "/link");
  EXPECT_THROW(t::open_regular(d + "/link", t::links::refuse), t::error);
  const int f = t::open_regular(d + "/link", t::links::follow);
  EXPECT_GE(f, 0);
  ::close(f);
  EXPECT_THROW(t::file::read_file(d + "/fifo", 100), t::error);
  fs::remove_all(d);
}

TEST(TempFiles, MadeExclusivelyPrivateAndNeverThroughAPlantedLink) {
  const auto d = scratch("temp");
  std::ofstream(d + "/victim") << "precious";
  // Links planted at every name a predictable scheme would have used: none is written through.
  for (const char* name : {"out.layer-", "out.layer-1234", "out.layer-.tar"})
    fs::create_symlink(d + "/victim", d + "/" + name);
  std::string first;
  {
    auto a = t::file::make_temp_file(d, "out.layer-");
    auto b = t::file::make_temp_file(d, "out.layer-");
    EXPECT_NE(a.path, b.path);
    EXPECT_FALSE(fs::is_symlink(a.path));
    struct stat st {};
    ::fstat(a.f.n, &st);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    t::file::write_all(a.f.n, "spooled", a.path);
    first = a.path;
  }
  EXPECT_FALSE(fs::exists(first)) << "removed when dropped";
  {
    auto dirs = t::file::make_temp_dir(d, "chart-");
    struct stat st {};
    ::stat(dirs.path.c_str(), &st);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    std::ofstream(dirs.path + "/inside") << "x";
    first = dirs.path;
  }
  EXPECT_FALSE(fs::exists(first));
  t::file::write_atomic(d + "/index.json", "{}");
  EXPECT_EQ(t::file::read_file(d + "/index.json", 100), "{}");
  std::ifstream victim(d + "/victim");
  std::string text((std::istreambuf_iterator<char>(victim)), {});
  EXPECT_EQ(text, "precious");
  fs::remove_all(d);
}
