#pragma once
// UTF-8 decoding as Go's unicode/utf8.DecodeRuneInString does it: shortest forms only, no surrogates, nothing above
// U+10FFFF; an invalid sequence is one byte wide. Pure.
#include <cstdint>
#include <string>
#include <string_view>

namespace ocimirror::transfer::utf8 {

struct decoded {
  char32_t rune = 0;
  std::size_t width = 1;
  bool invalid = false;  ///< rune is U+FFFD and width 1
};
/// The first rune of s (s not empty).
decoded decode(std::string_view s);
/// The rune as UTF-8.
std::string encode(char32_t r);

}  // namespace ocimirror::transfer::utf8
