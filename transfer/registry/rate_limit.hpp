#pragma once
// Pacing by a registry's own rate-limit headers, so the limit is never reached instead of being met with 429s:
// Docker Hub's `ratelimit-limit: 100;w=21600` / `ratelimit-remaining: 76;w=21600`, GitHub's `x-ratelimit-remaining`
// with `x-ratelimit-reset` (epoch seconds), the IETF draft's `RateLimit-Remaining` / `RateLimit-Reset` (seconds
// from now). While plenty is left nothing waits; once the remainder is down to the reserve, requests that count
// are spaced so that what is left lasts until the window refills. Pure: the caller sleeps.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ocimirror::transfer {

/// What one response said about the registry's limit.
struct rate_reading {
  std::uint64_t remaining = 0;
  std::optional<std::uint64_t> limit;            ///< requests per window
  std::optional<std::chrono::seconds> window;    ///< the window's length ("w=")
  std::optional<std::chrono::seconds> reset_in;  ///< until the window refills, when the registry says
};

/// The reading from a response's headers (each may be empty); nullopt when it carries no remaining count.
/// now_epoch: seconds since 1970, to turn x-ratelimit-reset's epoch time into a delay.
std::optional<rate_reading> read_rate_headers(std::string_view remaining, std::string_view limit,
                                              std::string_view reset, std::int64_t now_epoch);

class rate_pacer {
 public:
  using clock = std::chrono::steady_clock;
  /// How many requests go out before the first answer says whether the registry counts them: a sync starts with a
  /// burst, and without this hold the whole burst would be spent before the first reading arrived.
  static constexpr std::uint64_t probes = 4;
  /// A new reading from the registry replaces what was counted locally, less the other requests still in flight:
  /// the registry had not counted them yet (a reading from concurrent requests would otherwise undo the count).
  void observe(const rate_reading& r, clock::time_point now);
  /// The wait before the next request that counts, which is then taken as sent (at now + the wait); nullopt while
  /// `probes` requests are out and none has answered yet: nothing is sent, ask again shortly.
  std::optional<std::chrono::milliseconds> next(clock::time_point now);
  /// A request next() let go has been answered (its reading, when it had one, observed before this).
  void answered() {
    answered_any_ = true;
    if (in_flight_ > 0) --in_flight_;
  }
  /// One paced attempt, from when next() lets it go until it ends however it ends (answered, failed, cancelled):
  /// counted in flight for that long. One that never got past next() is not counted.
  struct attempt {
    rate_pacer& pacer;
    bool sent = false;
    ~attempt() {
      if (sent) pacer.answered();
    }
  };
  /// The remainder at or below which pacing starts: a tenth of the limit, at least 8 (the requests a registry's
  /// concurrency may have in flight when the reading arrives).
  std::uint64_t reserve() const;
  bool pacing() const { return remaining_ && *remaining_ <= reserve(); }

 private:
  std::chrono::milliseconds spacing(std::uint64_t left, clock::time_point now) const;

  std::optional<std::uint64_t> remaining_, limit_;
  std::optional<std::chrono::seconds> window_;
  std::optional<clock::time_point> refill_at_;
  clock::time_point next_slot_{};
  std::uint64_t in_flight_ = 0;
  bool answered_any_ = false;
};

}  // namespace ocimirror::transfer
