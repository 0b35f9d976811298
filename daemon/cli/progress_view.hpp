#pragma once
// What the progress display draws, as text: pure, so the layout (narrow terminals, ETA, bars) is tested without a
// terminal. console.cpp samples the counters and writes these lines.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ocimirror::daemon {

struct progress_snapshot {
  std::size_t tags_done = 0, tags_total = 0;  ///< tags_total 0: a single copy, no tag count shown
  std::size_t blobs_done = 0, blobs_total = 0;
  std::uint64_t bytes_done = 0, bytes_total = 0;  ///< bytes_total: of the blobs known so far
  double rate = 0;                                ///< bytes per second, smoothed
  double elapsed = 0;                             ///< seconds since the work began
  struct blob {
    std::string name;  ///< "repository@sha256:abcdef…"
    std::uint64_t done = 0, size = 0;
  };
  std::vector<blob> moving;
};

/// On a terminal: a line per moving blob (at most max_blobs, then "+N more"), then the overall line. Every line
/// fits in `width` columns less one, so none wraps and the block can be redrawn in place.
std::vector<std::string> terminal_lines(const progress_snapshot& s, std::size_t width, std::size_t max_blobs);

/// Off a terminal: the overall state in one line (a log line every few seconds).
std::string summary_line(const progress_snapshot& s);

/// Seconds as "42s", "3m05s", "2h07m"; "?" when unknown (negative, not finite, or over 99 hours).
std::string duration_text(double seconds);

/// "[#####.....]" of `width` columns in all (at least 3), filled by fraction (clamped to 0..1).
std::string bar(double fraction, std::size_t width);

/// The time left at `rate` for what is known to remain; negative when it cannot be told.
double eta_seconds(const progress_snapshot& s);

}  // namespace ocimirror::daemon
