#pragma once
// One blob from a source registry to a destination registry: read (one GET resumed with Range after a broken
// connection, or for large blobs several ranged GETs at once, reassembled in order), SHA-256 over the bytes as they
// pass, upload. The digest and the size are proven before the upload's last bytes are released, so the request
// that would commit the digest never completes for bytes that do not match it. Memory: buffer_size bytes, plus
// ranged_parallel * part_size for a ranged read.
#include "transfer/oci/manifest.hpp"
#include "transfer/registry/registry.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

struct pipe_options {
  std::size_t buffer_size = 256u << 10;  ///< bytes per read from a single GET
  upload_options upload;
  std::uint64_t ranged_threshold = 0;  ///< blobs at least this large use parallel ranged GETs; 0: never
  std::size_t ranged_parallel = 4;     ///< ranged GETs in flight
  std::uint64_t part_size = 4u << 20;  ///< bytes per ranged GET
  /// Bytes a whole run may hold in ranged-read buffers, shared by every pipe of the run (set it once per run).
  /// A large blob that finds too little left is read by one GET instead, so memory stays flat however many large
  /// blobs move at once. Null: no ranged reads.
  std::shared_ptr<std::uint64_t> ranged_budget;
};

/// Copies blob d from src/src_repo to dst/dst_repo. on_bytes is told of every piece handed to the upload. A
/// session that already holds `offset` bytes (resumed after a restart) gets only the rest; the bytes before it are
/// read and hashed but not sent. journal: see registry_client::push_blob. Throws transfer::error; errc::digest_mismatch
/// when the bytes are not what d names (nothing is committed then). Every retry inside (resumed reads, their GETs,
/// the upload's requests) is spent from `blob`, the blob's budget, too.
awaitable<void> pipe_blob(registry_client& src, const std::string& src_repo, registry_client& dst,
                          const std::string& dst_repo, const descriptor& d, const pipe_options& opts,
                          std::optional<registry_client::upload_session> session,
                          const std::function<void(std::size_t)>& on_bytes,
                          const registry_client::upload_journal& journal, retry_budget& blob);

/// Blob d's bytes from a registry as one GET resumed with Range after a broken connection, each retry spent from
/// `blob` too (for a destination that is not a registry). repo, d, opts and blob must outlive the source.
http_client::chunk_source read_blob(registry_client& src, const std::string& repo, const descriptor& d,
                                    const pipe_options& opts, retry_budget& blob);

/// Wraps a blob's pieces: counts and hashes them; throws errc::digest_mismatch (naming `what`, then `consequence`)
/// instead of handing over the last piece when the size or digest differs from d, or when the source runs long or
/// short. The one check of a blob's bytes, whichever way they travel.
http_client::chunk_source verified_source(http_client::chunk_source in, const descriptor& d, std::string what,
                                          std::function<void(std::size_t)> on_bytes = {},
                                          std::string_view consequence = "nothing was stored under that digest");

}  // namespace ocimirror::transfer
