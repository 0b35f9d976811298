#pragma once
// Two policies must never be able to write the same destination repository: the second would overwrite the first's
// tags, and the cache would then report the first's tags unchanged although the registry holds the second's. Pure.
#include "config/mirror_config.hpp"

#include <optional>
#include <string>

namespace ocimirror::config {

/// A destination repository both policies can write ("registry/name", with a wildcard part shown as "w"), or
/// nullopt when none is found. Conservative in what it proves: glob and literal patterns are compared through
/// example names; a regex pattern is matched against the other policy's examples only.
std::optional<std::string> shared_destination(const policy_config& a, const policy_config& b);

}  // namespace ocimirror::config
