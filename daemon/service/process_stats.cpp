#include "daemon/service/process_stats.hpp"

#include "transfer/oci/whole_number.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ocimirror::daemon {
namespace {

const auto number = &transfer::parse_whole<std::uint64_t>;

std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n')) ++i;
    const auto start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\n') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::string slurp(const char* path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::optional<process_stats> parse_proc_stat(std::string_view stat, long ticks_per_second, long page_size,
                                             double boot_time) {
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0 || page_size <= 0) return std::nullopt;
  // After the name: field 3 (state) is t[0], so field n is t[n - 3] (proc(5)).
  const auto t = fields(stat.substr(close + 1));
  if (t.size() < 22) return std::nullopt;
  const auto utime = number(t[11]), stime = number(t[12]), start = number(t[19]), vsize = number(t[20]),
             rss = number(t[21]);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  process_stats p;
  const auto hz = static_cast<double>(ticks_per_second);
  p.cpu_seconds = static_cast<double>(*utime + *stime) / hz;
  p.start_time_seconds = boot_time + static_cast<double>(*start) / hz;
  p.virtual_bytes = *vsize;
  p.resident_bytes = *rss * static_cast<std::uint64_t>(page_size);
  return p;
}

std::optional<double> parse_boot_time(std::string_view proc_stat) {
  for (std::size_t at = 0; at < proc_stat.size();) {
    auto end = proc_stat.find('\n', at);
    if (end == std::string_view::npos) end = proc_stat.size();
    const auto line = proc_stat.substr(at, end - at);
    if (line.starts_with("btime "))
      if (auto n = number(line.substr(6))) return static_cast<double>(*n);
    at = end + 1;
  }
  return std::nullopt;
}

std::optional<process_stats> read_process_stats() {
  const auto boot = parse_boot_time(slurp("/proc/stat"));
  if (!boot) return std::nullopt;
  auto p = parse_proc_stat(slurp("/proc/self/stat"), sysconf(_SC_CLK_TCK), sysconf(_SC_PAGESIZE), *boot);
  if (!p) return std::nullopt;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec))
    ++p->open_fds;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) p->max_fds = lim.rlim_cur;
  return p;
}

}  // namespace ocimirror::daemon
