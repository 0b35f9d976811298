#pragma once
// Everything that refers to a copied manifest travels with it: its referrers (the OCI 1.1 API, else the fallback
// tag `sha256-<hex>`) and cosign's `sha256-<hex>.sig|.att|.sbom` tags, recursively (a signature of a signature too).
// At a destination that does not answer a referrer's push with OCI-Subject, the fallback tag index is maintained.
#include "transfer/copy/copy.hpp"
#include "transfer/endpoint/endpoint.hpp"
#include "transfer/registry/referrers.hpp"

#include <map>
#include <string>
#include <vector>

namespace ocimirror::transfer {

struct referrer_stats {
  std::size_t referrers = 0;         ///< referrer manifests copied or found present
  std::size_t cosign_tags = 0;       ///< cosign tags copied or found present
  std::size_t fallback_updates = 0;  ///< fallback tag indexes written at the destination
  copy_stats blobs;
};

/// What one run learns once: whether a source registry speaks the referrers API (asked once per registry).
struct referrer_probe {
  std::map<std::string, bool> api;  ///< registry name -> supported
};

/// Whether src speaks the referrers API: never for a layout or a registry family without it (profile.hpp), else
/// asked once per registry (about digest in repo) and kept in probe.
awaitable<bool> referrers_api(endpoint& src, const std::string& repo, const std::string& digest, referrer_probe& probe);

/// Copies what refers to `digest` (in src_repo at src) to dst_repo at dst (registries or layouts: a layout keeps the
/// fallback index under its `sha256-<hex>` name). tags: src_repo's full tag list when known (fallback and cosign tags
/// are then looked up there, without requests). Throws transfer::error.
awaitable<referrer_stats> copy_referrers(endpoint& src, const std::string& src_repo, endpoint& dst,
                                         const std::string& dst_repo, const std::string& digest,
                                         const referrers::filter& filter, const copy_options& opts,
                                         const std::vector<std::string>* tags, referrer_probe& probe);

}  // namespace ocimirror::transfer
