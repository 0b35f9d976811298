#include "policy/regex.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <vector>

namespace ocimirror::policy {
namespace {

// One group being read: its estimated size so far, and the size of its last item (what a quantifier repeats).
struct group_size {
  std::size_t total = 0, last = 0;
};

// Reads "{n}", "{n,}" or "{n,m}" at `i` (pointing at '{') and leaves `i` on the closing brace. Returns the largest
// count written, or nothing when the brace is malformed (std::regex then refuses it). Every run of digits up to the
// closing brace is checked, well-formed or not, since libstdc++ reads them before it knows the shape.
std::optional<std::size_t> read_count(std::string_view p, std::size_t& i, std::size_t& largest) {
  auto close = std::min(p.find('}', i), p.size());
  auto body = p.substr(i + 1, close - i - 1);
  largest = 0;
  for (std::size_t k = 0; k < body.size();) {
    auto end = body.find_first_not_of("0123456789", k);
    if (end == k) {
      ++k;
      continue;
    }
    auto digits = body.substr(k, end == std::string_view::npos ? body.size() - k : end - k);
    std::size_t n = 0;
    if (digits.size() > 9 || std::from_chars(digits.data(), digits.data() + digits.size(), n).ec != std::errc{})
      n = std::numeric_limits<std::size_t>::max();
    largest = std::max(largest, n);
    k += digits.size();
  }
  i = close;
  auto comma = body.find(',');
  auto digits_only = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (close == p.size() || !digits_only(body.substr(0, comma))) return std::nullopt;
  if (comma != std::string_view::npos && comma + 1 < body.size() && !digits_only(body.substr(comma + 1)))
    return std::nullopt;
  return std::max<std::size_t>(largest, 1);
}

}  // namespace

std::string regex_refusal(std::string_view p, const regex_limits& limits) {
  if (p.size() > limits.max_length)
    return "is " + std::to_string(p.size()) + " characters long; at most " + std::to_string(limits.max_length) +
           " are allowed";
  std::vector<group_size> stack(1);
  for (std::size_t i = 0; i < p.size(); ++i) {
    auto& g = stack.back();
    char c = p[i];
    if (c == '\\' || c == '[') {  // an escape or a class is one atom
      if (c == '\\')
        ++i;
      else
        for (++i; i < p.size() && p[i] != ']'; ++i)
          if (p[i] == '\\') ++i;
      g.total += 1, g.last = 1;
    } else if (c == '(') {
      if (stack.size() > limits.max_depth) return "nests groups deeper than " + std::to_string(limits.max_depth);
      stack.emplace_back();
    } else if (c == ')' && stack.size() > 1) {
      auto inner = std::max<std::size_t>(stack.back().total, 1);
      stack.pop_back();
      stack.back().total += inner, stack.back().last = inner;
    } else if (c == '{') {
      std::size_t largest = 0;
      auto at = i;
      auto count = read_count(p, i, largest);
      if (largest > limits.max_repeat)
        return "repeats " + std::string(p.substr(at, i - at + 1)) + " times; counts above " +
               std::to_string(limits.max_repeat) + " are not allowed";
      if (!count) {
        g.total += 1, g.last = 1;
        continue;
      }
      g.total = g.total - g.last + g.last * *count;
      g.last *= *count;
    } else if (c != '|' && c != '*' && c != '+' && c != '?' && c != '^' && c != '$') {
      g.total += 1, g.last = 1;
    }
    if (stack.back().total > limits.max_expanded)
      return "expands to more than " + std::to_string(limits.max_expanded) + " states; use fewer or smaller {n}";
  }
  return {};
}

boost::system::result<std::regex, std::string> compile_regex(std::string_view pattern) {
  if (auto why = regex_refusal(pattern); !why.empty()) return {boost::system::in_place_error, std::move(why)};
  try {
    return std::regex(pattern.begin(), pattern.end(), std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return {boost::system::in_place_error, e.what()};
  }
}

}  // namespace ocimirror::policy
