#include "daemon/cli/units.hpp"

#include <boost/algorithm/string/case_conv.hpp>

#include <cctype>
#include <charconv>
#include <limits>

namespace ocimirror::daemon {
namespace {

/// The leading digits of s as a number (consumed from s); nullopt when there are none or they overflow.
std::optional<std::uint64_t> leading_number(std::string_view& s) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || end == s.data()) return std::nullopt;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return n;
}

}  // namespace

std::optional<std::uint64_t> parse_size(std::string_view text) {
  auto n = leading_number(text);
  if (!n) return std::nullopt;
  static constexpr std::pair<std::string_view, std::uint64_t> units[] = {{"", 1},
                                                                         {"b", 1},
                                                                         {"k", 1000},
                                                                         {"kb", 1000},
                                                                         {"kib", 1ull << 10},
                                                                         {"m", 1000000},
                                                                         {"mb", 1000000},
                                                                         {"mib", 1ull << 20},
                                                                         {"g", 1000000000},
                                                                         {"gb", 1000000000},
                                                                         {"gib", 1ull << 30},
                                                                         {"t", 1000000000000},
                                                                         {"tb", 1000000000000},
                                                                         {"tib", 1ull << 40}};
  const auto unit = boost::algorithm::to_lower_copy(std::string(text));
  for (const auto& [name, factor] : units) {
    if (unit != name) continue;
    if (*n > std::numeric_limits<std::uint64_t>::max() / factor) return std::nullopt;
    return *n * factor;
  }
  return std::nullopt;
}

std::string format_size(std::uint64_t n) {
  if (n == 0) return "0";
  static constexpr std::pair<const char*, std::uint64_t> units[] = {
      {"TiB", 1ull << 40}, {"GiB", 1ull << 30}, {"MiB", 1ull << 20}, {"KiB", 1ull << 10}};
  for (const auto& [name, factor] : units)
    if (n % factor == 0) return std::to_string(n / factor) + name;
  return std::to_string(n);
}

std::optional<std::int64_t> parse_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  bool bare = true;
  while (!text.empty()) {
    auto n = leading_number(text);
    if (!n) return std::nullopt;
    std::int64_t factor = 1;
    if (!text.empty()) {
      bare = false;
      const char u = static_cast<char>(std::tolower(static_cast<unsigned char>(text.front())));
      factor = u == 's' ? 1 : u == 'm' ? 60 : u == 'h' ? 3600 : u == 'd' ? 86400 : 0;
      if (factor == 0) return std::nullopt;
      text.remove_prefix(1);
    } else if (!bare) {
      return std::nullopt;  // "1m30": a number without its unit after one with
    }
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    if (*n > static_cast<std::uint64_t>(max / factor) || total > max - static_cast<std::int64_t>(*n) * factor)
      return std::nullopt;
    total += static_cast<std::int64_t>(*n) * factor;
  }
  return total;
}

std::string format_seconds(std::int64_t s) {
  if (s == 0) return "0s";
  std::string out;
  for (auto [unit, factor] : {std::pair{'h', 3600}, std::pair{'m', 60}, std::pair{'s', 1}}) {
    if (s >= factor) {
      out += std::to_string(s / factor) + unit;
      s %= factor;
    }
  }
  return out;
}

}  // namespace ocimirror::daemon
