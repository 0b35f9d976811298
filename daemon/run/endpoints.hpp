#pragma once
// Opens the endpoints commands and policies name: registries through the session, OCI layouts (directories,
// backup snapshots, archives) directly.
#include "config/mirror_config.hpp"
#include "daemon/run/session.hpp"
#include "transfer/endpoint/endpoint.hpp"
#include "transfer/endpoint/layout.hpp"

#include <memory>
#include <set>

namespace ocimirror::daemon {

enum class role { source, destination, dry_run_destination };

/// What a run needs to open a policy's destination.
struct open_options {
  std::size_t keep = 0;                          ///< oci:DIR destinations: dated snapshots, the newest `keep` kept
  const std::set<std::string>* since = nullptr;  ///< oci-archive destinations: blobs the far side has
  transfer::upload_options upload;
};

/// Throws transfer::error (not_found for a source layout that is not there, io, bad_archive).
std::unique_ptr<transfer::endpoint> open_endpoint(session& s, const config::endpoint& e, role r,
                                                  const open_options& o = {});

}  // namespace ocimirror::daemon
