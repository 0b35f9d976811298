#include "policy/next_run.hpp"

#include <algorithm>
#include <random>

namespace ocimirror::policy {
using namespace std::chrono;

namespace {
bool day_matches(const cron_spec& c, const year_month_day& ymd) {
  const bool dom = c.days[static_cast<unsigned>(ymd.day())];
  const bool dow = c.weekdays[weekday(sys_days(ymd)).c_encoding()];
  return (c.any_day || c.any_weekday) ? dom && dow : dom || dow;
}
}  // namespace

std::optional<wall_time> next_cron(const cron_spec& c, wall_time after) {
  auto t = floor<minutes>(after) + minutes(1);
  const auto limit = t + days(5 * 366);
  while (t < limit) {
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    if (!c.months[static_cast<unsigned>(ymd.month())]) {
      t = sys_days(year_month_day{ymd.year(), ymd.month(), std::chrono::day(1)} + months(1));
      continue;
    }
    if (!day_matches(c, ymd)) {
      t = day + days(1);
      continue;
    }
    const hh_mm_ss hms{t - day};
    const auto h = hms.hours().count();
    if (!c.hours[static_cast<std::size_t>(h)]) {
      t = day + hours(h + 1);
      continue;
    }
    if (!c.minutes[static_cast<std::size_t>(hms.minutes().count())]) {
      t += minutes(1);
      continue;
    }
    return time_point_cast<wall_time::duration>(t);
  }
  return std::nullopt;
}

std::chrono::seconds cron_period(const cron_spec& c, wall_time now) {
  std::chrono::seconds longest{0};
  auto at = next_cron(c, now);
  for (int i = 0; at && i < 4096 && *at - now < std::chrono::hours(24 * 14); ++i) {
    const auto next = next_cron(c, *at);
    if (!next) break;
    longest = std::max(longest, std::chrono::duration_cast<std::chrono::seconds>(*next - *at));
    at = next;
  }
  return longest;
}

milliseconds max_jitter(seconds period) {
  return std::min<milliseconds>(duration_cast<milliseconds>(period) / 20, seconds(30));
}

milliseconds jitter(milliseconds max, std::uint64_t seed) {
  if (max <= milliseconds(0)) return milliseconds(0);
  std::mt19937_64 rng(seed);
  return milliseconds(std::uniform_int_distribution<long long>(0, max.count() - 1)(rng));
}

}  // namespace ocimirror::policy
