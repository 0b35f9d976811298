#pragma once
// What every command shares: registry connection settings from the command line, one io_context, the HTTP
// client and authenticator, registry clients by name, and the mapping from failures to exit codes.
#include "config/registry_settings.hpp"
#include "transfer/identity/cloud_identities.hpp"
#include "transfer/net/http.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/reference.hpp"
#include "transfer/registry/auth.hpp"
#include "transfer/registry/github_packages.hpp"
#include "transfer/registry/registry.hpp"

#include "transfer/copy/copy.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/program_options.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace ocimirror::daemon {
namespace po = boost::program_options;

/// Documented exit codes (README "Exit codes").
enum exit_code : int {
  exit_ok = 0,
  exit_failed = 1,     ///< a registry or protocol failure not covered below
  exit_usage = 2,      ///< bad arguments or a malformed reference
  exit_not_found = 3,  ///< manifest, tag, repository or blob unknown
  exit_auth = 4,       ///< credentials missing or rejected, or access denied
  exit_network = 5,    ///< DNS, connect, TLS or timeout
  exit_integrity = 6,  ///< digest or size mismatch, invalid or oversized manifest
};
int exit_code_for(transfer::errc e);

/// How long network work may take: each step, a whole small request, and the slowest a body may arrive.
struct time_limits {
  int timeout_seconds = 60;       ///< each network step (connect, TLS, one read or write)
  int deadline_seconds = 300;     ///< a request whose answer is read whole (manifests, lists, tokens)
  std::uint64_t min_rate = 1024;  ///< bytes/s a body must average over rate_window_seconds of waiting (0: none)
  int rate_window_seconds = 30;
  int helper_timeout_seconds = 30;  ///< a credential helper's run, start to exit
  /// Adds --timeout, --deadline, --min-rate and --min-rate-window to d.
  void describe(po::options_description& d);
  /// Throws po::error for a value that makes no sense (a timeout of 0, a window of 0).
  void check() const;
  transfer::http_options http() const;
};

/// A flag that takes a size with units ("100MiB", "512KiB", or bytes), as every size flag does.
po::typed_value<std::string>* size_option(const char* name, std::uint64_t& out);

/// Network options every command takes; fills a registry_settings_map.
struct network_flags {
  bool plain_http = false, insecure = false;
  std::vector<std::string> plain_http_hosts, insecure_hosts, ca_files, profiles;
  time_limits limits;
  po::options_description describe();
  config::registry_settings_map settings() const;
};

/// How blobs move: upload mode, chunk size, ranged GETs. Every command that copies takes these.
struct transfer_flags {
  std::uint64_t chunk_size = 0, monolithic_max = 32u << 20;
  std::uint64_t ranged_threshold = 0, part_size = 4u << 20, ranged_memory = 32u << 20;  // ranged: off, see README
  std::size_t ranged_parallel = 4;
  po::options_description describe();
  transfer::pipe_options pipe() const;
};

class session {
 public:
  /// lookup: credentials per registry; default: the docker config.
  session(config::registry_settings_map settings, const time_limits& limits,
          transfer::authenticator::credential_lookup lookup = {});
  explicit session(const network_flags& flags, transfer::authenticator::credential_lookup lookup = {})
      : session(flags.settings(), flags.limits, std::move(lookup)) {}
  /// On an io_context the caller owns (the daemon: one loop, a new session per configuration reload; runs that
  /// started under the old one keep it alive). stop: the daemon's drain switch, which must outlive the session.
  session(boost::asio::io_context& io, config::registry_settings_map settings, const time_limits& limits,
          transfer::authenticator::credential_lookup lookup = {}, transfer::stopper* stop = nullptr);
  boost::asio::io_context& io() { return io_; }
  /// Told the status of every response any registry client of this session reads (metrics).
  void observe(transfer::registry_client::response_observer o) { observer_ = std::move(o); }
  /// Told every pause any registry client of this session takes (metrics).
  void observe_waits(transfer::registry_client::wait_observer o) { wait_observer_ = std::move(o); }
  transfer::registry_client& client(const transfer::reference& ref);
  /// Each registry client's adaptive concurrency limit right now, by registry (metrics).
  std::map<std::string, std::size_t> working_limits() const;
  /// GHCR's repositories: an owner's container packages from the GitHub REST API.
  transfer::registry_client::package_lister github_lister(const std::string& registry);
  transfer::authenticator& auth() { return auth_; }

  /// Runs a coroutine to completion on the io_context; rethrows what it threw.
  void run(std::function<transfer::awaitable<void>()> work);

 private:
  std::unique_ptr<boost::asio::io_context> owned_io_;  ///< null when borrowed
  boost::asio::io_context& io_;
  config::registry_settings_map settings_;
  transfer::registry_client::response_observer observer_;
  transfer::registry_client::wait_observer wait_observer_;
  transfer::http_client http_;
  transfer::authenticator::credential_lookup lookup_;  ///< before auth_, which keeps a copy
  transfer::authenticator auth_;
  transfer::cloud_identities clouds_;
  std::map<std::string, std::unique_ptr<transfer::registry_client>> clients_;
};

/// Parses a reference or prints "ocimirror: error: ..." and returns nullopt.
std::optional<transfer::reference> reference_arg(const std::string& text, bool repository_only = false);

/// Prints "ocimirror: error: <what>" on stderr.
void print_error(const std::string& what);

}  // namespace ocimirror::daemon
