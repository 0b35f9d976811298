#include "config/registry_settings.hpp"

namespace ocimirror::config {

const registry_settings& registry_settings_map::get(std::string_view registry) const {
  auto it = by_registry.find(registry);
  return it == by_registry.end() ? defaults : it->second;
}

transfer::tls_options registry_settings_map::tls_for(std::string_view authority) const {
  const auto& s = get(authority);
  return transfer::tls_options{s.tls != tls_mode::insecure, s.ca_files};
}

}  // namespace ocimirror::config
