#pragma once
// What the commands show on the console: positional arguments with --help, a progress line while work runs, sizes
// in binary units, and the peak memory reported in JSON output.
#include "daemon/run/session.hpp"
#include "transfer/copy/copy.hpp"

#include <boost/program_options.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ocimirror::daemon {

/// Parses opts plus positional arguments (into positional); true when --help was asked and printed. Throws po::error.
bool parse_positional(const std::vector<std::string>& a, const boost::program_options::options_description& opts,
                      std::vector<std::string>& positional, const char* help);

/// Runs `work` on the session; meanwhile, when `show`, one progress line on stderr redrawn every 250 ms from p.
void run_with_progress(session& s, const transfer::copy_progress& p, bool show,
                       const std::function<transfer::awaitable<void>()>& work);

/// True when stderr is a terminal (progress displays go there).
bool stderr_is_tty();

/// 1536 -> "1.5 KiB".
std::string human_bytes(std::uint64_t n);

/// This process's peak resident memory so far (VmHWM), reported in JSON output so memory claims are checkable.
std::uint64_t peak_rss_bytes();

}  // namespace ocimirror::daemon
