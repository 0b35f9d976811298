#include "tests/support/signing.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <stdexcept>
#include <vector>

namespace ocimirror::testing {

struct signing_key::impl {
  EVP_PKEY* key = nullptr;
  ~impl() { EVP_PKEY_free(key); }
};

signing_key::signing_key() : impl_(std::make_unique<impl>()) {
  impl_->key = EVP_EC_gen("P-256");
  if (!impl_->key) throw std::runtime_error("EVP_EC_gen failed");
}
signing_key::~signing_key() = default;

std::string signing_key::public_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, impl_->key);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string signing_key::sign(const std::string& data) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, impl_->key);
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  std::vector<unsigned char> der(len);
  EVP_DigestSign(ctx, der.data(), &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  EVP_MD_CTX_free(ctx);
  std::string b64(4 * ((len + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der.data(), static_cast<int>(len));
  b64.resize(static_cast<std::size_t>(n));
  return b64;
}

std::string simple_signing_payload(const std::string& repo, const std::string& digest) {
  return R"({"critical":{"identity":{"docker-reference":")" + repo + R"("},"image":{"docker-manifest-digest":")" +
         digest + R"("},"type":"cosign container image signature"},"optional":null})";
}

}  // namespace ocimirror::testing
