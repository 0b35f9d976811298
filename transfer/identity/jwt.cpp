#include "transfer/identity/jwt.hpp"

#include "transfer/oci/base64.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <boost/json.hpp>

#include <cctype>
#include <stdexcept>

namespace ocimirror::transfer::identity {
namespace json = boost::json;

namespace {
struct bio_free {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct x509_free {
  void operator()(X509* c) const noexcept { X509_free(c); }
};

std::unique_ptr<BIO, bio_free> bio_of(std::string_view text) {
  return std::unique_ptr<BIO, bio_free>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}
}  // namespace

private_key read_rsa_key(std::string_view pem) {
  if (pem.size() > (1u << 20)) return nullptr;
  auto bio = bio_of(pem);
  // An empty passphrase callback: an encrypted key fails here instead of prompting on a terminal.
  auto* key = PEM_read_bio_PrivateKey(
      bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr);
  if (!key) return nullptr;
  private_key out(key, EVP_PKEY_free);
  if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA || EVP_PKEY_get_bits(key) < 2048) return nullptr;
  return out;
}

std::string base64url(std::string_view bytes) {
  std::string s = base64_encode(bytes);
  for (auto& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string s(text);
  for (int pad = 0; pad < 2 && !s.empty() && s.back() == '='; ++pad) s.pop_back();  // padding is allowed, at the end
  for (auto& c : s) {
    if (c == '+' || c == '/' || c == '=' || std::isspace(static_cast<unsigned char>(c))) return std::nullopt;
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (s.size() % 4) s += '=';
  return base64_decode(s);
}

std::string sign_rs256(json::object header, const json::object& claims, evp_pkey_st* key) {
  header["alg"] = "RS256";
  header["typ"] = "JWT";
  const std::string input = base64url(json::serialize(header)) + "." + base64url(json::serialize(claims));
  std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) != 1)
    throw std::runtime_error("cannot sign with the RSA key");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data, input.size()) != 1)
    throw std::runtime_error("cannot sign with the RSA key");
  sig.resize(len);
  return input + "." + base64url(sig);
}

std::optional<json::object> jwt_claims(std::string_view token) {
  const auto a = token.find('.');
  const auto b = a == std::string_view::npos ? a : token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos || token.size() > (64u << 10))
    return std::nullopt;
  auto payload = base64url_decode(token.substr(a + 1, b - a - 1));
  if (!payload) return std::nullopt;
  boost::system::error_code ec;
  auto doc = json::parse(*payload, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  return std::move(doc.as_object());
}

std::optional<std::int64_t> jwt_expiry(std::string_view token) {
  auto claims = jwt_claims(token);
  if (!claims) return std::nullopt;
  const auto* exp = claims->if_contains("exp");
  if (!exp) return std::nullopt;
  if (exp->is_int64()) return exp->as_int64();
  if (exp->is_uint64() && exp->as_uint64() < (1ull << 62)) return static_cast<std::int64_t>(exp->as_uint64());
  if (exp->is_double() && exp->as_double() > 0 && exp->as_double() < 1e15)
    return static_cast<std::int64_t>(exp->as_double());
  return std::nullopt;
}

std::optional<thumbprints> certificate_thumbprints(std::string_view pem) {
  auto bio = bio_of(pem);
  std::unique_ptr<X509, x509_free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return std::nullopt;
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  if (len <= 0) return std::nullopt;
  const std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return thumbprints{base64url(digest(EVP_sha1(), bytes)), base64url(digest(EVP_sha256(), bytes))};
}

}  // namespace ocimirror::transfer::identity
