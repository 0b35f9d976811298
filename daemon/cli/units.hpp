#pragma once
// Sizes and durations as flags take them: "8MiB", "512KiB", "1GB", "4096"; "30s", "2m", "1h30m", "60". Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::daemon {

/// Bytes: a whole number with an optional unit, case-insensitive: B; KiB, MiB, GiB, TiB (powers of 1024); K/KB,
/// M/MB, G/GB, T/TB (powers of 1000). nullopt for anything else or a value over 2^64 - 1.
std::optional<std::uint64_t> parse_size(std::string_view text);
/// The shortest exact way to write n bytes: "32MiB", "64KiB", "1000", "0".
std::string format_size(std::uint64_t n);

/// Seconds: a bare whole number ("60"), or a duration with units s, m, h, d ("30s", "1h30m"). nullopt otherwise.
std::optional<std::int64_t> parse_seconds(std::string_view text);
/// "60s", "5m", "1h30m", "0s".
std::string format_seconds(std::int64_t s);

}  // namespace ocimirror::daemon
