#include "transfer/oci/outside.hpp"

#include "transfer/oci/errors.hpp"
#include "transfer/oci/utf8.hpp"

#include <cctype>
#include <cstdio>

namespace ocimirror::transfer {

std::size_t header_value_flaw(std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return i;
  }
  return std::string_view::npos;
}

void check_header_value(std::string_view value, std::string_view where) {
  const auto at = header_value_flaw(value);
  if (at == std::string_view::npos) return;
  char shown[8];
  std::snprintf(shown, sizeof shown, "\\x%02X", static_cast<unsigned char>(value[at]));
  throw error(errc::protocol, std::string(where) + " holds a control character (" + shown + " at byte " +
                                  std::to_string(at) + "); refused: it would end or forge an HTTP header");
}

std::string_view trim_space(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string terminal_safe(std::string_view text, std::size_t max) {
  std::string out;
  char esc[16];
  for (std::size_t i = 0; i < text.size() && out.size() < max;) {
    const auto d = utf8::decode(text.substr(i));
    const auto c = static_cast<unsigned char>(text[i]);
    if (d.invalid) {
      std::snprintf(esc, sizeof esc, "\\x%02X", c);
      out += esc;
    } else if (d.rune == U'\n') {
      out += "\\n";
    } else if (d.rune == U'\t') {
      out += "\\t";
    } else if (d.rune < 0x20 || d.rune == 0x7f || (d.rune >= 0x80 && d.rune < 0xa0) || d.rune == 0x2028 ||
               d.rune == 0x2029) {
      std::snprintf(esc, sizeof esc, "\\u{%X}", static_cast<unsigned>(d.rune));
      out += esc;
    } else {
      out.append(text.substr(i, d.width));
    }
    i += d.width;
    if (out.size() >= max && i < text.size()) out += "…";
  }
  return out;
}

bool is_b64token(std::string_view token) {
  std::size_t i = 0;
  auto allowed = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~' || c == '+' || c == '/';
  };
  while (i < token.size() && allowed(token[i])) ++i;
  if (i == 0) return false;
  while (i < token.size() && token[i] == '=') ++i;
  return i == token.size();
}

}  // namespace ocimirror::transfer
