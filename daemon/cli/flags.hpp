#pragma once
// The flags every command that talks to registries shares: connection (TLS, CAs, profiles), time limits and
// transfer tuning, each taking units ("30s", "8MiB") and checked when parsed. They fill the plain settings the run
// takes (config::registry_settings_map, time_limits, transfer::pipe_options); nothing below the command line sees
// program_options.
#include "config/registry_settings.hpp"
#include "daemon/run/session.hpp"
#include "transfer/copy/copy.hpp"

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace ocimirror::daemon {
namespace po = boost::program_options;

/// A flag that takes a size with units ("100MiB", "512KiB", or bytes), as every size flag does.
po::typed_value<std::string>* size_option(const char* name, std::uint64_t& out);

/// Adds --timeout, --deadline, --min-rate, --min-rate-window and --credential-helper-timeout for `limits` to d.
void describe_limits(po::options_description& d, time_limits& limits);
/// Throws po::error (a usage error) with limits.problem() when there is one.
void check_limits(const time_limits& limits);

/// Network options every command takes; fills a registry_settings_map.
struct network_flags {
  bool plain_http = false, insecure = false;
  std::vector<std::string> plain_http_hosts, insecure_hosts, ca_files, profiles;
  time_limits limits;
  po::options_description describe();
  /// Throws po::error for a --registry-profile that names no family.
  config::registry_settings_map settings() const;
};

/// A session for the registries the flags describe; credentials from `lookup` (default: the docker config).
inline session session_for(const network_flags& f, transfer::authenticator::credential_lookup lookup = {}) {
  check_limits(f.limits);
  return session(f.settings(), f.limits, std::move(lookup));
}

/// How blobs move: upload mode, chunk size, ranged GETs. Every command that copies takes these.
struct transfer_flags {
  std::uint64_t chunk_size = 0, monolithic_max = 32u << 20;
  std::uint64_t ranged_threshold = 0, part_size = 4u << 20, ranged_memory = 32u << 20;  // ranged: off, see README
  std::size_t ranged_parallel = 4;
  po::options_description describe();
  transfer::pipe_options pipe() const;
};

}  // namespace ocimirror::daemon
