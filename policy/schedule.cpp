#include "policy/schedule.hpp"

#include "transfer/oci/whole_number.hpp"

#include <cctype>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace ocimirror::policy {
namespace {
template <class T>
boost::system::result<T, std::string> fail(std::string what) {
  return {boost::system::in_place_error, std::move(what)};
}

constexpr std::string_view month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::string_view day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// A number, or (names given) a three-letter name in any case as cron takes them: JAN is 1, SUN is 0.
std::optional<int> value_of(std::string_view text, std::span<const std::string_view> names, int first) {
  if (auto n = transfer::parse_whole<int>(text)) return *n;
  if (text.size() != 3) return std::nullopt;
  std::string lower;
  for (char ch : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == lower) return first + static_cast<int>(i);
  return std::nullopt;
}

// One field: "*", "*/5", "3", "1-5", "1-5/2", or a comma list of those; month and weekday names where `names`.
// Sets bits lo..hi.
template <std::size_t N>
std::string parse_field(std::string_view f, int lo, int hi, std::bitset<N>& out, const char* name,
                        std::span<const std::string_view> names = {}) {
  auto number = [&](std::string_view t) { return value_of(t, names, lo == 1 ? 1 : 0); };
  for (std::size_t start = 0; start <= f.size();) {
    auto comma = f.find(',', start);
    auto item = f.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    int step = 1, from = lo, to = hi;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
      auto s = transfer::parse_whole<int>(item.substr(slash + 1));
      if (!s || *s < 1) return std::string("bad step in ") + name + " field '" + std::string(f) + "'";
      step = *s;
      item = item.substr(0, slash);
    }
    if (item != "*") {
      auto dash = item.find('-');
      auto a = number(item.substr(0, dash));
      auto b = dash == std::string_view::npos ? a : number(item.substr(dash + 1));
      if (!a || !b || *a < lo || *b > hi || *a > *b)
        return std::string(name) + " field '" + std::string(f) + "' must use numbers " + std::to_string(lo) + "-" +
               std::to_string(hi) + (names.empty() ? "" : " or names (" + std::string(names.front()) + "...)");
      from = *a;
      to = dash == std::string_view::npos && step == 1 ? *a : *b;
      if (dash == std::string_view::npos && step > 1) to = hi;
    }
    for (int v = from; v <= to; v += step) out.set(static_cast<std::size_t>(v == 7 && N == 7 ? 0 : v));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return {};
}
}  // namespace

boost::system::result<std::chrono::seconds, std::string> parse_duration(std::string_view text) {
  long long total = 0;
  std::size_t i = 0;
  if (text.empty()) return fail<std::chrono::seconds>("empty duration");
  while (i < text.size()) {
    std::size_t j = i;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    auto n = transfer::parse_whole<int>(text.substr(i, j - i));
    if (!n || j >= text.size())
      return fail<std::chrono::seconds>("duration '" + std::string(text) + "' must look like 45s, 15m, 1h30m or 1d");
    const char unit = text[j];
    const long long mult = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
    if (!mult)
      return fail<std::chrono::seconds>("duration '" + std::string(text) + "' has unknown unit '" + unit +
                                        "' (s, m, h, d)");
    total += static_cast<long long>(*n) * mult;
    // Ten years at most: far beyond any schedule, and far from what overflows a clock when added to now.
    if (total > max_duration.count())
      return fail<std::chrono::seconds>("duration '" + std::string(text) + "' is over the 3650d a duration may be");
    i = j + 1;
  }
  if (total < 1) return fail<std::chrono::seconds>("duration '" + std::string(text) + "' must be at least 1s");
  return std::chrono::seconds(total);
}

boost::system::result<cron_spec, std::string> parse_cron(std::string_view given) {
  // The shorthands cron itself takes (crontab(5)); @reboot means nothing to a daemon that keeps running.
  static constexpr std::pair<std::string_view, std::string_view> shorthands[] = {
      {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
      {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@hourly", "0 * * * *"}};
  std::string_view text = given;
  if (given.starts_with("@")) {
    text = {};
    for (const auto& [name, spec] : shorthands)
      if (given == name) text = spec;
    if (text.empty())
      return fail<cron_spec>("cron '" + std::string(given) +
                             "': the shorthands are @hourly, @daily, @weekly, @monthly and @yearly (or `schedule: "
                             "{every: 6h}`)");
  }
  std::vector<std::string_view> fields;
  for (std::size_t i = 0; i < text.size();) {
    while (i < text.size() && text[i] == ' ') ++i;
    auto j = text.find(' ', i);
    if (i < text.size()) fields.push_back(text.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    i = j == std::string_view::npos ? text.size() : j;
  }
  if (fields.size() != 5)
    return fail<cron_spec>("cron '" + std::string(text) +
                           "' needs 5 fields: minute hour day-of-month month day-of-week");
  cron_spec c;
  std::string err = parse_field(fields[0], 0, 59, c.minutes, "minute");
  if (err.empty()) err = parse_field(fields[1], 0, 23, c.hours, "hour");
  if (err.empty()) err = parse_field(fields[2], 1, 31, c.days, "day-of-month");
  if (err.empty()) err = parse_field(fields[3], 1, 12, c.months, "month", month_names);
  if (err.empty()) err = parse_field(fields[4], 0, 7, c.weekdays, "day-of-week", day_names);
  if (!err.empty()) return fail<cron_spec>("cron '" + std::string(text) + "': " + err);
  c.any_day = fields[2] == "*";
  c.any_weekday = fields[4] == "*";
  return c;
}

}  // namespace ocimirror::policy
