#pragma once
// When and how long to wait before trying a registry request again: which failures are worth another attempt,
// exponential backoff with full jitter, and the registry's own Retry-After. Pure; the waiting is the caller's.
#include "transfer/oci/errors.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ocimirror::transfer {

struct retry_policy {
  int max_attempts = 6;                               ///< tries in all, the first included
  std::chrono::milliseconds base{200};                ///< the first backoff's ceiling
  std::chrono::milliseconds cap{20'000};              ///< no backoff is longer
  std::chrono::milliseconds retry_after_cap{60'000};  ///< a registry asking for longer is waited on this long at most
};

/// A body that arrived whole but wrong (bytes that miss their digest, a manifest or list that does not parse):
/// fetched this many times in all, then reported. Apart from max_attempts, which counts failed requests.
inline constexpr int corrupt_fetches = 3;

/// 408, 429, 500, 502, 503, 504: worth another attempt.
bool retryable_status(unsigned status) noexcept;
/// Throttling, 5xx, network failures and timeouts: worth another attempt.
bool retryable(errc e) noexcept;

/// Full jitter: uniform in [0, min(cap, base * 2^attempt)] (attempt 0 is the first retry); `random` is any 64 bits.
std::chrono::milliseconds backoff(const retry_policy& p, int attempt, std::uint64_t random) noexcept;

/// Retry-After as seconds ("120") or an HTTP-date; nullopt when absent or unparsable. Past dates give 0.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

/// The wait before the next attempt: the registry's Retry-After when it gave one (capped), else the backoff.
std::chrono::milliseconds next_wait(const retry_policy& p, int attempt, std::uint64_t random,
                                    std::optional<std::chrono::milliseconds> retry_after) noexcept;

}  // namespace ocimirror::transfer
