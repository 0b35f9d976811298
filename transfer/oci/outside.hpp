#pragma once
// Values from outside (a registry, a token service, STS, a credential helper, the environment, a file) checked
// where they enter: whether a text may become an HTTP header value (Beast does not check), whether a bearer token
// has RFC 6750's grammar, and numbers converted by clamping instead of by a cast whose overflow is undefined.
// Pure; fuzzed (tests/fuzz/fuzz_outside.cpp).
#include <boost/json/value.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

/// The offset of the first byte a header field value may not hold (RFC 9110 §5.5: CR, LF, NUL, every other
/// control but HTAB, and DEL), or npos when there is none.
std::size_t header_value_flaw(std::string_view value);
inline bool header_value_ok(std::string_view value) { return header_value_flaw(value) == std::string_view::npos; }

/// Throws error(protocol) "WHERE holds a control character (\xNN at byte N)..." when value cannot be sent as (part
/// of) a header value. `where` names the value's origin ("the token service of ghcr.io", "AWS_SESSION_TOKEN"), never
/// the value itself: it may be a secret.
void check_header_value(std::string_view value, std::string_view where);

/// RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=": what a Bearer token is.
bool is_b64token(std::string_view token);

/// s without the whitespace (std::isspace) at either end: a line of a KEY=VALUE or INI file as read.
std::string_view trim_space(std::string_view s);

/// Text from outside made safe for a terminal or a line of output: valid UTF-8 kept, every control (C0, DEL, C1,
/// so newlines and escape sequences too) and every invalid byte written as \n, \t, \xNN or \u{NN}, the result cut at
/// `max` bytes with "…". Unlike printable() (errors.hpp), readable non-ASCII text stays readable.
std::string terminal_safe(std::string_view text, std::size_t max = 4096);

/// v clamped into [lo, hi] (NaN: lo), then converted: never the undefined cast of an out-of-range double.
template <class T>
T clamp_number(double v, T lo, T hi) {
  if (std::isnan(v) || v <= static_cast<double>(lo)) return lo;
  if (v >= static_cast<double>(hi)) return hi;
  return static_cast<T>(v);
}

/// A JSON number from outside, clamped into [lo, hi]; nullopt when v is not a number.
template <class T>
std::optional<T> clamped_number(const boost::json::value& v, T lo, T hi) {
  if (v.is_int64()) return clamp_number<T>(static_cast<double>(v.as_int64()), lo, hi);
  if (v.is_uint64()) return clamp_number<T>(static_cast<double>(v.as_uint64()), lo, hi);
  if (v.is_double()) return clamp_number<T>(v.as_double(), lo, hi);
  return std::nullopt;
}

}  // namespace ocimirror::transfer
