// `ocimirror login HOST -u USER --password-stdin` and `ocimirror logout HOST`.
#include "daemon/cli/commands.hpp"
#include "daemon/cli/console.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/run/session.hpp"
#include "transfer/oci/reference.hpp"
#include "transfer/registry/credentials.hpp"

#include <iostream>

namespace ocimirror::daemon {
namespace {

constexpr const char* login_help = R"(Usage: ocimirror login [OPTIONS] HOST -u USER --password-stdin

Checks the credentials against HOST (Basic or token auth, as the registry asks) and, when they work, stores them
where `docker login` would: through the credential helper the docker config names, else base64 in
$DOCKER_CONFIG/config.json or ~/.docker/config.json (mode 0600). Passwords are only read from stdin so they never
show in `ps` or shell history.

Example:
  echo "$TOKEN" | ocimirror login ghcr.io -u mirror-bot --password-stdin
)";

constexpr const char* logout_help = R"(Usage: ocimirror logout HOST

Removes the credentials stored for HOST, where `docker logout` would: through the credential helper the docker
config names (its `erase`), else from `auths` in $DOCKER_CONFIG/config.json or ~/.docker/config.json (the other
keys and registries are kept; the file stays 0600). Not logged in is not an error.

Example:
  ocimirror logout ghcr.io
)";

/// The one HOST[:PORT] argument; throws po::error naming what is wrong with it.
std::string host_arg(const std::vector<std::string>& positional, const char* command) {
  if (positional.size() != 1) throw po::error(std::string(command) + " needs exactly one registry HOST[:PORT]");
  // A host is valid when "HOST/x" parses: the same rules references follow.
  auto parsed = transfer::parse_repository(positional[0] + "/x");
  if (!parsed || parsed->registry != positional[0])
    throw po::error("invalid registry host '" + positional[0] + "' (want HOST or HOST:PORT, without a path)");
  return parsed->registry;
}

}  // namespace

int cmd_login(const args& a) {
  network_flags net;
  std::string username;
  bool password_stdin = false;
  std::vector<std::string> positional;
  po::options_description opts("Login");
  opts.add_options()("help,h", "show this help")("username,u", po::value(&username), "user name")(
      "password-stdin", po::bool_switch(&password_stdin), "read the password or token from standard input");
  opts.add(net.describe());
  const bool plain_output = false;
  return guarded(plain_output, [&]() -> int {
    if (parse_positional(a, opts, positional, login_help)) return exit_ok;
    const auto host = host_arg(positional, "login");
    if (username.empty()) throw po::error("--username is required");
    if (!password_stdin) throw po::error("pass the password on standard input with --password-stdin");
    std::string password((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
    if (password.empty()) throw po::error("no password on standard input");

    transfer::credentials creds{username, password, {}};
    session s = session_for(net, [&](const std::string&) { return std::optional<transfer::credentials>(creds); });
    const auto ref = *transfer::parse_repository(host + "/x");
    s.run([&]() -> transfer::awaitable<void> { co_await s.client(ref).ping(); });
    const auto path = transfer::docker_config_path();
    transfer::docker_store_credentials(host, creds, path);
    std::cout << "Login succeeded for " << host << " (credentials stored via " << path.string() << ")\n";
    return exit_ok;
  });
}

int cmd_logout(const args& a) {
  std::vector<std::string> positional;
  po::options_description opts("Logout");
  opts.add_options()("help,h", "show this help");
  const bool plain_output = false;
  return guarded(plain_output, [&]() -> int {
    if (parse_positional(a, opts, positional, logout_help)) return exit_ok;
    const auto host = host_arg(positional, "logout");
    const auto path = transfer::docker_config_path();
    if (transfer::docker_erase_credentials(host, path))
      std::cout << "Removed the credentials for " << host << " (from " << path.string() << ")\n";
    else
      std::cout << "Not logged in to " << host << " (" << path.string() << " holds nothing for it)\n";
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
