#pragma once
// JSON Web Tokens as the clouds' token services ask for them (RFC 7519): signed RS256 with a private key from a
// file (a GitHub App's key, a Google service account's, an Azure client certificate's), and the claims of a token
// read without verifying it (an ACR refresh token's expiry, an Azure token's tenant). Pure.
#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_pkey_st;

namespace ocimirror::transfer::identity {

using private_key = std::shared_ptr<evp_pkey_st>;

/// The RSA private key of a PEM text (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"), or nullptr. Encrypted
/// keys are not read (no passphrase prompt in a daemon).
private_key read_rsa_key(std::string_view pem);

std::string base64url(std::string_view bytes);
/// nullopt for anything but unpadded (or padded) base64url.
std::optional<std::string> base64url_decode(std::string_view text);

/// header.claims.signature, RS256 (RSASSA-PKCS1-v1_5 over SHA-256); "alg": "RS256" and "typ": "JWT" are added to
/// the header. Throws std::runtime_error only when OpenSSL cannot sign with the key.
std::string sign_rs256(boost::json::object header, const boost::json::object& claims, evp_pkey_st* key);

/// The claims of a JWT, unverified; nullopt when `token` is not three base64url parts with a JSON object between.
std::optional<boost::json::object> jwt_claims(std::string_view token);
/// Its numeric "exp" claim, unverified.
std::optional<std::int64_t> jwt_expiry(std::string_view token);

/// The first certificate of a PEM text: base64url of the SHA-1 (x5t) or SHA-256 (x5t#S256) of its DER, as JWT
/// headers name a certificate. nullopt when the text holds no certificate.
struct thumbprints {
  std::string sha1, sha256;
};
std::optional<thumbprints> certificate_thumbprints(std::string_view pem);

}  // namespace ocimirror::transfer::identity
