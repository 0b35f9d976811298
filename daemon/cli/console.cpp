#include "daemon/cli/console.hpp"

#include "daemon/cli/logging_flags.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>

namespace ocimirror::daemon {
namespace po = boost::program_options;

namespace {

/// What the progress line and the work share; held by both, so whichever ends last frees it.
struct progress_line {
  explicit progress_line(boost::asio::io_context& io) : timer(io) {}
  bool done = false;
  boost::asio::steady_timer timer;
};

transfer::awaitable<void> show_progress(const transfer::copy_progress& p, std::shared_ptr<progress_line> line) {
  const auto start = std::chrono::steady_clock::now();
  bool drawn = false;
  while (!line->done) {
    line->timer.expires_after(std::chrono::milliseconds(250));
    co_await line->timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (line->done) break;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = secs > 0 ? static_cast<double>(p.bytes_done) / secs : 0;
    std::fprintf(stderr, "\r\033[Kcopying: %zu/%zu blobs, %s of %s, %s/s", p.blobs_done, p.blobs_total,
                 human_bytes(p.bytes_done).c_str(), human_bytes(p.bytes_total).c_str(),
                 human_bytes(static_cast<std::uint64_t>(rate)).c_str());
    drawn = true;
  }
  if (drawn) std::fprintf(stderr, "\r\033[K");
}

}  // namespace

void run_with_progress(session& s, const transfer::copy_progress& p, bool show,
                       const std::function<transfer::awaitable<void>()>& work) {
  s.run([&]() -> transfer::awaitable<void> {
    auto line = std::make_shared<progress_line>(s.io());
    if (show) boost::asio::co_spawn(s.io(), show_progress(p, line), boost::asio::detached);
    std::exception_ptr failed;
    try {
      co_await work();
    } catch (...) {
      failed = std::current_exception();
    }
    line->done = true;
    line->timer.cancel();
    if (failed) std::rethrow_exception(failed);
  });
}

bool stderr_is_tty() { return ::isatty(STDERR_FILENO) == 1; }

std::uint64_t peak_rss_bytes() {
  // VmHWM is this program's own peak. getrusage's ru_maxrss survives execve, so a process started by a large
  // parent (fork copies its pages before exec) would report the parent's size.
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.starts_with("VmHWM:")) return std::stoull(line.substr(6)) * 1024;  // "VmHWM:  12345 kB"
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<std::uint64_t>(ru.ru_maxrss) * 1024;
}

std::string human_bytes(std::uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

bool parse_positional(const std::vector<std::string>& a, const po::options_description& opts,
                      std::vector<std::string>& positional, const char* help) {
  po::options_description hidden;
  hidden.add_options()("arg", po::value(&positional)->composing());
  logging_flags logging;
  const auto logs = logging.describe();
  po::options_description all;
  all.add(opts).add(logs).add(hidden);
  po::positional_options_description pos;
  pos.add("arg", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(a).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << help << "\n" << opts << "\n" << logs << "\n";
    return true;
  }
  logging.apply();
  return false;
}

}  // namespace ocimirror::daemon
