#pragma once
// cosign's signature format, checked with OpenSSL: a `sha256-<hex>.sig` manifest whose layers are simple-signing
// payloads (`{"critical":{"image":{"docker-manifest-digest":"sha256:..."},...}}`), each with its ECDSA P-256 /
// SHA-256 signature, base64 DER, in the layer annotation `dev.cosignproject.cosign/signature`.
#include "transfer/oci/manifest.hpp"
#include "transfer/registry/registry.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocimirror::transfer::cosign {

inline constexpr std::string_view signature_annotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view simple_signing = "application/vnd.dev.cosign.simplesigning.v1+json";

/// A public key (PEM), parsed once. Throws std::runtime_error naming the problem when it is not an EC P-256 key.
class public_key {
 public:
  explicit public_key(const std::string& pem);
  ~public_key();
  public_key(public_key&&) noexcept;
  /// True when signature_b64 is a valid signature of payload by this key.
  bool verifies(std::string_view payload, std::string_view signature_b64) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Why payload/signature do not vouch for digest under key; nullopt when they do. Pure.
std::optional<std::string> check(const public_key& key, std::string_view payload, std::string_view signature_b64,
                                 std::string_view digest);

/// Looks for cosign signatures of repo@digest at src (tag `sha256-<hex>.sig`; `tags`, when given, is the repository's
/// tag list, which saves a request when there is none). nullopt when one verifies; otherwise the reason.
awaitable<std::optional<std::string>> verify_signed(registry_client& src, const std::string& repo,
                                                    const std::string& digest, const public_key& key,
                                                    const std::vector<std::string>* tags);

}  // namespace ocimirror::transfer::cosign
