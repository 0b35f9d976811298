#include "config/registry_settings.hpp"

namespace ocimirror::config {

const registry_settings& registry_settings_map::get(std::string_view registry) const {
  auto it = by_registry.find(registry);
  return it == by_registry.end() ? defaults : it->second;
}

transfer::tls_options registry_settings_map::tls_for(std::string_view authority) const {
  const auto& s = get(authority);
  return transfer::tls_options{s.tls != tls_mode::insecure, s.ca_files, transfer::cert_dir_for(cert_roots, authority),
                               s.client_cert, s.client_key};
}

std::optional<transfer::proxy_endpoint> registry_settings_map::proxy_for(
    std::string_view authority, std::string_view host, std::string_view port, bool tls,
    const transfer::proxy_settings& environment) const {
  if (const auto& own = get(authority).proxy) {
    if (*own == "none") return std::nullopt;
    auto parsed = transfer::parse_proxy_url(*own);  // checked when the configuration was read
    if (parsed) return *parsed;
    return std::nullopt;
  }
  if (const auto* p = environment.route(host, port, tls)) return *p;
  return std::nullopt;
}

const transfer::registry_profile& registry_settings_map::profile_for(std::string_view registry) const {
  if (const auto& named = get(registry).profile; !named.empty())
    if (const auto* p = transfer::profile_named(named)) return *p;  // checked when the configuration was read
  return transfer::profile_for_host(registry);
}

}  // namespace ocimirror::config
