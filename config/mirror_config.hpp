#pragma once
// The mirror configuration file: registries, policies, state_dir. Loaded strictly: unknown keys, wrong types and bad
// values are all reported at once, each as "file:line:col: key.path: problem". ${ENV} is substituted in values;
// substituted secrets never appear in diagnostics.
#include "config/registry_settings.hpp"
#include "policy/platform.hpp"
#include "policy/rename.hpp"
#include "policy/schedule.hpp"
#include "policy/select.hpp"
#include "transfer/registry/credentials.hpp"
#include "transfer/registry/referrers.hpp"
#include "transfer/sigstore/verify.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::config {

struct diagnostic {
  std::string file;
  int line = 0, col = 0;  ///< 1-based; 0 when the problem is the file as a whole
  std::string path;       ///< "policies[0].tags.semver"
  std::string message;
  std::string str() const;
};

/// "registry[/path]", "oci:DIR" or "oci-archive:FILE.tar" as written in from:/to:.
struct endpoint {
  enum class kind { registry, oci_dir, oci_archive };
  kind type = kind::registry;
  /// The registry host; for a layout "oci:ABSOLUTE_PATH" (what messages and metrics name).
  std::string registry;
  std::string path;  ///< path within the registry (repository prefix); empty for layouts
  std::string file;  ///< a layout's directory or archive, absolute (relative ones are taken from the config's folder)
  bool is_layout() const { return type != kind::registry; }
  std::string str() const { return path.empty() ? registry : registry + "/" + path; }
};

enum class overwrite_mode { changed, never };

struct policy_config {
  std::string name;
  endpoint from, to;
  std::vector<policy::repo_pattern> repositories;          ///< empty: every repository under `from` (catalog)
  std::vector<policy::repo_pattern> repositories_exclude;  ///< a repository any of these matches is left out
  policy::rename_rules rename;                             ///< where a repository lands under `to` (default: its name)
  policy::tag_rules tags;
  std::vector<policy::platform_pattern> platforms;
  std::vector<std::string> types_include, types_exclude;
  overwrite_mode overwrite = overwrite_mode::changed;
  bool prune = false;
  std::size_t keep = 0;  ///< to: oci:DIR only: each run is a dated snapshot, the newest `keep` are kept (0: none)
  transfer::referrers::filter referrers;  ///< which referrers and cosign tags travel with each tag (default: all)
  /// `verify:` read: only tags with a signature by one of these signers are mirrored (null: no gate).
  std::shared_ptr<const transfer::sigstore::trust> verify;
  std::optional<std::chrono::seconds> every;
  std::optional<policy::cron_spec> cron;
  std::string cron_text;
  bool run_at_start = false;  ///< schedule.at_start: the daemon also runs it as soon as it starts
  int line = 0;               ///< where the policy starts, for run-time messages
  /// Whether `repositories:` (include and exclude) picks `relative`, a name under `from`.
  bool picks(std::string_view relative) const;
};

/// `daemon:`: how `ocimirror daemon` is reached and stops.
struct daemon_config {
  std::string listen_host = "127.0.0.1";
  unsigned short listen_port = 9469;
  std::string token;                       ///< bearer token POST /v1/... needs; empty: none (a secret: never printed)
  bool allow_unauthenticated = false;      ///< a non-loopback listen without a token is refused unless this is set
  std::chrono::seconds drain_timeout{30};  ///< on SIGTERM, how long transfers in flight may take to finish
  std::string listen() const;              ///< "host:port", "[v6]:port"
};

/// "HOST:PORT" or "[IPV6]:PORT" (port 0: any free one). Pure.
boost::system::result<std::pair<std::string, unsigned short>, std::string> parse_listen(const std::string& text);

struct mirror_config {
  std::string file;
  std::string state_dir;
  registry_settings_map registries;
  std::map<std::string, transfer::credentials> credentials;  ///< from the file; the docker config otherwise
  std::vector<policy_config> policies;
  daemon_config daemon;
  const policy_config* find(const std::string& name) const;
};

struct load_result {
  std::optional<mirror_config> config;  ///< set only when there are no errors
  std::vector<diagnostic> errors;
};

using env_lookup = std::function<std::optional<std::string>(const std::string&)>;
load_result load_config_file(const std::string& path, const env_lookup& env = {});
load_result load_config_text(const std::string& text, const std::string& name, const env_lookup& env = {});

}  // namespace ocimirror::config
