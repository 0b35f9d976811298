#include "transfer/identity/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

using namespace ocimirror::transfer::identity;
namespace json = boost::json;

namespace {
using pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using x509 = std::unique_ptr<X509, decltype(&X509_free)>;

pkey rsa_key(unsigned bits) { return pkey(EVP_RSA_gen(bits), EVP_PKEY_free); }

/// One RSA-2048 key for the whole suite: generating it takes a while.
EVP_PKEY* shared_rsa() {
  static pkey key = rsa_key(2048);
  return key.get();
}

std::string drain(BIO* b) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

/// PKCS#8 ("BEGIN PRIVATE KEY"), optionally encrypted with a passphrase.
std::string pkcs8_pem(EVP_PKEY* key, const char* passphrase = nullptr) {
  bio b(BIO_new(BIO_s_mem()), BIO_free);
  if (passphrase) {
    std::string pass(passphrase);
    PEM_write_bio_PrivateKey(b.get(), key, EVP_aes_256_cbc(), reinterpret_cast<unsigned char*>(pass.data()),
                             static_cast<int>(pass.size()), nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey(b.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  return drain(b.get());
}

/// The traditional form: PKCS#1 "BEGIN RSA PRIVATE KEY" for an RSA key, optionally encrypted (Proc-Type/DEK-Info).
std::string traditional_pem(EVP_PKEY* key, const char* passphrase = nullptr) {
  bio b(BIO_new(BIO_s_mem()), BIO_free);
  if (passphrase) {
    std::string pass(passphrase);
    PEM_write_bio_PrivateKey_traditional(b.get(), key, EVP_aes_128_cbc(), reinterpret_cast<unsigned char*>(pass.data()),
                                         static_cast<int>(pass.size()), nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey_traditional(b.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  return drain(b.get());
}

/// A self-signed certificate for key, PEM.
std::string certificate_pem(EVP_PKEY* key, x509* keep = nullptr) {
  x509 cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4242);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key);
  auto* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("ocimirror test"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  X509_sign(cert.get(), key, EVP_sha256());
  bio b(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(b.get(), cert.get());
  if (keep) *keep = std::move(cert);
  return drain(b.get());
}

/// Standard base64 turned into unpadded base64url, independently of the code under test.
std::string reference_base64url(const unsigned char* data, std::size_t len) {
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(n));
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

bool verifies(EVP_PKEY* key, const std::string& signing_input, const std::string& signature) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  EVP_PKEY_CTX* pctx = EVP_MD_CTX_get_pkey_ctx(ctx.get());
  if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
}

/// A token with the given payload text between an arbitrary header and signature.
std::string token_with(const std::string& payload_json) {
  return base64url(R"({"alg":"RS256"})") + "." + base64url(payload_json) + ".c2ln";
}

struct parts {
  std::string header, claims, signature;
};
parts split3(const std::string& t) {
  const auto a = t.find('.'), b = t.find('.', a + 1);
  return {t.substr(0, a), t.substr(a + 1, b - a - 1), t.substr(b + 1)};
}
}  // namespace

TEST(JwtSign, Rs256VerifiesWithThePublicKeyForBothPemForms) {
  for (const auto& pem : {pkcs8_pem(shared_rsa()), traditional_pem(shared_rsa())}) {
    auto key = read_rsa_key(pem);
    ASSERT_TRUE(key) << pem.substr(0, 40);
    const json::object claims{{"iss", "12345"}, {"iat", 1700000000}, {"exp", 1700000600}};
    const auto token = sign_rs256(json::object{{"x5t", "abc"}}, claims, key.get());
    const auto p = split3(token);
    ASSERT_EQ(std::count(token.begin(), token.end(), '.'), 2);
    EXPECT_EQ(token.find_first_of("+/= \r\n"), std::string::npos) << "base64url, unpadded";
    auto header = base64url_decode(p.header);
    ASSERT_TRUE(header);
    const auto h = json::parse(*header).as_object();
    EXPECT_EQ(h.at("alg").as_string(), "RS256");
    EXPECT_EQ(h.at("typ").as_string(), "JWT");
    EXPECT_EQ(h.at("x5t").as_string(), "abc") << "the caller's header fields stay";
    auto body = base64url_decode(p.claims);
    ASSERT_TRUE(body);
    EXPECT_EQ(json::parse(*body).as_object(), claims);
    auto sig = base64url_decode(p.signature);
    ASSERT_TRUE(sig);
    EXPECT_EQ(sig->size(), 256u) << "RSA-2048: a 256-byte signature";
    // Verified with the public key alone, as the token service does.
    EXPECT_TRUE(verifies(shared_rsa(), p.header + "." + p.claims, *sig));
    EXPECT_FALSE(verifies(shared_rsa(), p.header + "." + p.claims + "x", *sig));
  }
}

TEST(JwtSign, CallerCannotChooseTheAlgorithm) {
  auto key = read_rsa_key(pkcs8_pem(shared_rsa()));
  ASSERT_TRUE(key);
  const auto token = sign_rs256(json::object{{"alg", "none"}, {"typ", "other"}}, json::object{}, key.get());
  const auto h = json::parse(*base64url_decode(split3(token).header)).as_object();
  EXPECT_EQ(h.at("alg").as_string(), "RS256");
  EXPECT_EQ(h.at("typ").as_string(), "JWT");
  EXPECT_EQ(split3(token).claims, base64url("{}"));
}

TEST(JwtReadKey, RefusesWhatIsNotAnUnencryptedRsaKeyOfAtLeast2048Bits) {
  EXPECT_TRUE(read_rsa_key(pkcs8_pem(shared_rsa())));
  const auto pkcs1 = traditional_pem(shared_rsa());
  EXPECT_NE(pkcs1.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  EXPECT_TRUE(read_rsa_key(pkcs1));

  pkey ec(EVP_EC_gen("P-256"), EVP_PKEY_free);
  ASSERT_TRUE(ec);
  EXPECT_FALSE(read_rsa_key(pkcs8_pem(ec.get()))) << "an EC key";
  EXPECT_FALSE(read_rsa_key(traditional_pem(ec.get()))) << "an EC key (BEGIN EC PRIVATE KEY)";

  auto small = rsa_key(1024);
  ASSERT_TRUE(small);
  EXPECT_FALSE(read_rsa_key(pkcs8_pem(small.get()))) << "RSA-1024 is too weak";
  EXPECT_FALSE(read_rsa_key(traditional_pem(small.get())));

  // Encrypted keys are refused without prompting (the test would hang on a prompt).
  EXPECT_FALSE(read_rsa_key(pkcs8_pem(shared_rsa(), "secret")));
  const auto legacy_encrypted = traditional_pem(shared_rsa(), "secret");
  EXPECT_NE(legacy_encrypted.find("ENCRYPTED"), std::string::npos);
  EXPECT_FALSE(read_rsa_key(legacy_encrypted));

  EXPECT_FALSE(read_rsa_key(""));
  EXPECT_FALSE(read_rsa_key("garbage"));
  EXPECT_FALSE(read_rsa_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
  EXPECT_FALSE(read_rsa_key("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"));
  auto good = pkcs8_pem(shared_rsa());
  EXPECT_FALSE(read_rsa_key(good.substr(0, good.size() / 2))) << "a truncated key";
  EXPECT_FALSE(read_rsa_key(std::string(2u << 20, 'A'))) << "a huge text";
  EXPECT_FALSE(read_rsa_key(std::string("\0\0\0\0", 4)));
  // A certificate alone holds no private key.
  EXPECT_FALSE(read_rsa_key(certificate_pem(shared_rsa())));
}

TEST(JwtReadKey, ReadsTheKeyOfACertificateAndKeyPemInEitherOrder) {
  // An Azure client certificate file: the certificate and its key in one PEM, in whichever order.
  const auto cert = certificate_pem(shared_rsa()), key = pkcs8_pem(shared_rsa());
  EXPECT_TRUE(read_rsa_key(key + cert));
  EXPECT_TRUE(read_rsa_key(cert + key));
  EXPECT_TRUE(certificate_thumbprints(key + cert));
  EXPECT_TRUE(certificate_thumbprints(cert + key));
}

TEST(JwtBase64url, RoundTripsAndRefusesStandardAlphabet) {
  EXPECT_EQ(base64url(""), "");
  EXPECT_EQ(base64url("f"), "Zg");
  EXPECT_EQ(base64url("fo"), "Zm8");
  EXPECT_EQ(base64url("foo"), "Zm9v");
  EXPECT_EQ(base64url("\xfb\xff"), "-_8") << "standard base64 is +/8=";
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); ++n) {
    const auto enc = base64url(all.substr(0, n));
    ASSERT_EQ(enc.find_first_of("+/="), std::string::npos) << n;
    auto dec = base64url_decode(enc);
    ASSERT_TRUE(dec) << n;
    ASSERT_EQ(*dec, all.substr(0, n)) << n;
  }
  EXPECT_EQ(base64url_decode("Zg=="), "f") << "padded is accepted too";
  EXPECT_EQ(base64url_decode("Zg="), "f");
  EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff");
  EXPECT_FALSE(base64url_decode("+/8")) << "standard alphabet refused";
  EXPECT_FALSE(base64url_decode("-_8+"));
  EXPECT_FALSE(base64url_decode("ab/c"));
  EXPECT_FALSE(base64url_decode("Z")) << "one character is no byte";
  EXPECT_FALSE(base64url_decode("Zg==Zg")) << "padding in the middle";
  EXPECT_FALSE(base64url_decode("Zm9v!"));
  EXPECT_FALSE(base64url_decode("Zm 9v"));
  EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4)));
}

TEST(JwtBase64url, RefusesLineBreaks) {
  // "nullopt for anything but unpadded (or padded) base64url": base64_decode skips line breaks, and the padding
  // base64url_decode adds counts them, so some texts with CR/LF inside still decode.
  EXPECT_FALSE(base64url_decode("YWJj\r\n\r\n"));
  EXPECT_FALSE(base64url_decode("Y\n\n\n\nWJj"));
  EXPECT_FALSE(base64url_decode("YW\r\nJj"));
}

TEST(JwtClaims, ReadsTheMiddlePartUnverified) {
  const auto t = token_with(R"({"exp":1700000000,"tid":"tenant-1","iss":"x"})");
  auto claims = jwt_claims(t);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->at("tid").as_string(), "tenant-1");
  EXPECT_EQ(jwt_expiry(t), 1700000000);
  // A real signed token reads back too.
  auto key = read_rsa_key(pkcs8_pem(shared_rsa()));
  const auto signed_token = sign_rs256({}, json::object{{"exp", 1800000000}}, key.get());
  EXPECT_EQ(jwt_expiry(signed_token), 1800000000);
  EXPECT_EQ(jwt_expiry(token_with(R"({"exp":1700000000.9})")), 1700000000) << "a number that is a double";
  EXPECT_EQ(jwt_claims(base64url("{}") + "." + base64url(R"({"a":1})") + "."), json::object({{"a", 1}}))
      << "an empty signature (alg none) is still three parts";
}

TEST(JwtClaims, RefusesMalformedTokens) {
  const auto payload = base64url(R"({"exp":1700000000})");
  EXPECT_FALSE(jwt_claims("")) << "empty";
  EXPECT_FALSE(jwt_claims("abc")) << "one part";
  EXPECT_FALSE(jwt_claims("aGVhZA." + payload)) << "two parts";
  EXPECT_FALSE(jwt_claims("aGVhZA." + payload + ".c2ln.ZXh0cmE")) << "four parts (a JWE has five)";
  EXPECT_FALSE(jwt_claims("aGVhZA." + payload + ".c2ln.")) << "a trailing dot";
  EXPECT_FALSE(jwt_claims("aGVhZA..c2ln")) << "empty claims";
  EXPECT_FALSE(jwt_claims("..")) << "empty everything";
  EXPECT_FALSE(jwt_claims(token_with("[1,2,3]"))) << "an array";
  EXPECT_FALSE(jwt_claims(token_with("\"exp\""))) << "a string";
  EXPECT_FALSE(jwt_claims(token_with("1700000000"))) << "a number";
  EXPECT_FALSE(jwt_claims(token_with("null")));
  EXPECT_FALSE(jwt_claims(token_with(R"({"exp":1)"))) << "truncated JSON";
  EXPECT_FALSE(jwt_claims(token_with(R"({"exp":1} trailing)")));
  EXPECT_FALSE(jwt_claims("aGVhZA.eyJleHAiOjF9+/.c2ln")) << "standard base64 in the claims";
  EXPECT_FALSE(jwt_claims("aGVhZA.!!!!.c2ln"));
  EXPECT_FALSE(jwt_claims(token_with(R"({"pad":")" + std::string(70000, 'x') + R"("})"))) << "over 64 KiB";
  EXPECT_FALSE(jwt_expiry("not a token"));
}

TEST(JwtClaims, ExpiryOnlyFromASaneNumber) {
  EXPECT_FALSE(jwt_expiry(token_with(R"({"iat":1})"))) << "no exp";
  EXPECT_FALSE(jwt_expiry(token_with(R"({"exp":"1700000000"})"))) << "exp as a string";
  EXPECT_FALSE(jwt_expiry(token_with(R"({"exp":null})")));
  EXPECT_FALSE(jwt_expiry(token_with(R"({"exp":true})")));
  EXPECT_FALSE(jwt_expiry(token_with(R"({"exp":[1700000000]})")));
  EXPECT_FALSE(jwt_expiry(token_with(R"({"exp":{"at":1}})")));
  EXPECT_FALSE(jwt_expiry(token_with(R"({"exp":1e300})"))) << "a double beyond any time";
  EXPECT_FALSE(jwt_expiry(token_with(R"({"exp":-1e300})")));
  EXPECT_FALSE(jwt_expiry(token_with(R"({"exp":18446744073709551615})"))) << "a uint64 beyond int64";
  EXPECT_FALSE(jwt_expiry(token_with(R"({"exp":9223372036854775808})")));
  EXPECT_FALSE(jwt_expiry(token_with(R"({"exp":1e400})"))) << "infinity does not parse";
  // An int64, however large, comes back as is: the caller clamps it (no overflow, no UB here).
  EXPECT_EQ(jwt_expiry(token_with(R"({"exp":9223372036854775807})")), INT64_MAX);
  EXPECT_EQ(jwt_expiry(token_with(R"({"exp":0})")), 0);
}

TEST(JwtThumbprints, AreTheSha1AndSha256OfTheCertificateDer) {
  x509 cert(nullptr, X509_free);
  const auto pem = certificate_pem(shared_rsa(), &cert);
  ASSERT_TRUE(cert);
  // `openssl x509 -fingerprint -sha1` prints X509_digest(cert, sha1): the SHA-1 of the DER encoding.
  unsigned char sha1[EVP_MAX_MD_SIZE], sha256[EVP_MAX_MD_SIZE];
  unsigned len1 = 0, len256 = 0;
  ASSERT_EQ(X509_digest(cert.get(), EVP_sha1(), sha1, &len1), 1);
  ASSERT_EQ(X509_digest(cert.get(), EVP_sha256(), sha256, &len256), 1);
  ASSERT_EQ(len1, 20u);
  // The same, computed over the DER by hand.
  unsigned char* der = nullptr;
  const int der_len = i2d_X509(cert.get(), &der);
  ASSERT_GT(der_len, 0);
  unsigned char by_hand[EVP_MAX_MD_SIZE];
  unsigned by_hand_len = 0;
  EVP_Digest(der, static_cast<std::size_t>(der_len), by_hand, &by_hand_len, EVP_sha1(), nullptr);
  OPENSSL_free(der);
  ASSERT_EQ(std::string(reinterpret_cast<char*>(by_hand), by_hand_len),
            std::string(reinterpret_cast<char*>(sha1), len1));

  auto t = certificate_thumbprints(pem);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->sha1, reference_base64url(sha1, len1));
  EXPECT_EQ(t->sha256, reference_base64url(sha256, len256));
  EXPECT_EQ(t->sha1.size(), 27u);
  EXPECT_EQ(t->sha256.size(), 43u);
  // The first certificate of a chain names it.
  const auto other = certificate_pem(shared_rsa());
  auto first = certificate_thumbprints(pem + other);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->sha1, t->sha1);
}

TEST(JwtThumbprints, NoneWithoutACertificate) {
  EXPECT_FALSE(certificate_thumbprints(""));
  EXPECT_FALSE(certificate_thumbprints("garbage"));
  EXPECT_FALSE(certificate_thumbprints(pkcs8_pem(shared_rsa()))) << "a key is no certificate";
  EXPECT_FALSE(certificate_thumbprints("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
  const auto pem = certificate_pem(shared_rsa());
  EXPECT_FALSE(certificate_thumbprints(pem.substr(0, pem.size() / 2))) << "truncated";
}
