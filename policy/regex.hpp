#pragma once
// Regular expressions from a config file, compiled only when they are safe to compile: libstdc++'s std::regex
// compiles recursively and expands counted repetitions into copies, so `a{3333333333333333333}` overflows an int
// inside the library and `((a{999}){999}){999}` asks for a billion states. Pure, unit-tested without sockets.
#include <boost/system/result.hpp>

#include <cstddef>
#include <regex>
#include <string>
#include <string_view>

namespace ocimirror::policy {

struct regex_limits {
  std::size_t max_length = 1024;     ///< characters in the pattern
  std::size_t max_repeat = 1000;     ///< the largest n or m in {n}, {n,}, {n,m}
  std::size_t max_depth = 32;        ///< nested groups
  std::size_t max_expanded = 20000;  ///< atoms after counted repetitions are expanded, estimated from above
};

/// Why the pattern is refused before compiling, or empty when it is within the limits.
std::string regex_refusal(std::string_view pattern, const regex_limits& limits = {});

/// The ECMAScript regex, or a message saying why not (the limit broken, or std::regex's own complaint).
boost::system::result<std::regex, std::string> compile_regex(std::string_view pattern);

}  // namespace ocimirror::policy
