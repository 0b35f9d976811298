#pragma once
// Signatures in cosign's format, made with OpenSSL for the tests: an ECDSA P-256 key, its public PEM, and base64
// DER signatures over simple-signing payloads.
#include <memory>
#include <string>

namespace ocimirror::testing {

class signing_key {
 public:
  signing_key();  ///< a fresh P-256 key
  ~signing_key();
  std::string public_pem() const;
  /// base64 of the DER ECDSA signature of data with SHA-256.
  std::string sign(const std::string& data) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// cosign's simple-signing payload naming digest.
std::string simple_signing_payload(const std::string& repo, const std::string& digest);

}  // namespace ocimirror::testing
