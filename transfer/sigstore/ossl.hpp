#pragma once
// OpenSSL objects owned by smart pointers (keys and certificates shared, the rest unique), and the few conversions
// every Sigstore check needs. Pure.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer::sigstore {

struct ossl_free {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(X509_STORE* p) const noexcept { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const noexcept { X509_STORE_CTX_free(p); }
  void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
  void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
  void operator()(STACK_OF(X509) * p) const noexcept { sk_X509_free(p); }
};
using pkey_ptr = std::shared_ptr<EVP_PKEY>;
using x509_ptr = std::shared_ptr<X509>;
template <class T>
using owned = std::unique_ptr<T, ossl_free>;

/// A DER certificate or SubjectPublicKeyInfo; nullptr when the bytes are not one (or have bytes after it).
x509_ptr parse_certificate(std::string_view der);
pkey_ptr parse_public_key(std::string_view der);
/// A PEM public key, or the public key of a PEM certificate; nullptr when it is neither.
pkey_ptr parse_pem_key(std::string_view pem);
/// The certificates of a PEM text, in order, up to the first that is not one.
std::vector<x509_ptr> parse_pem_certificates(std::string_view pem);

std::string der_of(X509* cert);
std::string der_of(EVP_PKEY* key);  ///< SubjectPublicKeyInfo
std::string sha256_raw(std::string_view data);
std::string to_hex(std::string_view raw);

/// True when sig verifies over data with key: ECDSA and RSA (PKCS#1 v1.5) over SHA-256 (P-384 also SHA-384, P-521
/// also SHA-512), Ed25519 pure.
bool verifies(EVP_PKEY* key, std::string_view data, std::string_view sig);
/// The same over a SHA-256 digest already computed (ECDSA, RSA; never Ed25519, which signs the message itself).
bool verifies_digest(EVP_PKEY* key, std::string_view sha256, std::string_view sig);

/// "ECDSA P-256", "RSA 3072", "Ed25519": for messages.
std::string describe(EVP_PKEY* key);

/// Seconds since the epoch of an ASN1_TIME (nullopt when it is malformed).
std::optional<std::int64_t> epoch_of(const ASN1_TIME* t);
/// RFC 3339 "2023-01-20T20:51:33Z" of a time, for messages.
std::string rfc3339(std::int64_t epoch);
/// RFC 3339 (as trusted_root.json writes `validFor`) to seconds; nullopt when it is not one.
std::optional<std::int64_t> parse_rfc3339(std::string_view s);

}  // namespace ocimirror::transfer::sigstore
