#include "transfer/artifact/cosign.hpp"

#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <boost/json.hpp>

#include <stdexcept>

namespace ocimirror::transfer::cosign {

struct public_key::impl {
  EVP_PKEY* key = nullptr;
  ~impl() { EVP_PKEY_free(key); }
};

public_key::public_key(const std::string& pem) : impl_(std::make_unique<impl>()) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  impl_->key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!impl_->key) throw std::runtime_error("not a PEM public key");
  if (EVP_PKEY_get_base_id(impl_->key) != EVP_PKEY_EC || EVP_PKEY_get_bits(impl_->key) != 256)
    throw std::runtime_error("not an ECDSA P-256 public key (cosign's default)");
}
public_key::~public_key() = default;
public_key::public_key(public_key&&) noexcept = default;

bool public_key::verifies(std::string_view payload, std::string_view signature_b64) const {
  // base64 → DER
  std::string der((signature_b64.size() / 4 + 1) * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                                reinterpret_cast<const unsigned char*>(signature_b64.data()),
                                static_cast<int>(signature_b64.size()));
  if (n <= 0) return false;
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts padding bytes as data: take them off.
  for (auto it = signature_b64.rbegin(); it != signature_b64.rend() && *it == '=' && len > 0; ++it) --len;
  der.resize(len);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, impl_->key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                             reinterpret_cast<const unsigned char*>(payload.data()), payload.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

std::optional<std::string> check(const public_key& key, std::string_view payload, std::string_view signature_b64,
                                 std::string_view digest) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(payload, ec);
  const boost::json::value* named = nullptr;
  if (!ec && doc.is_object())
    if (auto* c = doc.as_object().if_contains("critical"); c && c->is_object())
      if (auto* i = c->as_object().if_contains("image"); i && i->is_object())
        named = i->as_object().if_contains("docker-manifest-digest");
  if (!named || !named->is_string()) return std::string("the signature payload is not a simple-signing document");
  if (named->as_string() != digest)
    return "the signature is for " + std::string(named->as_string()) + ", not this digest";
  if (!key.verifies(payload, signature_b64)) return std::string("the signature does not verify with the trusted key");
  return std::nullopt;
}

}  // namespace ocimirror::transfer::cosign
