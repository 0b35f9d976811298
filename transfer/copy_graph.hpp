#pragma once
// The graph copy between any two endpoints (a layout on either side): child-first like copy_image (blobs, child
// manifests, index, then the tag), every blob's SHA-256 and size proven before its last byte is handed over, so a
// wrong blob is never stored under the name it claims. A blob the source lacks (an incremental bundle) is fine
// when the destination has it or can mount it from a repository the run or the cache knows; otherwise the copy
// fails naming it, before the manifest that needs it is pushed.
#include "transfer/copy.hpp"
#include "transfer/endpoint.hpp"

namespace ocimirror::transfer {

/// from/to: repository and tag or digest within src/dst (registry fields are for messages). to.tag empty: stored
/// by digest only. Uses opts' select_child, parallel_blobs, progress, gate, memory and verify.
awaitable<copy_result> copy_graph(endpoint& src, const reference& from, endpoint& dst, const reference& to,
                                  const copy_options& opts);

/// Wraps a blob's pieces: counts and hashes them; throws errc::digest_mismatch (naming `what`) instead of handing
/// over the last piece when the size or digest differs from d, or when the source runs long or short.
http_client::chunk_source verified_source(http_client::chunk_source in, const descriptor& d, std::string what,
                                          std::function<void(std::size_t)> on_bytes = {});

}  // namespace ocimirror::transfer
