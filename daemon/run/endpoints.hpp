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

/// A command-line reference: HOST/REPO[:TAG][@DIGEST], oci:DIR[:REPO:TAG] or oci-archive:FILE[:REPO:TAG].
struct endpoint_arg {
  std::optional<transfer::layout_ref> layout;
  transfer::reference ref;  ///< for a layout: repository and tag within it, registry = "oci:DIR"
  std::string str() const { return layout ? layout->str() : ref.str(); }
};
/// Parses text or prints "ocimirror: error: ..." and returns nullopt.
std::optional<endpoint_arg> endpoint_arg_of(const std::string& text);
/// A layout source named without REF or DIGEST means its only entry (transfer::only_entry): a named one by its
/// repository and tag, an unnamed one by digest. Sets arg.ref; throws transfer::error(not_found) for an empty
/// layout and po::error (a usage error) listing the entries when there are several.
void select_only_entry(transfer::endpoint& layout, endpoint_arg& arg);

/// The config::endpoint for a layout argument.
config::endpoint endpoint_of(const transfer::layout_ref& l);

}  // namespace ocimirror::daemon
