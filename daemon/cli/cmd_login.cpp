// `ocimirror login HOST -u USER --password-stdin`
#include "daemon/cli/commands.hpp"
#include "daemon/run/session.hpp"
#include "transfer/registry/credentials.hpp"

#include <iostream>

namespace ocimirror::daemon {

int cmd_login(const args& a) {
  network_flags net;
  std::string username;
  bool password_stdin = false;
  std::vector<std::string> positional;
  po::options_description opts("Login");
  opts.add_options()("help,h", "show this help")("username,u", po::value(&username), "user name")(
      "password-stdin", po::bool_switch(&password_stdin), "read the password or token from standard input");
  opts.add(net.describe());
  po::options_description all;
  all.add(opts).add_options()("host", po::value(&positional)->composing());
  po::positional_options_description pos;
  pos.add("host", -1);
  const bool plain_output = false;
  return guarded(plain_output, [&]() -> int {
    po::variables_map vm;
    po::store(po::command_line_parser(a).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << R"(Usage: ocimirror login [OPTIONS] HOST -u USER --password-stdin

Checks the credentials against HOST (Basic or token auth, as the registry asks) and, when they work, stores them
where `docker login` would: through the credential helper the docker config names, else base64 in
$DOCKER_CONFIG/config.json or ~/.docker/config.json (mode 0600). Passwords are only read from stdin so they never
show in `ps` or shell history.

Example:
  echo "$TOKEN" | ocimirror login ghcr.io -u mirror-bot --password-stdin
)"
                << "\n"
                << opts << "\n";
      return exit_ok;
    }
    if (positional.size() != 1) throw po::error("login needs exactly one registry HOST[:PORT]");
    if (username.empty()) throw po::error("--username is required");
    if (!password_stdin) throw po::error("pass the password on standard input with --password-stdin");
    // A host is valid when "HOST/x" parses: the same rules references follow.
    auto parsed = transfer::parse_repository(positional[0] + "/x");
    if (!parsed || parsed->registry != positional[0])
      throw po::error("invalid registry host '" + positional[0] + "' (want HOST or HOST:PORT, without a path)");
    const auto ref = &*parsed;
    std::string password((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
    if (password.empty()) throw po::error("no password on standard input");

    transfer::credentials creds{username, password, {}};
    session s(net, [&](const std::string&) { return std::optional<transfer::credentials>(creds); });
    s.run([&]() -> transfer::awaitable<void> { co_await s.client(*ref).ping(); });
    const auto path = transfer::docker_config_path();
    transfer::docker_store_credentials(ref->registry, creds, path);
    std::cout << "Login succeeded for " << ref->registry << " (credentials stored via " << path.string() << ")\n";
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
