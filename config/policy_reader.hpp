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
  /// Reads policies[i] into c.policies; names: the policy names seen so far (each must be new). defaults: the
  /// checked `defaults:` mapping (or an undefined node): its keys fill in those the policy does not give.
  void parse_policy(const YAML::Node& n, const YAML::Node& defaults, const std::string& path, mirror_config& c,
                    std::set<std::string>& names);
  /// `defaults:` checked alone, as the keys a policy may inherit; true when it is sound to inherit from.
  bool check_defaults(const YAML::Node& n);

 private:
  std::optional<endpoint> parse_endpoint(const YAML::Node& n, const std::string& path);
  std::vector<std::regex> regexes(const YAML::Node& n, const std::string& path);
  std::vector<policy::repo_pattern> repo_patterns(const YAML::Node& list, const std::string& path);
  void parse_name(const YAML::Node& n, const std::string& np, policy_config& p, std::set<std::string>& names);
  void parse_repositories(const YAML::Node& n, const std::string& path, policy_config& p);
  void parse_rename(const YAML::Node& n, const std::string& path, policy_config& p);
  /// The keys a policy may also take from `defaults:`.
  void parse_shared(const YAML::Node& n, const std::string& path, policy_config& p);
  void parse_selection(const YAML::Node& n, const std::string& path, policy_config& p);
  void parse_tags(const YAML::Node& t, const std::string& tp, policy_config& p);
  void parse_schedule(const YAML::Node& s, const std::string& sp, policy_config& p);
  // verify_reader.cpp
  void parse_verify(const YAML::Node& v, const std::string& vp, policy_config& p);
  void parse_keyless(const YAML::Node& k, const std::string& kp, transfer::sigstore::trust& t);
  void parse_identity(const YAML::Node& n, const std::string& path, transfer::sigstore::trust& t);
  void parse_key(const YAML::Node& n, const std::string& path, transfer::sigstore::trust& t);
  /// The file a string names (relative to the configuration's folder), read whole up to limit: {path, content}.
  std::optional<std::pair<std::string, std::string>> read_beside(const YAML::Node& n, const std::string& path,
                                                                 std::size_t limit);
  void check_policy(const YAML::Node& n, const std::string& path, const policy_config& p);
};

}  // namespace ocimirror::config::detail
