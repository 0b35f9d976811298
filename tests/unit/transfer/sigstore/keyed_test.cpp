// Keyed cosign signatures (`cosign sign --key`): ECDSA as cosign generates, RSA and Ed25519 as users bring them.
#include "tests/support/signing.hpp"
#include "transfer/oci/base64.hpp"
#include "transfer/sigstore/verify.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>

using namespace ocimirror::transfer;
using namespace ocimirror::transfer::sigstore;

namespace {

const std::string subject = "sha256:" + std::string(64, 'a');
const std::string other = "sha256:" + std::string(64, '1');

trust keyed(const std::string& pem) {
  trust t;
  t.keys.push_back({"cosign.pub", *parse_trusted_key(pem)});
  return t;
}

std::vector<std::pair<std::string, std::string>> signed_with(const std::string& b64) {
  return {{"dev.cosignproject.cosign/signature", b64}};
}

/// A generated key of another type, its public PEM, and signatures as cosign makes them (Ed25519 over the payload).
struct other_key {
  owned<EVP_PKEY> key;
  explicit other_key(EVP_PKEY* k) : key(k) {}
  std::string public_pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key.get());
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
  }
  std::string sign(const std::string& data) const {
    owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    const bool ed = EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_ED25519;
    std::size_t len = 0;
    EVP_DigestSignInit(ctx.get(), nullptr, ed ? nullptr : EVP_sha256(), nullptr, key.get());
    EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(data.data()), data.size());
    sig.resize(len);
    return base64_encode(sig);
  }
};

}  // namespace

TEST(SigstoreKeyed, VerifiesOnlyTheRightDigestUnderTheRightKey) {
  ocimirror::testing::signing_key key, stranger;
  const auto t = keyed(key.public_pem());
  const auto payload = ocimirror::testing::simple_signing_payload("reg/app", subject);
  auto v = verify_cosign(payload, signed_with(key.sign(payload)), subject, t, 0);
  EXPECT_TRUE(v) << v.reason;
  EXPECT_EQ(v.key, "cosign.pub");
  EXPECT_EQ(verify_cosign(payload, signed_with(stranger.sign(payload)), subject, t, 0).why, refusal::key);
  v = verify_cosign(payload, signed_with(key.sign(payload)), other, t, 0);
  EXPECT_EQ(v.why, refusal::artifact);
  EXPECT_NE(v.reason.find("is for " + subject), std::string::npos) << v.reason;
  auto tampered = payload;
  tampered.insert(tampered.size() - 1, " ");
  EXPECT_EQ(verify_cosign(tampered, signed_with(key.sign(payload)), subject, t, 0).why, refusal::key);
  EXPECT_EQ(verify_cosign("not json", signed_with(key.sign("not json")), subject, t, 0).why, refusal::malformed);
  // A keyless policy does not take a keyed signature, and a keyed one does not take a keyless one.
  EXPECT_EQ(verify_cosign(payload, signed_with(key.sign(payload)), subject, trust{}, 0).why, refusal::key);
}

TEST(SigstoreKeyed, RsaAndEd25519KeysAsUsersBringThem) {
  const auto payload = ocimirror::testing::simple_signing_payload("reg/app", subject);
  other_key rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072}));
  other_key ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  auto v = verify_cosign(payload, signed_with(rsa.sign(payload)), subject, keyed(rsa.public_pem()), 0);
  EXPECT_TRUE(v) << v.reason;
  v = verify_cosign(payload, signed_with(ed.sign(payload)), subject, keyed(ed.public_pem()), 0);
  EXPECT_TRUE(v) << v.reason;
  // Several keys: the one that verifies is named.
  auto both = keyed(rsa.public_pem());
  both.keys.push_back({"ed.pub", *parse_trusted_key(ed.public_pem())});
  v = verify_cosign(payload, signed_with(ed.sign(payload)), subject, both, 0);
  EXPECT_EQ(v.key, "ed.pub");
}

TEST(SigstoreKeyed, KeysThatAreNotTrustworthyAreRefusedWithWhy) {
  EXPECT_EQ(parse_trusted_key("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n").error(),
            "not a PEM public key");
  other_key weak(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  EXPECT_EQ(parse_trusted_key(weak.public_pem()).error(), "an RSA 1024 key: too short (2048 bits or more)");
}
