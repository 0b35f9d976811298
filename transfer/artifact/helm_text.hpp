#pragma once
// Go's unicode predicates as helm's sanitizeString and strings.TrimSpace use them. Pure.
#include <string>
#include <string_view>

namespace ocimirror::transfer::helm {

/// unicode.IsSpace.
bool is_space(char32_t r);
/// unicode.IsPrint, except that unassigned code points count as printable (no Unicode tables here): controls,
/// format characters (Cf), private use and noncharacters are not.
bool is_print(char32_t r);
/// helm's sanitizeString (pkg/chart/v2/metadata.go): white space becomes ' ', unprintable runes are dropped, an
/// invalid byte becomes U+FFFD (strings.Map decodes it as utf8.RuneError).
std::string sanitize(std::string_view s);
/// strings.TrimSpace(s) == "".
bool blank(std::string_view s);

}  // namespace ocimirror::transfer::helm
