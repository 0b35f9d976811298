#include "daemon/run/run_config.hpp"

#include "transfer/registry/credentials.hpp"

#include <filesystem>

namespace ocimirror::daemon {

void resolve_state_dir(config::mirror_config& c) {
  std::filesystem::path sd(c.state_dir);
  if (sd.is_relative())
    c.state_dir = (std::filesystem::absolute(c.file).parent_path() / sd).lexically_normal().string();
}

transfer::authenticator::credential_lookup credentials_of(const config::mirror_config& c) {
  return [creds = c.credentials](const std::string& registry) {
    auto it = creds.find(registry);
    if (it != creds.end()) return std::optional(it->second);
    return transfer::docker_credentials(registry, transfer::docker_config_path());
  };
}

}  // namespace ocimirror::daemon
