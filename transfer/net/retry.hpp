#pragma once
// When, how long and how often to try a registry request again: which failures are worth another attempt,
// exponential backoff with full jitter, the registry's own Retry-After, and the named budgets every retry is spent
// from. Pure; the waiting is the retry owner's (transfer/net/retrier.hpp).
#include "transfer/oci/errors.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

/// How many retries each kind of work may spend, and how long to wait between them. Budgets nest (see
/// retry_budget): the blob's budget bounds its requests', resumed reads' and re-fetches' retries together.
struct retry_policy {
  int request = 5;       ///< retries of one request: throttling, 5xx, a broken connection
  int blob = 10;         ///< retries of one blob in all: its requests, resumed reads, re-fetches and re-sends
  int resumed_read = 8;  ///< Range resumptions (or part re-fetches) of one blob read
  int refetch = 2;       ///< fetches again of a body that arrived whole but wrong (three fetches in all)
  int token = 2;         ///< asks again of a token service that failed or answered garbled
  std::chrono::milliseconds base{200};                ///< the first backoff's ceiling
  std::chrono::milliseconds cap{20'000};              ///< no backoff is longer
  std::chrono::milliseconds retry_after_cap{60'000};  ///< a registry asking for longer is waited on this long at most
};

enum class budget_kind { request, blob, resumed_read, refetch, token };
/// "request", "blob", "resumed read", "re-fetch", "token".
const char* budget_name(budget_kind k) noexcept;

/// The retries one piece of work may still spend. A budget may sit inside another (a request inside a blob): a
/// retry is taken from it and from every budget around it, and refused when any of them is spent. Layers that each
/// allow a few retries therefore share the outermost allowance instead of multiplying theirs.
class retry_budget {
 public:
  retry_budget(budget_kind kind, int retries, retry_budget* within = nullptr) noexcept
      : kind_(kind), limit_(retries < 0 ? 0 : retries), within_(within) {}
  retry_budget(const retry_budget&) = delete;
  retry_budget& operator=(const retry_budget&) = delete;

  /// Takes one retry from this budget and every enclosing one; false, taking nothing, when any is spent.
  bool spend() noexcept;
  /// Retries this budget can still give, the enclosing ones counted.
  int left() const noexcept;
  /// Retries taken here so far (the next backoff's exponent).
  int spent() const noexcept { return spent_; }
  budget_kind kind() const noexcept { return kind_; }
  /// The budget that refuses the next retry: this one or one around it; null while every one has some left.
  const retry_budget* exhausted() const noexcept;
  /// For messages: "the blob's 10 retries were spent".
  std::string describe_spent() const;

 private:
  budget_kind kind_;
  int limit_, spent_ = 0;
  retry_budget* within_;
};

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
