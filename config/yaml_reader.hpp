#pragma once
// The strict YAML walker behind load_config_*: every problem is collected with its line:col and key path, never
// only the first. Private to config/.
#include "config/mirror_config.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::config::detail {

struct yaml_reader {
  std::string file;
  const env_lookup& env;
  std::vector<diagnostic> errors;

  void error(const YAML::Node& n, const std::string& path, const std::string& msg);
  /// Reports every key that appears twice in one mapping, anywhere under n.
  void check_duplicates(const YAML::Node& n, const std::string& path);
  /// Rejects keys the key table's `section` does not list (keys.hpp); true when n is a mapping.
  bool check_map(const YAML::Node& n, const std::string& path, std::string_view section);
  /// A scalar with ${ENV} and ${ENV:-default} substituted; nullopt (and an error) when it is not a scalar or a
  /// variable without a default is unset or empty.
  std::optional<std::string> str(const YAML::Node& n, const std::string& path);
  /// A secret in `map`, given inline as `key` (a string, ${ENV} substituted) or as `key_file`: a file's content with
  /// one trailing newline dropped (a Kubernetes Secret's key, a systemd credential). nullopt when neither is there
  /// or it cannot be read (then an error names the file).
  std::optional<std::string> secret(const YAML::Node& map, const std::string& path, const std::string& key);
  std::vector<std::string> str_list(const YAML::Node& n, const std::string& path);
  std::optional<bool> boolean(const YAML::Node& n, const std::string& path);
  std::optional<long> integer(const YAML::Node& n, const std::string& path, long lo, long hi);
  /// A duration ("30s", "15m"; see policy::parse_duration).
  std::optional<std::chrono::seconds> duration(const YAML::Node& n, const std::string& path);
};

/// `in` with each ${NAME} replaced by lookup(NAME), and ${NAME:-DEFAULT} by DEFAULT where NAME is unset or empty
/// (an explicit `${NAME:-}` may be empty). On a problem, nullopt and `why` says which variable.
std::optional<std::string> expand_variables(const std::string& in, const env_lookup& lookup, std::string& why);

/// The `daemon:` section.
void parse_daemon(yaml_reader& r, const YAML::Node& n, daemon_config& out);

}  // namespace ocimirror::config::detail
