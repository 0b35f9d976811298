#pragma once
// What a loaded mirror configuration gives a run, for the commands and the service alike: its state directory
// resolved against the file, and the credentials it implies for each registry.
#include "config/mirror_config.hpp"
#include "transfer/registry/auth.hpp"

#include <optional>
#include <string>

namespace ocimirror::daemon {

/// A relative state_dir is taken relative to the configuration file's directory.
void resolve_state_dir(config::mirror_config& c);

/// Why the state directory cannot be used by this process: it is not a directory, or it (or, when it does not
/// exist yet, the nearest folder above it that does) is not writable. nullopt when it can be.
std::optional<std::string> state_dir_problem(const std::string& dir);

/// Credentials per registry: the config's first, then the docker config.
transfer::authenticator::credential_lookup credentials_of(const config::mirror_config& c);

}  // namespace ocimirror::daemon
