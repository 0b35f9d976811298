#include "transfer/artifact/go_yaml.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <regex>

namespace ocimirror::transfer::go_yaml {
namespace {

/// Shortest round-trip digits of v and where the decimal point goes: v = 0.DIGITS x 10^point.
struct digits {
  std::string d;
  int point = 0;
};
template <class F>
digits shortest(F v) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::scientific);
  const std::string s(buf.data(), end);  // "d.ddde+XX"
  const auto e = s.find('e');
  digits out;
  for (std::size_t i = 0; i < e; ++i)
    if (s[i] != '.') out.d += s[i];
  out.point = std::atoi(s.c_str() + e + 1) + 1;
  return out;
}

std::string fmt_e(const digits& g) {
  std::string out(1, g.d[0]);
  if (g.d.size() > 1) out += "." + g.d.substr(1);
  const int exp = g.point - 1;
  out += exp < 0 ? "e-" : "e+";
  const int a = std::abs(exp);
  if (a < 10) out += '0';
  return out + std::to_string(a);
}

std::string fmt_f(const digits& g) {
  const int nd = static_cast<int>(g.d.size());
  std::string out;
  if (g.point > 0) {
    for (int i = 0; i < g.point; ++i) out += i < nd ? g.d[static_cast<std::size_t>(i)] : '0';
  } else {
    out = "0";
  }
  if (const int prec = std::max(nd - g.point, 0); prec > 0) {
    out += '.';
    for (int i = 0; i < prec; ++i) {
      const int at = g.point + i;
      out += at >= 0 && at < nd ? g.d[static_cast<std::size_t>(at)] : '0';
    }
  }
  return out;
}

template <class F>
std::string special(F v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

std::optional<std::uint64_t> parse_unsigned(std::string_view s, int base) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

/// strconv.ParseInt/ParseUint(s, 0, 64) magnitudes: 0x, 0o, 0b prefixes and a leading 0 for octal.
std::optional<std::uint64_t> go_base0(std::string_view s) {
  if (s.size() > 2 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') return parse_unsigned(s.substr(2), 16);
    if (p == 'o') return parse_unsigned(s.substr(2), 8);
    if (p == 'b') return parse_unsigned(s.substr(2), 2);
  }
  if (s.size() > 1 && s[0] == '0') return parse_unsigned(s.substr(1), 8);
  return parse_unsigned(s, 10);
}

bool in(std::string_view s, std::initializer_list<std::string_view> set) {
  for (auto x : set)
    if (s == x) return true;
  return false;
}

}  // namespace

std::string format_float32(double v) {
  const auto f = static_cast<float>(v);
  if (!std::isfinite(f)) return special(f);
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  auto g = shortest(std::fabs(f));
  const int exp = g.point - 1;
  const std::string body = (exp < -4 || exp >= 6) ? fmt_e(g) : fmt_f(g);  // 'g' with shortest precision: eprec 6
  return (f < 0 ? "-" : "") + body;
}

std::string format_json_float(double v) {
  if (!std::isfinite(v)) return "null";  // Go refuses these (UnsupportedValueError); never reached from YAML input
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  const double a = std::fabs(v);
  auto g = shortest(a);
  std::string body;
  if (a < 1e-6 || a >= 1e21) {
    body = fmt_e(g);
    // encoding/json shortens e-09 to e-9
    if (auto n = body.size(); n >= 4 && body[n - 4] == 'e' && body[n - 3] == '-' && body[n - 2] == '0')
      body.erase(n - 2, 1);
  } else {
    body = fmt_f(g);
  }
  return (v < 0 ? "-" : "") + body;
}

scalar resolve_plain(std::string_view text) {
  scalar s;
  s.text = std::string(text);
  if (in(text, {"", "~", "null", "Null", "NULL"})) return s.type = kind::null, s;
  if (in(text, {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"}))
    return s.type = kind::boolean, s.boolean = true, s;
  if (in(text, {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"}))
    return s.type = kind::boolean, s.boolean = false, s;
  if (in(text, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}))
    return s.type = kind::floating, s.number = HUGE_VAL, s;
  if (in(text, {"-.inf", "-.Inf", "-.INF"})) return s.type = kind::floating, s.number = -HUGE_VAL, s;
  if (in(text, {".nan", ".NaN", ".NAN"})) return s.type = kind::floating, s.number = std::nan(""), s;
  const char c = text[0];
  if (!(c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'))) return s;
  std::string plain;
  for (char ch : text)
    if (ch != '_') plain += ch;
  std::string_view body = plain;
  const bool neg = !body.empty() && body[0] == '-';
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
  if (auto m = go_base0(body); m && (!neg || *m <= (std::uint64_t(1) << 63))) {
    s.type = kind::integer, s.negative = neg && *m != 0, s.magnitude = *m;
    s.number = neg ? -static_cast<double>(*m) : static_cast<double>(*m);
    return s;
  }
  static const std::regex yaml_float(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(plain, yaml_float)) {
    s.type = kind::floating;
    s.number = std::strtod(plain.c_str(), nullptr);
    return s;
  }
  return s;
}

std::string scalar::as_go_string() const {
  switch (type) {
    case kind::null:
      return "";
    case kind::boolean:
      return boolean ? "true" : "false";
    case kind::integer:
      return (negative ? "-" : "") + std::to_string(magnitude);
    case kind::floating:
      return format_float32(number);
    case kind::string:
      return text;
  }
  return text;
}

std::string scalar::as_json() const {
  switch (type) {
    case kind::null:
      return "null";
    case kind::boolean:
      return boolean ? "true" : "false";
    case kind::integer:  // decoded into interface{}: a float64 in Go, as a floating one is
    case kind::floating:
      return format_json_float(number);
    case kind::string:
      return text;  // the caller quotes strings
  }
  return text;
}

}  // namespace ocimirror::transfer::go_yaml
