#include "daemon/cli/console.hpp"
#include "daemon/cli/flags.hpp"

#include "daemon/cli/logging_flags.hpp"
#include "daemon/cli/progress_view.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
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

/// The terminal's width in columns: the window size, else $COLUMNS, else 80.
std::size_t terminal_width() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* c = std::getenv("COLUMNS"); c && std::atoi(c) > 0) return static_cast<std::size_t>(std::atoi(c));
  return 80;
}

/// How often the summary is written off a terminal: OCIMIRROR_PROGRESS_EVERY seconds (30, 0.5), else every 5 s.
std::chrono::milliseconds summary_every() {
  if (const char* v = std::getenv("OCIMIRROR_PROGRESS_EVERY")) {
    char* end = nullptr;
    const double s = std::strtod(v, &end);
    if (end != v && *end == '\0' && s > 0 && s < 86400) return std::chrono::milliseconds(std::llround(s * 1000));
  }
  return std::chrono::seconds(5);
}

progress_snapshot sample(const transfer::copy_progress& p) {
  progress_snapshot s;
  s.tags_done = p.tags_done, s.tags_total = p.tags_total;
  s.blobs_done = p.blobs_done, s.blobs_total = p.blobs_total;
  s.bytes_done = p.bytes_done, s.bytes_total = p.bytes_total;
  for (const auto& b : p.moving)
    s.moving.push_back(
        {b.repository + "@" + b.digest.substr(0, std::min<std::size_t>(b.digest.size(), 19)), b.done, b.size});
  return s;
}

/// The block drawn last (its line count), redrawn in place: up to its first line, clear below, draw again.
struct terminal_block {
  std::size_t lines = 0;
  void draw(const std::vector<std::string>& next) {
    std::string out = lines ? "\033[" + std::to_string(lines) + "F\033[J" : "";
    for (const auto& l : next) out += l + "\n";
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
    lines = next.size();
  }
  void clear() {
    if (lines) std::fprintf(stderr, "\033[%zuF\033[J", lines);
    lines = 0;
  }
};

transfer::awaitable<void> show_progress(const transfer::copy_progress& p, std::shared_ptr<progress_line> line,
                                        progress_mode mode, std::string label) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  auto last = start, last_summary = start;
  const auto every = summary_every();
  std::uint64_t last_bytes = 0;
  double rate = 0;
  terminal_block block;
  while (!line->done) {
    line->timer.expires_after(std::chrono::milliseconds(250));
    co_await line->timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (line->done) break;
    const auto now = clock::now();
    const double dt = std::chrono::duration<double>(now - last).count();
    if (dt > 0) {  // a smoothed rate: steady enough to read, quick to follow a change
      const double instant = double(p.bytes_done >= last_bytes ? p.bytes_done - last_bytes : 0) / dt;
      rate = rate == 0 ? instant : 0.8 * rate + 0.2 * instant;
    }
    last = now, last_bytes = p.bytes_done;
    auto s = sample(p);
    s.rate = rate;
    s.elapsed = std::chrono::duration<double>(now - start).count();
    if (mode == progress_mode::terminal) {
      block.draw(terminal_lines(s, terminal_width(), 8));
    } else if (now - last_summary >= every && (s.tags_total || s.blobs_total || s.bytes_done)) {
      // (Nothing known yet, as while a connection is retried: no line that says only zeros.)
      std::fprintf(stderr, "%s%s\n", label.empty() ? "" : (label + ": ").c_str(), summary_line(s).c_str());
      last_summary = now;
    }
  }
  block.clear();
}

}  // namespace

progress_mode choose_progress(bool quiet, bool json) {
  if (quiet) return progress_mode::none;
  if (stderr_is_tty()) return json ? progress_mode::none : progress_mode::terminal;
  return json ? progress_mode::none : progress_mode::summary;
}

void run_with_progress(session& s, const transfer::copy_progress& p, progress_mode mode, const std::string& label,
                       const std::function<transfer::awaitable<void>()>& work) {
  s.run([&]() -> transfer::awaitable<void> {
    auto line = std::make_shared<progress_line>(s.io());
    if (mode != progress_mode::none)
      boost::asio::co_spawn(s.io(), show_progress(p, line, mode, label), boost::asio::detached);
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
