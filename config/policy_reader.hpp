#pragma once
// The `policies:` entries of the configuration, read strictly: endpoints, repository patterns, tag rules,
// platforms, schedules, snapshots, referrers and the signature gate. Private to config/.
#include "config/yaml_reader.hpp"

#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace ocimirror::config::detail {

struct policy_reader : yaml_reader {
  /// Reads policies[i] into c.policies; names: the policy names seen so far (each must be new).
  void parse_policy(const YAML::Node& n, const std::string& path, mirror_config& c, std::set<std::string>& names);

 private:
  std::optional<endpoint> parse_endpoint(const YAML::Node& n, const std::string& path);
  std::vector<std::regex> regexes(const YAML::Node& n, const std::string& path);
  void parse_name(const YAML::Node& n, const std::string& np, policy_config& p, std::set<std::string>& names);
  void parse_selection(const YAML::Node& n, const std::string& path, policy_config& p);
  void parse_tags(const YAML::Node& t, const std::string& tp, policy_config& p);
  void parse_schedule(const YAML::Node& s, const std::string& sp, policy_config& p);
  void parse_verify(const YAML::Node& v, const std::string& vp, policy_config& p);
  void check_policy(const YAML::Node& n, const std::string& path, const policy_config& p);
};

}  // namespace ocimirror::config::detail
