#pragma once
// How every credential chain reads the process's environment and files: through two callbacks, so that the
// chains' choices are pure and tests hand them an environment of their own. Pure.
#include <functional>
#include <optional>
#include <string>

namespace ocimirror::transfer {

using env_lookup_fn = std::function<std::optional<std::string>(const char* name)>;
using file_read_fn = std::function<std::optional<std::string>(const std::string& path)>;

}  // namespace ocimirror::transfer
