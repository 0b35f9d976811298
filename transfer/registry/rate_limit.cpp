#include "transfer/registry/rate_limit.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace ocimirror::transfer {

namespace {

constexpr std::chrono::milliseconds longest_wait{60'000};  // as a Retry-After is capped (retry_policy)
// A window or reset further off than this is a broken or hostile registry's: capped before any time arithmetic,
// which would otherwise overflow (waits are capped at longest_wait anyway).
constexpr std::chrono::seconds longest_period{366 * 24 * 3600};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::uint64_t> leading_number(std::string_view s) {
  s = trim(s);
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end == s.data()) return std::nullopt;
  return v;
}

/// "100;w=21600": the w= parameter.
std::optional<std::uint64_t> window_of(std::string_view s) {
  for (auto at = s.find(';'); at != std::string_view::npos; at = s.find(';', at + 1)) {
    auto p = trim(s.substr(at + 1));
    if (p.starts_with("w=")) return leading_number(p.substr(2));
  }
  return std::nullopt;
}

}  // namespace

std::optional<rate_reading> read_rate_headers(std::string_view remaining, std::string_view limit,
                                              std::string_view reset, std::int64_t now_epoch) {
  auto left = leading_number(remaining);
  if (!left) return std::nullopt;
  rate_reading r;
  r.remaining = *left;
  r.limit = leading_number(limit);
  if (r.limit == 0) r.limit.reset();
  auto w = window_of(remaining);
  if (!w) w = window_of(limit);
  if (w && *w > 0) r.window = std::chrono::seconds(std::min<std::uint64_t>(*w, longest_period.count()));
  if (auto t = leading_number(reset)) {
    // x-ratelimit-reset is an epoch time (GitHub); RateLimit-Reset is seconds from now (IETF draft).
    constexpr std::uint64_t epoch_2001 = 1'000'000'000;
    const auto t_capped = static_cast<std::int64_t>(std::min<std::uint64_t>(*t, 1ull << 62));
    const std::int64_t in = *t >= epoch_2001 ? t_capped - now_epoch : t_capped;
    r.reset_in = std::chrono::seconds(std::clamp<std::int64_t>(in, 0, longest_period.count()));
  }
  return r;
}

void rate_pacer::observe(const rate_reading& r, clock::time_point now) {
  const std::uint64_t others = in_flight_ > 0 ? in_flight_ - 1 : 0;  // besides the one this reading answers
  remaining_ = r.remaining > others ? r.remaining - others : 0;
  if (r.limit) limit_ = r.limit;
  if (r.window) window_ = r.window;
  if (r.reset_in)
    refill_at_ = now + *r.reset_in;
  else
    refill_at_.reset();
}

std::uint64_t rate_pacer::reserve() const { return std::max<std::uint64_t>(8, limit_ ? *limit_ / 10 : 0); }

std::optional<std::chrono::milliseconds> rate_pacer::next(clock::time_point now) {
  using std::chrono::milliseconds;
  if (!remaining_ && !answered_any_ && in_flight_ >= probes) return std::nullopt;
  ++in_flight_;
  if (!remaining_) return milliseconds(0);
  const std::uint64_t left = *remaining_;
  if (left > 0) --*remaining_;  // counted locally until the next reading
  if (left > reserve()) return milliseconds(0);
  auto slot = std::max(now, next_slot_);
  if (left == 0 && refill_at_ && *refill_at_ > now) slot = std::max(slot, *refill_at_);
  auto wait = std::min(std::chrono::ceil<milliseconds>(slot - now), longest_wait);
  next_slot_ = now + wait + spacing(left, now);
  return wait;
}

// Spread what is left over the time until the window refills: the registry's own reset when it gave one, else the
// sustainable rate of limit per window slowed in proportion to how far below the reserve the remainder is (twice as
// slow at none left), so the remainder climbs back to the reserve instead of hovering at the edge; else one a second.
std::chrono::milliseconds rate_pacer::spacing(std::uint64_t left, clock::time_point now) const {
  using std::chrono::milliseconds;
  milliseconds gap(1000);
  if (refill_at_ && *refill_at_ > now) {
    const auto until = std::chrono::ceil<milliseconds>(*refill_at_ - now);
    gap = left == 0 ? until : until / static_cast<std::int64_t>(left);
  } else if (limit_ && window_) {  // in floating point: the limit is a registry's number, up to 2^64
    const double sustainable =
        std::chrono::duration<double, std::milli>(*window_).count() / static_cast<double>(*limit_);
    const double r = static_cast<double>(reserve());
    const double behind = 1 + (r - static_cast<double>(std::min(left, reserve()))) / r;  // 1 at the reserve, 2 at 0
    const double ms = std::min(sustainable * behind, static_cast<double>(longest_wait.count()));
    gap = milliseconds(static_cast<std::int64_t>(std::ceil(ms)));
  }
  return std::min(gap, longest_wait);
}

}  // namespace ocimirror::transfer
