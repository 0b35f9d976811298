#pragma once
// Runs a program to its end with bounds: its input written, its output read up to a cap, a deadline after which
// it is killed (SIGKILL), stderr discarded. Blocking, and so never called on the event loop itself: callers go
// through off_loop (transfer/net/off_loop.hpp). What credential helpers run through.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {

struct child_limits {
  std::chrono::milliseconds timeout{30'000};  ///< from start to exit; then killed
  std::size_t output_cap = 1u << 20;          ///< stdout beyond this kills it
};

struct child_result {
  int exit_code = -1;  ///< -1: killed or died of a signal
  std::string out;     ///< stdout, at most output_cap bytes
  bool timed_out = false;
  bool over_cap = false;
};

/// Starts `path` with argv {path, args...}, writes input to its stdin and closes it, reads stdout until it closes;
/// throws transfer::error(io) only when it cannot be started.
child_result run_child(const std::string& path, const std::vector<std::string>& args, std::string_view input,
                       const child_limits& limits);

}  // namespace ocimirror::transfer
