#pragma once
// Schedules: "15m"-style intervals and 5-field cron expressions (minute hour day-of-month month day-of-week, with
// lists, ranges and steps). Parsing only here; the daemon computes next runs from the parsed form. Pure.
#include <boost/system/result.hpp>

#include <bitset>
#include <chrono>
#include <string>
#include <string_view>

namespace ocimirror::policy {

/// The longest duration accepted (3650 days): longer ones overflow a clock once added to now.
inline constexpr std::chrono::seconds max_duration{3650LL * 86400};
/// "45s", "15m", "1h30m", "1d": at least one second, at most max_duration.
boost::system::result<std::chrono::seconds, std::string> parse_duration(std::string_view text);

struct cron_spec {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;                     ///< 1..31
  std::bitset<13> months;                   ///< 1..12
  std::bitset<7> weekdays;                  ///< 0..6, Sunday 0 (7 accepted as Sunday)
  bool any_day = true, any_weekday = true;  ///< cron's OR rule when both are restricted
};
boost::system::result<cron_spec, std::string> parse_cron(std::string_view text);

}  // namespace ocimirror::policy
