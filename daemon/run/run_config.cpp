#include "daemon/run/run_config.hpp"

#include "transfer/registry/credentials.hpp"

#include <unistd.h>

#include <filesystem>

namespace ocimirror::daemon {

std::optional<std::string> state_dir_problem(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path at(dir);
  while (!at.empty() && !fs::exists(at, ec)) {
    if (at == at.parent_path()) break;
    at = at.parent_path();
  }
  if (!fs::is_directory(at, ec))
    return at.string() + " is not a directory" + (at == fs::path(dir) ? "" : " (state_dir " + dir + " would be in it)");
  if (::access(at.c_str(), W_OK | X_OK) != 0)
    return at.string() + " is not writable by this user (uid " + std::to_string(::geteuid()) + ")" +
           (at == fs::path(dir) ? std::string() : "; state_dir " + dir + " would be made in it") +
           "; the daemon's user must be able to write it (under systemd, --state-dir ${STATE_DIRECTORY} is)";
  return std::nullopt;
}

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
