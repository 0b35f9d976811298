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

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace ocimirror::daemon {
/// How long network work may take: each step, a whole small request, and the slowest a body may arrive. Plain
/// data: the command line's flags (daemon/cli/flags.hpp) and the daemon's settings fill it.
struct time_limits {
  int timeout_seconds = 60;       ///< each network step (connect, TLS, one read or write)
  int deadline_seconds = 300;     ///< a request whose answer is read whole (manifests, lists, tokens)
  std::uint64_t min_rate = 1024;  ///< bytes/s a body must average over rate_window_seconds of waiting (0: none)
  int rate_window_seconds = 30;
  int helper_timeout_seconds = 30;  ///< a credential helper's run, start to exit
  /// What makes no sense (a timeout of 0, a window of 0), named by its flag; empty when nothing.
  std::string problem() const;
  /// Throws transfer::error(bad_reference) with problem() when there is one.
  transfer::http_options http() const;
};

class session {
 public:
  /// lookup: credentials per registry; default: the docker config.
  session(config::registry_settings_map settings, const time_limits& limits,
          transfer::authenticator::credential_lookup lookup = {});
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

}  // namespace ocimirror::daemon
