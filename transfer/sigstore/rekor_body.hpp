#pragma once
// Does a transparency log entry record this bundle? Rekor's entry kinds (hashedrekord 0.0.1 and 0.0.2, dsse 0.0.1
// and 0.0.2, intoto 0.0.2) each record a digest, the signature and the signer's certificate or key; all three must
// be the bundle's. Pure.
#include "transfer/sigstore/bundle.hpp"

#include <optional>
#include <string>

namespace ocimirror::transfer::sigstore {

/// What the log entry must name: the artifact's (or, for DSSE, the envelope's) digest, the signature(s), and the
/// signer (a certificate's DER, or a public key's SubjectPublicKeyInfo DER).
struct logged {
  std::string artifact_sha256;  ///< raw; for a message signature
  const dsse_envelope* dsse = nullptr;
  std::string signature;  ///< raw; for a message signature
  std::string signer_der;
  bool signer_is_certificate = true;
};

/// PAE(type, body): what a DSSE signature signs.
std::string pae(std::string_view type, std::string_view body);

/// nullopt when the entry records what `what` says; otherwise what differs.
std::optional<std::string> entry_records(const tlog_entry& e, const logged& what);

}  // namespace ocimirror::transfer::sigstore
