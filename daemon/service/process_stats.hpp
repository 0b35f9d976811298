#pragma once
// The standard process metrics (process_cpu_seconds_total, process_resident_memory_bytes, process_open_fds...),
// named as the Prometheus client libraries name them, from Linux's /proc. Parsing is pure; reading is one call.
#include <cstdint>
#include <optional>
#include <string_view>

namespace ocimirror::daemon {

struct process_stats {
  double cpu_seconds = 0;           ///< user + system
  double start_time_seconds = 0;    ///< Unix time the process started
  std::uint64_t virtual_bytes = 0;  ///< address space
  std::uint64_t resident_bytes = 0;
  std::uint64_t open_fds = 0, max_fds = 0;
};

/// From /proc/self/stat's text (the command name may hold spaces and parentheses: fields are counted after the last
/// ')'), the clock's ticks per second, the page size and the boot time (Unix seconds); nullopt when it does not parse.
std::optional<process_stats> parse_proc_stat(std::string_view stat, long ticks_per_second, long page_size,
                                             double boot_time);

/// The boot time (Unix seconds) from /proc/stat's "btime" line; nullopt when there is none.
std::optional<double> parse_boot_time(std::string_view proc_stat);

/// This process now; nullopt where /proc cannot be read (then no process metrics are exported).
std::optional<process_stats> read_process_stats();

}  // namespace ocimirror::daemon
