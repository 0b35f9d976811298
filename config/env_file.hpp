#pragma once
// An environment file as systemd's EnvironmentFile= reads it (KEY=VALUE per line; `#` and `;` start comments;
// a value may be quoted, "..." with backslash escapes): what `check --env-file` and `sync --env-file` load before
// expanding ${VAR}, so the unit's secrets need not be exported in a shell to check the file the unit runs. Pure.
#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocimirror::config {

using env_entries = std::vector<std::pair<std::string, std::string>>;

/// The assignments of `text`, in order; an error names `file`:LINE and what is wrong (never the value).
boost::system::result<env_entries, std::string> parse_env_file(std::string_view text, const std::string& file);

}  // namespace ocimirror::config
