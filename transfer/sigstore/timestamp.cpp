#include "transfer/sigstore/timestamp.hpp"

#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

namespace ocimirror::transfer::sigstore {

namespace {

struct ts_free {
  void operator()(TS_RESP* p) const noexcept { TS_RESP_free(p); }
  void operator()(TS_VERIFY_CTX* p) const noexcept { TS_VERIFY_CTX_free(p); }
};

/// Verifies resp against one TSA: its root trusted, its other certificates offered, checked at `at`; with the
/// TSA's own certificate (a leaf first in its chain) as the signer when the trusted root names one.
bool verified_by(const authority& tsa, TS_RESP* resp, std::string_view signed_data, std::int64_t at) {
  std::unique_ptr<TS_VERIFY_CTX, ts_free> ctx(TS_VERIFY_CTX_new());
  X509_STORE* store = X509_STORE_new();
  STACK_OF(X509)* certs = sk_X509_new_null();
  BIO* data = BIO_new_mem_buf(signed_data.data(), static_cast<int>(signed_data.size()));
  if (!ctx || !store || !certs || !data) {
    X509_STORE_free(store);
    sk_X509_free(certs);
    BIO_free(data);
    return false;
  }
  X509_STORE_add_cert(store, tsa.chain.back().get());
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), static_cast<time_t>(at));
  X509_VERIFY_PARAM_set_flags(X509_STORE_get0_param(store), X509_V_FLAG_PARTIAL_CHAIN);
  TS_VERIFY_CTX_set_store(ctx.get(), store);  // the context owns store, certs and data now
  for (std::size_t i = 0; i + 1 < tsa.chain.size(); ++i) {
    X509_up_ref(tsa.chain[i].get());
    sk_X509_push(certs, tsa.chain[i].get());
  }
  TS_VERIFY_CTX_set_certs(ctx.get(), certs);
  // The data itself, not a SHA-256 of it: OpenSSL hashes it with the imprint's own algorithm.
  TS_VERIFY_CTX_set_data(ctx.get(), data);
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_DATA);
  if (TS_RESP_verify_response(ctx.get(), resp) != 1) return false;
  X509* leaf = tsa.chain.size() > 1 && X509_check_ca(tsa.chain.front().get()) == 0 ? tsa.chain.front().get() : nullptr;
  if (!leaf) return true;
  STACK_OF(X509)* signers = PKCS7_get0_signers(TS_RESP_get_token(resp), certs, 0);
  const bool pinned = signers && sk_X509_num(signers) == 1 && X509_cmp(sk_X509_value(signers, 0), leaf) == 0;
  sk_X509_free(signers);
  return pinned;
}

/// SHA-256, SHA-384 or SHA-512: the imprints Sigstore accepts (never SHA-1 or MD5).
bool strong_imprint(TS_TST_INFO* info) {
  const X509_ALGOR* alg = TS_MSG_IMPRINT_get_algo(TS_TST_INFO_get_msg_imprint(info));
  const int nid = alg ? OBJ_obj2nid(alg->algorithm) : NID_undef;
  return nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512;
}

}  // namespace

boost::system::result<std::int64_t, std::string> verify_timestamp(const trusted_root& root, std::string_view der,
                                                                  std::string_view signature) {
  auto p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<TS_RESP, ts_free> resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));
  if (!resp || p != reinterpret_cast<const unsigned char*>(der.data() + der.size()))
    return std::string("an RFC 3161 timestamp is not a DER TimeStampResp");
  TS_TST_INFO* info = TS_RESP_get_tst_info(resp.get());
  auto when = info ? epoch_of(TS_TST_INFO_get_time(info)) : std::nullopt;
  if (!when) return std::string("an RFC 3161 timestamp has no time");
  if (!strong_imprint(info)) return std::string("an RFC 3161 timestamp hashes with neither SHA-256, -384 nor -512");
  bool any = false;
  for (const auto& tsa : root.tsas) {
    if (!tsa.valid.contains(*when)) continue;
    any = true;
    if (verified_by(tsa, resp.get(), signature, *when)) return *when;
  }
  if (!any) return "no timestamp authority in the trusted root was trusted at " + rfc3339(*when);
  return "the RFC 3161 timestamp of " + rfc3339(*when) +
         " is not from a trusted timestamp authority, or is not over this signature";
}

}  // namespace ocimirror::transfer::sigstore
