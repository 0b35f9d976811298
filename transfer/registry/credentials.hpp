#pragma once
// Registry credentials the way docker keeps them: $DOCKER_CONFIG/config.json or ~/.docker/config.json with
// `auths`, `credHelpers` and `credsStore`, and `docker-credential-<name>` helpers. Secrets never leave this
// component except as request headers.
#include "transfer/net/headers.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

struct credentials {
  std::string username;
  std::string password;        ///< password or personal access token
  std::string identity_token;  ///< refresh token (helper answered Username "<token>", or auths.identitytoken)
};

/// $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json.
std::filesystem::path docker_config_path();

/// The key docker uses for a registry: "https://index.docker.io/v1/" for Docker Hub, the host otherwise.
std::string docker_server_key(std::string_view registry);

/// Credentials for a registry from the docker config (and the helper it names); nullopt when none are stored.
/// Throws transfer::error(io) when the file is unreadable JSON or a named helper fails.
std::optional<credentials> docker_credentials(std::string_view registry, const std::filesystem::path& config);

/// Stores credentials as `docker login` does: through credHelpers/credsStore when configured, otherwise as
/// base64 "user:password" in `auths`. Other keys of the file are kept; the file is written 0600, atomically.
void docker_store_credentials(std::string_view registry, const credentials& c, const std::filesystem::path& config);

/// Removes what `docker logout` would: through the helper the config names (`erase`), else every `auths` entry for
/// the registry (the file rewritten as docker_store_credentials writes it). False when nothing was stored for it.
bool docker_erase_credentials(std::string_view registry, const std::filesystem::path& config);

/// Every helper run is killed after `timeout` or once it prints more than `output_cap` bytes (defaults: 30 s,
/// 1 MiB), its name checked as docker checks it, its answer checked for what a header cannot hold. Process-wide:
/// set once from --credential-helper-timeout before anything runs. Helpers block: awaiting code runs the lookup
/// through off_loop (transfer/registry/auth.cpp), never on the event loop.
void set_credential_helper_limits(std::chrono::milliseconds timeout, std::size_t output_cap = 1u << 20);

/// The limits set_credential_helper_limits set (AWS's credential_process runs within them too).
std::chrono::milliseconds credential_helper_timeout();
std::size_t credential_helper_output_cap();

/// Runs `docker-credential-<helper> get` with the server URL on stdin; nullopt when the helper knows no entry.
std::optional<credentials> run_credential_helper(std::string_view helper, std::string_view server);

}  // namespace ocimirror::transfer
