#pragma once
// A whole string read as one number, nothing before or after it, no sign for an unsigned type and no locale
// (std::from_chars): what Content-Length, /proc fields, cron fields and shard specs need. Pure, header-only.
#include <charconv>
#include <optional>
#include <string_view>
#include <system_error>

namespace ocimirror::transfer {

template <class T>
std::optional<T> parse_whole(std::string_view s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace ocimirror::transfer
