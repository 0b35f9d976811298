#include "transfer/net/retry.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <string>

namespace ocimirror::transfer {

const char* budget_name(budget_kind k) noexcept {
  switch (k) {
    case budget_kind::request:
      return "request";
    case budget_kind::blob:
      return "blob";
    case budget_kind::resumed_read:
      return "resumed read";
    case budget_kind::refetch:
      return "re-fetch";
    case budget_kind::token:
      return "token";
  }
  return "retry";
}

bool retry_budget::spend() noexcept {
  if (exhausted()) return false;
  for (auto* b = this; b; b = b->within_) ++b->spent_;
  return true;
}

int retry_budget::left() const noexcept {
  int n = limit_ - spent_;
  for (auto* b = within_; b; b = b->within_) n = std::min(n, b->limit_ - b->spent_);
  return std::max(n, 0);
}

const retry_budget* retry_budget::exhausted() const noexcept {
  for (auto* b = this; b; b = b->within_)
    if (b->spent_ >= b->limit_) return b;
  return nullptr;
}

std::string retry_budget::describe_spent() const {
  const auto* b = exhausted();
  if (!b) b = this;
  return std::string("the ") + budget_name(b->kind_) + "'s " + std::to_string(b->limit_) +
         (b->limit_ == 1 ? " retry was" : " retries were") + " spent";
}

bool retryable_status(unsigned status) noexcept {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

bool retryable(errc e) noexcept {
  return e == errc::throttled || e == errc::server_error || e == errc::network || e == errc::timeout;
}

std::chrono::milliseconds backoff(const retry_policy& p, int attempt, std::uint64_t random) noexcept {
  const auto shift = std::clamp(attempt, 0, 30);
  const auto ceiling = std::min<std::int64_t>(p.cap.count(), p.base.count() << shift);
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(random % static_cast<std::uint64_t>(ceiling + 1)));
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view v,
                                                           std::chrono::system_clock::time_point now) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t secs = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), secs);
    if (ec != std::errc{} || end != v.data() + v.size()) return std::nullopt;
    return std::chrono::milliseconds(std::min<std::int64_t>(secs, 86400) * 1000);
  }
  // IMF-fixdate: "Wed, 21 Oct 2015 07:28:00 GMT"
  std::tm tm{};
  const std::string s(v);
  if (!::strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) return std::nullopt;
  // In whole seconds first: a far-future date (year 2815) overflows system_clock's nanoseconds (found by
  // fuzz_headers; tests/fuzz/corpus/headers/retry-after-year-2815). Capped at a day, like the seconds form.
  const std::int64_t when = ::timegm(&tm), at = std::chrono::system_clock::to_time_t(now);
  if (when <= at) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(std::min<std::int64_t>(when - at, 86400) * 1000);
}

std::chrono::milliseconds next_wait(const retry_policy& p, int attempt, std::uint64_t random,
                                    std::optional<std::chrono::milliseconds> retry_after) noexcept {
  if (retry_after) return std::min(*retry_after, p.retry_after_cap);
  return backoff(p, attempt, random);
}

}  // namespace ocimirror::transfer
