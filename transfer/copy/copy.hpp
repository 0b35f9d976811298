#pragma once
// The copy engine, the only one: a manifest graph copied child-first (blobs, child manifests, index, then the tag)
// between any two endpoints (registries, layouts, archives), digest-exact: every blob's SHA-256 and size proven
// before its last byte is handed over, so a wrong blob is never stored under the name it claims. What the
// destination has is skipped. The registry-only speed-ups are capabilities used when both sides have them, not a
// second engine: a cross-repository mount when the destination is a registry, "the digest is there, only tag it",
// ranged parallel reads and resumable chunked uploads (blob_pipe) between two registries. A blob a layout source
// lacks (an incremental bundle) is fine when the destination has it or can mount it; otherwise the copy fails
// naming it, before the manifest that needs it is pushed.
#include "transfer/copy/blob_gate.hpp"
#include "transfer/copy/blob_memory.hpp"
#include "transfer/copy/blob_pipe.hpp"
#include "transfer/endpoint/endpoint.hpp"
#include "transfer/oci/manifest.hpp"
#include "transfer/oci/reference.hpp"
#include "transfer/registry/registry.hpp"

#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ocimirror::transfer {

/// A blob whose bytes are moving now, as a progress display shows it.
struct blob_in_flight {
  std::string repository, digest;  ///< at the destination
  std::uint64_t size = 0, done = 0;
};

/// Counters a progress display reads while a copy runs (single-threaded: plain integers).
struct copy_progress {
  std::uint64_t bytes_total = 0;  ///< bytes of blobs that need copying, known so far
  std::uint64_t bytes_done = 0;
  std::size_t blobs_total = 0;
  std::size_t blobs_done = 0;
  std::size_t blobs_active = 0;  ///< blob transfers holding their registries' permits right now
  std::size_t blobs_failed = 0;
  std::size_t tags_total = 0;        ///< tags handed to copies so far (sync); 0 for a single copy
  std::size_t tags_done = 0;         ///< of those, finished (copied or failed)
  std::list<blob_in_flight> moving;  ///< in the order they started
};

struct copy_stats {
  std::size_t blobs_copied = 0, blobs_mounted = 0, blobs_skipped = 0;
  std::size_t manifests_pushed = 0, manifests_skipped = 0;
  std::size_t uploads_resumed = 0;  ///< chunked uploads continued where an earlier process stopped
  std::uint64_t bytes_copied = 0;
  copy_stats& operator+=(const copy_stats& o) {
    blobs_copied += o.blobs_copied, blobs_mounted += o.blobs_mounted, blobs_skipped += o.blobs_skipped;
    manifests_pushed += o.manifests_pushed, manifests_skipped += o.manifests_skipped;
    uploads_resumed += o.uploads_resumed;
    bytes_copied += o.bytes_copied;
    return *this;
  }
};

struct copy_options {
  /// Which children of an index to copy; empty = all. A filtered index is a new manifest with a new digest.
  std::function<bool(const descriptor&)> select_child;
  std::size_t parallel_blobs = 8;
  pipe_options pipe;  ///< reads, ranged GETs, uploads of each blob
  copy_progress* progress = nullptr;
  /// Shared by the copies of one run: no digest written twice at once to a registry, mounts across repositories.
  blob_gate* gate = nullptr;
  /// What outlives the run (the cache): repositories holding a digest, unfinished chunked uploads. May be null.
  blob_memory* memory = nullptr;
  /// Destination repositories that did not exist when the run began (with a gate): what they hold now is what this
  /// run wrote, so the gate answers for them and the destination is not asked. Writing is always safe; asking is
  /// only a saving, and there would be nothing to find.
  const std::set<std::string>* fresh_repositories = nullptr;
  /// The caller already asked the destination about the tag and found it missing or on another digest.
  bool tag_checked = false;
  /// Check what the destination already has all the way down (every child manifest and blob) instead of
  /// trusting a tag that points at the right digest; pushes whatever is missing.
  bool verify = false;
};

struct copy_result {
  std::string source_digest;
  std::string digest;  ///< at the destination (differs from the source only when children were filtered out)
  std::string media_type;
  std::uint64_t size = 0;
  copy_stats stats;
  /// The destination answered the top manifest's push with OCI-Subject (it indexes referrers itself).
  bool subject_acknowledged = false;
};

/// Which children of an index to copy (opts.select_child; all without one). Throws errc::not_found, listing the
/// platforms the index has, when the selection leaves none. `where` names the index in that message.
std::vector<bool> children_to_copy(const manifest& index, const copy_options& opts, const std::string& where);
/// The digest copy_image pushes for m under opts: m's own, or, for an index platform filtering thins, the new
/// index's. A run compares it with the destination's to recognise a filtered index it pushed before. Throws as
/// children_to_copy does, and errc::bad_manifest for a manifest that does not parse.
std::string pushed_digest(const fetched_manifest& m, const copy_options& opts);
/// A manifest's blobs, each digest once (config first).
std::vector<const descriptor*> unique_blobs(const manifest& m);

/// Copies from (a tag or digest in src; registry fields are for messages) to `to` in dst. to.tag empty: stored by
/// digest only. Throws transfer::error.
/// first: the source's top manifest when the caller already fetched it (it is not asked again).
awaitable<copy_result> copy_image(endpoint& src, const reference& from, endpoint& dst, const reference& to,
                                  const copy_options& opts, std::optional<fetched_manifest> first = std::nullopt);

}  // namespace ocimirror::transfer
