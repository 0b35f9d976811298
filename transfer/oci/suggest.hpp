#pragma once
// "Did you mean": the known word closest to a mistyped one. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {

/// Edits (insert, delete, replace, swap two neighbours) from a to b.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The known word `word` most likely meant: the one it starts (at least 3 letters), else the nearest within a third
/// of its length (at least 1, at most 2 edits); nullopt when none is that near, two are equally near, or the word is
/// over 64 characters (config keys come from files, which may be hostile).
std::optional<std::string> closest(std::string_view word, const std::vector<std::string_view>& known);

/// "; did you mean 'X'?" when closest() finds X, else empty: what an "unknown ..." message adds after the word.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& known);

/// The known words joined by ", ", as an "unknown ..." message lists them.
std::string joined(const std::vector<std::string_view>& known);

}  // namespace ocimirror::transfer
