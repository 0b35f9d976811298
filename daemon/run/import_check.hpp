#pragma once
// An import from a bundle is checked whole before anything is pushed: every blob in the archive against the digest
// its name claims, and every graph the run will copy for completeness (each manifest in the bundle, each blob in
// the bundle or already at the destination), so a bad or incomplete bundle tags nothing.
#include "cache/mirror_cache.hpp"
#include "daemon/run/sync_run.hpp"
#include "transfer/endpoint/endpoint.hpp"
#include "transfer/endpoint/layout.hpp"

#include <vector>

namespace ocimirror::daemon {

/// The problems found, one per tag (empty: go ahead).
transfer::awaitable<std::vector<failure>> check_import(transfer::layout_archive_reader& bundle, transfer::endpoint& dst,
                                                       const std::vector<policy::plan_item*>& work,
                                                       cache::mirror_cache& cache);

}  // namespace ocimirror::daemon
