#include "transfer/artifact/helm_text.hpp"

#include "transfer/oci/utf8.hpp"

namespace ocimirror::transfer::helm {

bool is_space(char32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

bool is_print(char32_t r) {
  if (r < 0x20 || (r >= 0x7F && r <= 0x9F)) return false;  // Cc
  if (r == 0x20) return true;
  if (is_space(r)) return false;  // Zs/Zl/Zp other than ' ' are not graphic
  struct range {
    char32_t lo, hi;
  };
  static constexpr range format_or_private[] = {
      {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},    {0x06DD, 0x06DD},   {0x070F, 0x070F},
      {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},    {0x200B, 0x200F},   {0x202A, 0x202E},
      {0x2060, 0x2064},   {0x2066, 0x206F},   {0xFEFF, 0xFEFF},    {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD},
      {0x110CD, 0x110CD}, {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3},  {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
      {0xE0020, 0xE007F}, {0xE000, 0xF8FF},   {0xF0000, 0x10FFFF}, {0xFDD0, 0xFDEF},   {0xFFFE, 0xFFFF}};
  for (const auto& x : format_or_private)
    if (r >= x.lo && r <= x.hi) return false;
  return (r & 0xFFFE) != 0xFFFE;  // noncharacters U+nFFFE, U+nFFFF
}

std::string sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto d = utf8::decode(s.substr(i));
    if (is_space(d.rune))
      out += ' ';
    else if (d.invalid)
      out += utf8::encode(0xFFFD);
    else if (is_print(d.rune))
      out.append(s.substr(i, d.width));
    i += d.width;
  }
  return out;
}

bool blank(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto d = utf8::decode(s.substr(i));
    if (d.invalid || !is_space(d.rune)) return false;
    i += d.width;
  }
  return true;
}

}  // namespace ocimirror::transfer::helm
