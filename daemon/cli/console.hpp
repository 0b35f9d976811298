#pragma once
// What the commands show on the console: positional arguments with --help, a progress line while work runs, sizes
// in binary units, and the peak memory reported in JSON output.
#include "daemon/cli/flags.hpp"
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

/// How progress shows on stderr: not at all; on a terminal, a block (a line per moving blob and an overall line)
/// redrawn in place every 250 ms; off a terminal, a one-line summary every 5 s.
enum class progress_mode { none, terminal, summary };
/// -q: none; otherwise a terminal's block or, off a terminal, the summary; --output json: none (stdout is data).
progress_mode choose_progress(bool quiet, bool json);

/// Runs `work` on the session, showing p's progress on stderr meanwhile as `mode` says; a summary line starts with
/// `label` ("policy NAME") when there is one.
void run_with_progress(session& s, const transfer::copy_progress& p, progress_mode mode, const std::string& label,
                       const std::function<transfer::awaitable<void>()>& work);

/// True when stderr is a terminal (progress displays go there).
bool stderr_is_tty();

/// 1536 -> "1.5 KiB".
std::string human_bytes(std::uint64_t n);

/// This process's peak resident memory so far (VmHWM), reported in JSON output so memory claims are checkable.
std::uint64_t peak_rss_bytes();

}  // namespace ocimirror::daemon
