#include "transfer/sigstore/ossl.hpp"

#include <openssl/pem.h>
#include <openssl/sha.h>

#include <charconv>
#include <ctime>

namespace ocimirror::transfer::sigstore {

x509_ptr parse_certificate(std::string_view der) {
  auto p = reinterpret_cast<const unsigned char*>(der.data());
  X509* c = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (c && p != reinterpret_cast<const unsigned char*>(der.data() + der.size())) {
    X509_free(c);
    c = nullptr;
  }
  return x509_ptr(c, X509_free);
}

pkey_ptr parse_public_key(std::string_view der) {
  auto p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (k && p != reinterpret_cast<const unsigned char*>(der.data() + der.size())) {
    EVP_PKEY_free(k);
    k = nullptr;
  }
  return pkey_ptr(k, EVP_PKEY_free);
}

pkey_ptr parse_pem_key(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!k)
    if (auto certs = parse_pem_certificates(pem); certs.size() == 1) k = X509_get_pubkey(certs.front().get());
  return pkey_ptr(k, EVP_PKEY_free);
}

std::vector<x509_ptr> parse_pem_certificates(std::string_view pem) {
  std::vector<x509_ptr> out;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  while (X509* c = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) out.emplace_back(c, X509_free);
  BIO_free(bio);
  return out;
}

std::string der_of(X509* cert) {
  unsigned char* buf = nullptr;
  const int n = i2d_X509(cert, &buf);
  std::string out = n > 0 ? std::string(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n)) : std::string();
  OPENSSL_free(buf);
  return out;
}

std::string der_of(EVP_PKEY* key) {
  unsigned char* buf = nullptr;
  const int n = i2d_PUBKEY(key, &buf);
  std::string out = n > 0 ? std::string(reinterpret_cast<char*>(buf), static_cast<std::size_t>(n)) : std::string();
  OPENSSL_free(buf);
  return out;
}

std::string sha256_raw(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string to_hex(std::string_view raw) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

namespace {
bool verifies_with(EVP_PKEY* key, const EVP_MD* md, std::string_view data, std::string_view sig) {
  owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}
}  // namespace

bool verifies(EVP_PKEY* key, std::string_view data, std::string_view sig) {
  if (!key) return false;
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519) return verifies_with(key, nullptr, data, sig);
  if (verifies_with(key, EVP_sha256(), data, sig)) return true;
  // A P-384 or P-521 key signs with the hash of its size where Sigstore's key details say so (P384_SHA_384).
  const int bits = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? EVP_PKEY_get_bits(key) : 0;
  return (bits == 384 && verifies_with(key, EVP_sha384(), data, sig)) ||
         (bits == 521 && verifies_with(key, EVP_sha512(), data, sig));
}

bool verifies_digest(EVP_PKEY* key, std::string_view sha256, std::string_view sig) {
  if (!key || EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 || sha256.size() != SHA256_DIGEST_LENGTH) return false;
  owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new(key, nullptr));
  return ctx && EVP_PKEY_verify_init(ctx.get()) == 1 && EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) == 1 &&
         EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                         reinterpret_cast<const unsigned char*>(sha256.data()), sha256.size()) == 1;
}

std::string describe(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC:
      return "ECDSA P-" + std::to_string(EVP_PKEY_get_bits(key));
    case EVP_PKEY_RSA:
      return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
    case EVP_PKEY_ED25519:
      return "Ed25519";
    default:
      return "an unsupported key type";
  }
}

std::optional<std::int64_t> epoch_of(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string rfc3339(std::int64_t epoch) {
  const std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {
bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  auto r = std::from_chars(s.data() + at, s.data() + at + n, out);
  return r.ec == std::errc() && r.ptr == s.data() + at + n;
}
}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  std::tm tm{};
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' ||
      !digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d) || !digits(s, 11, 2, h) ||
      !digits(s, 14, 2, mi) || !digits(s, 17, 2, sec) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      sec > 60)
    return std::nullopt;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int oh, om;
    if (!digits(s, i + 1, 2, oh) || !digits(s, i + 4, 2, om)) return std::nullopt;
    offset = (s[i] == '+' ? 1 : -1) * (std::int64_t{oh} * 3600 + std::int64_t{om} * 60);
    i += 6;
  }
  if (i != s.size()) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

}  // namespace ocimirror::transfer::sigstore
