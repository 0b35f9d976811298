#pragma once
// How to reach each registry: TLS mode and trusted CAs, with defaults and per-registry overrides. Pure.
#include "transfer/net/http.hpp"
#include "transfer/net/proxy.hpp"
#include "transfer/net/cert_dirs.hpp"
#include "transfer/identity/aws_chain.hpp"
#include "transfer/registry/listing.hpp"
#include "transfer/registry/profile.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::config {

enum class tls_mode {
  enabled,   ///< HTTPS with certificate verification (the default)
  insecure,  ///< HTTPS without verification: only when asked for by name
  disabled,  ///< plain HTTP
};

struct registry_settings {
  tls_mode tls = tls_mode::enabled;
  std::vector<std::string> ca_files;
  std::string client_cert, client_key;  ///< mutual TLS: PEM files presented when the registry asks
  std::size_t max_concurrency = 32;
  transfer::listing_limits listing;  ///< bounds on every tag list and catalog read from the registry
  /// `proxy:` for this registry: a proxy URL, or "none" to go direct; unset: HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
  std::optional<std::string> proxy;
  /// `profile:` for this registry (a name transfer::profile_named() knows); empty: chosen by its host.
  std::string profile;
  /// ECR: CreateRepository (made as `new_repositories` says) before the first push to each repository.
  bool create_repositories = false;
  transfer::ecr_repository_settings new_repositories;
};

/// Settings per registry ("host[:port]" as written in references), falling back to defaults.
class registry_settings_map {
 public:
  registry_settings defaults;
  std::map<std::string, registry_settings, std::less<>> by_registry;
  /// From a configuration file (sync, the daemon): errors then name its keys, not a command's flags.
  bool from_file = false;
  /// Where a registry's certs.d directory is looked for (docker's and podman's convention), for every command.
  std::vector<std::string> cert_roots = transfer::default_cert_roots();

  const registry_settings& get(std::string_view registry) const;
  /// TLS options for the HTTP client; `authority` is "host:port" as in URLs.
  transfer::tls_options tls_for(std::string_view authority) const;
  /// The proxy for a request to `authority` ("host:port" as in URLs): its own `proxy:`, else the environment's.
  std::optional<transfer::proxy_endpoint> proxy_for(std::string_view authority, std::string_view host,
                                                    std::string_view port, bool tls,
                                                    const transfer::proxy_settings& environment) const;
  /// The registry family's profile: its own `profile:`, else the one its host implies (generic when none).
  const transfer::registry_profile& profile_for(std::string_view registry) const;
};

}  // namespace ocimirror::config
