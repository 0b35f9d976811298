#pragma once
// What a Fulcio certificate says and whether it is true: its identity (SAN, OIDC issuer, GitHub workflow claims),
// its chain to a trusted CA at a given time, and its embedded SCTs. Pure: certificates and trust material in.
#include "transfer/sigstore/trusted_root.hpp"

#include <map>
#include <string>

namespace ocimirror::transfer::sigstore {

/// The identity a Fulcio certificate vouches for.
struct identity {
  std::string subject;                        ///< the SAN: an email address, a URI (a CI workflow) or a username
  std::string issuer;                         ///< the OIDC issuer (extension 1.3.6.1.4.1.57264.1.8, or the legacy .1.1)
  std::map<std::string, std::string> claims;  ///< GitHub workflow claims by name: repository, ref, sha, trigger …
};

/// Reads the identity from a certificate; the issuer is empty when the certificate has no Fulcio extension.
identity identity_of(X509* cert);

/// Checks that leaf chains to a CA of root that was valid at time t (seconds), with the leaf and chain valid at t
/// and the leaf a code-signing certificate. Returns the certificate that issued leaf, or the reason it does not chain.
boost::system::result<x509_ptr, std::string> verify_chain(const trusted_root& root, X509* leaf, std::int64_t t);

/// Checks the leaf's embedded SCTs against root's CT logs: at least one must verify. nullopt when one does.
std::optional<std::string> verify_sct(const trusted_root& root, X509* leaf, X509* issuer);

/// The leaf's validity as seconds.
std::optional<validity> validity_of(X509* cert);

}  // namespace ocimirror::transfer::sigstore
