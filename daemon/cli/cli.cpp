#include "daemon/cli/commands.hpp"
#include "daemon/cli/endpoint_args.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/run/session.hpp"
#include "daemon/version.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/suggest.hpp"

#include <openssl/crypto.h>
#include <rocksdb/version.h>
#include <spdlog/version.h>
#include <boost/json.hpp>
#include <boost/version.hpp>

#include <iostream>

namespace ocimirror::daemon {

namespace {
constexpr const char* usage = R"(ocimirror: mirrors OCI artifacts between registries, digest-exact.

Usage: ocimirror COMMAND [OPTIONS] ...

Commands:
  copy SRC DST        copy one image, index or artifact with everything it references
  inspect REF         show media type, digest, size, platforms and annotations of a manifest
  tags REPO           list a repository's tags
  verify REF          check that REF is signed by a trusted signer (keyless or key), as `cosign verify` reports
  login HOST          verify credentials and store them in the docker config (as `docker login`)
  logout HOST         remove the credentials stored for HOST (as `docker logout`)
  sync --config FILE  run the mirror policies of FILE once (--dry-run prints the plan)
  daemon --config FILE
                      run the policies on their schedules with an admin API (metrics, status, triggers)
  push DIR REF        pack a directory as a Flux artifact and push it (push --helm CHART.tgz REPO: a Helm chart)
  pull REF DIR        fetch a Flux artifact or Helm chart and extract it safely into DIR
  inventory WHERE...  list every digest a registry or layout holds (for incremental bundles: sync --since)
  check --config FILE validate a mirror configuration; every problem with FILE:LINE:COL
  cache stats|verify|clear --config FILE
                      look at, check against the destinations, or drop the digest cache

References are HOST[:PORT]/REPOSITORY[:TAG][@sha256:DIGEST]; the registry host is never guessed. OCI layouts
are oci:DIR[:REPO:TAG] and oci-archive:FILE.tar[:REPO:TAG] (one layout holds many repositories).
Credentials come from $DOCKER_CONFIG/config.json or ~/.docker/config.json (auths, credHelpers, credsStore).

Run `ocimirror COMMAND --help` for a command's options and examples.
Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 auth, 5 network/TLS, 6 integrity (digest, size, manifest).
)";
}  // namespace

int guarded(const bool& json, const std::function<int()>& body) {
  auto report = [&](const std::string& what, int code) {
    print_error(what);
    if (json) std::cout << boost::json::serialize(boost::json::object{{"error", what}, {"exitCode", code}}) << "\n";
    return code;
  };
  try {
    return body();
  } catch (const transfer::error& e) {
    return report(e.what(), exit_code_for(e.code()));
  } catch (const po::error& e) {
    return report(std::string(e.what()) + " (see --help)", exit_usage);
  } catch (const std::exception& e) {
    return report(e.what(), exit_failed);
  }
}

/// The libraries this binary was built with (and the OpenSSL it runs with: a shared library the system updates).
static std::string libraries() {
  auto v = [](int a, int b, int c) { return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c); };
  return "built with Boost " + v(BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100) +
         ", RocksDB " + v(ROCKSDB_MAJOR, ROCKSDB_MINOR, ROCKSDB_PATCH) + ", spdlog " +
         v(SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH) + "; running " + OpenSSL_version(OPENSSL_VERSION);
}

int run_cli(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage;
    return exit_usage;
  }
  const std::string cmd = argv[1];
  const args rest(argv + 2, argv + argc);
  static constexpr std::pair<std::string_view, int (*)(const args&)> commands[] = {
      {"copy", cmd_copy},   {"inspect", cmd_inspect}, {"tags", cmd_tags},           {"verify", cmd_verify},
      {"login", cmd_login}, {"logout", cmd_logout},   {"push", cmd_push},           {"pull", cmd_pull},
      {"sync", cmd_sync},   {"daemon", cmd_daemon},   {"inventory", cmd_inventory}, {"check", cmd_check},
      {"cache", cmd_cache}};
  for (const auto& [name, run] : commands)
    if (cmd == name) return run(rest);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << usage;
    return exit_ok;
  }
  if (cmd == "--version" || cmd == "version") {
    std::cout << "ocimirror " << version << " (commit " << commit << ")\n" << libraries() << "\n";
    return exit_ok;
  }
  std::vector<std::string_view> names;
  for (const auto& [name, run] : commands) names.push_back(name);
  print_error("unknown command '" + transfer::printable(cmd, 40) + "'" + transfer::did_you_mean(cmd, names) +
              " (commands: " + transfer::joined(names) + "; see --help)");
  return exit_usage;
}

}  // namespace ocimirror::daemon
