#pragma once
// How many requests a registry and the link to it take at once, found without a knob. The limit starts at the
// maximum (a warm run over a slow link has no round trips to spare for a ramp) and adapts from the answers:
// halved on 429 or 503 (once for a burst), cut to three quarters after a round (as many answers as the limit) in which
// most answers waited in a queue (took more than twice the fastest recent answer, plus a few milliseconds of noise),
// and grown by one after a round in which they did not (additive increase, multiplicative decrease). A wide-area link
// keeps its answers near the round trip however many are in flight, so the limit stays high and hides the latency; a
// registry that runs out of CPU answers later the more it is asked, so the limit settles where it keeps up.
// Bounded by [1, max]. Pure.
#include <chrono>
#include <cstddef>

namespace ocimirror::transfer {

class adaptive_limit {
 public:
  using duration = std::chrono::microseconds;
  explicit adaptive_limit(std::size_t max);
  std::size_t limit() const { return limit_; }
  std::size_t max() const { return max_; }
  /// The fastest answer of the recent rounds (duration::max() before the first).
  duration floor() const { return floor_; }
  /// The registry said to slow down (429, 503): halve, once for a burst (the refusals of requests that were in
  /// flight when the first came back do not cut again).
  void throttled();
  /// An answer that succeeded, without a time worth judging (an upload's time is its bytes, not a queue).
  void succeeded();
  /// An answer and how long it took from sending to its head.
  void answered(duration took);

  /// Answers slower than floor * 2 + noise count as queued.
  static constexpr duration noise{std::chrono::milliseconds(5)};
  /// Every this many rounds the floor is learnt afresh from the last round, so a path that got slower for good
  /// is not judged by a fast answer from long ago.
  static constexpr std::size_t floor_rounds = 16;

 private:
  void count(bool queued);
  void end_round();

  std::size_t max_, limit_;
  std::size_t answers_ = 0, queued_ = 0, rounds_ = 0;
  std::size_t unheard_ = 0;  ///< requests in flight at the last cut whose answers have not come back
  duration floor_ = duration::max(), round_fastest_ = duration::max();
};

}  // namespace ocimirror::transfer
