#pragma once
// Proofs that a transparency log holds an entry: the signed entry timestamp (Rekor v1's promise, which also vouches
// for the integrated time), the RFC 6962 inclusion proof, and the signed checkpoint it ends in. Pure.
#include "transfer/sigstore/bundle.hpp"
#include "transfer/sigstore/trusted_root.hpp"

#include <optional>
#include <string>

namespace ocimirror::transfer::sigstore {

/// Checks the entry's signed entry timestamp with the log's key. nullopt when it verifies; otherwise why not.
std::optional<std::string> verify_set(const tlog_entry& e, const log_key& log);

/// Checks the entry's inclusion proof: the audit path from the leaf hash of its body to the root hash, and the
/// checkpoint that signs that root hash and tree size with the log's key.
std::optional<std::string> verify_inclusion(const tlog_entry& e, const log_key& log);

/// RFC 9162 §2.1.3.2: does `hashes` lead from leaf_hash at index in a tree of size to root? Pure arithmetic.
bool audit_path_leads_to(std::int64_t index, std::int64_t size, std::string leaf_hash,
                         const std::vector<std::string>& hashes, std::string_view root);

/// A checkpoint (a C2SP signed note): its origin, size and root hash, once a signature by log's key among its
/// signatures verifies (and none by that key fails). `named`: Rekor v2, whose origin and signer name are its host.
struct checkpoint {
  std::string origin;
  std::int64_t size = 0;
  std::string root_hash;
};
boost::system::result<checkpoint, std::string> verify_checkpoint(std::string_view note, const log_key& log, bool named);

}  // namespace ocimirror::transfer::sigstore
