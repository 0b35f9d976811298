#pragma once
// The strict YAML walker behind load_config_*: every problem is collected with its line:col and key path, never
// only the first. Private to config/.
#include "config/mirror_config.hpp"

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace ocimirror::config::detail {

struct yaml_reader {
  std::string file;
  const env_lookup& env;
  std::vector<diagnostic> errors;

  void error(const YAML::Node& n, const std::string& path, const std::string& msg);
  /// Reports every key that appears twice in one mapping, anywhere under n.
  void check_duplicates(const YAML::Node& n, const std::string& path);
  /// Rejects keys not in `known`; true when n is a mapping.
  bool check_map(const YAML::Node& n, const std::string& path, std::initializer_list<const char*> known);
  /// A scalar with ${ENV} substituted; nullopt (and an error) when it is not a scalar or a variable is unset.
  std::optional<std::string> str(const YAML::Node& n, const std::string& path);
  std::vector<std::string> str_list(const YAML::Node& n, const std::string& path);
  std::optional<bool> boolean(const YAML::Node& n, const std::string& path);
  std::optional<long> integer(const YAML::Node& n, const std::string& path, long lo, long hi);
  /// A duration ("30s", "15m"; see policy::parse_duration).
  std::optional<std::chrono::seconds> duration(const YAML::Node& n, const std::string& path);
};

/// The `daemon:` section.
void parse_daemon(yaml_reader& r, const YAML::Node& n, daemon_config& out);

}  // namespace ocimirror::config::detail
