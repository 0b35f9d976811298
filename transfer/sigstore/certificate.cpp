#include "transfer/sigstore/certificate.hpp"

#include <openssl/ct.h>
#include <openssl/x509v3.h>

namespace ocimirror::transfer::sigstore {

namespace {

/// The contents of the extension with this dotted OID, or nullopt.
std::optional<std::string> extension(X509* cert, const char* oid) {
  ASN1_OBJECT* obj = OBJ_txt2obj(oid, 1);
  const int at = obj ? X509_get_ext_by_OBJ(cert, obj, -1) : -1;
  ASN1_OBJECT_free(obj);
  if (at < 0) return std::nullopt;
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, at));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<std::size_t>(ASN1_STRING_length(data)));
}

/// Fulcio's newer extensions hold a DER UTF8String; the legacy ones (.1.1 to .1.6) the raw bytes.
std::optional<std::string> utf8_extension(X509* cert, const char* oid) {
  auto raw = extension(cert, oid);
  if (!raw) return std::nullopt;
  auto p = reinterpret_cast<const unsigned char*>(raw->data());
  ASN1_UTF8STRING* s = d2i_ASN1_UTF8STRING(nullptr, &p, static_cast<long>(raw->size()));
  if (!s) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                  static_cast<std::size_t>(ASN1_STRING_length(s)));
  ASN1_UTF8STRING_free(s);
  return out;
}

std::string san_of(X509* cert) {
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  std::string out;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names) && out.empty(); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    const ASN1_STRING* s = nullptr;
    if (n->type == GEN_EMAIL || n->type == GEN_URI) s = n->d.ia5;
    if (n->type == GEN_OTHERNAME && n->d.otherName->value->type == V_ASN1_UTF8STRING)
      s = n->d.otherName->value->value.utf8string;  // Fulcio's username identities (1.3.6.1.4.1.57264.1.7)
    if (s)
      out.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                 static_cast<std::size_t>(ASN1_STRING_length(s)));
  }
  GENERAL_NAMES_free(names);
  return out;
}

bool code_signing(X509* cert) {
  auto* eku = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr));
  bool ok = false;
  for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku); ++i)
    ok |= OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == NID_code_sign;
  EXTENDED_KEY_USAGE_free(eku);
  return ok;
}

}  // namespace

identity identity_of(X509* cert) {
  identity id;
  id.subject = san_of(cert);
  if (auto v = utf8_extension(cert, "1.3.6.1.4.1.57264.1.8"))
    id.issuer = *v;
  else if (auto legacy = extension(cert, "1.3.6.1.4.1.57264.1.1"))
    id.issuer = *legacy;
  // Fulcio's GitHub Actions claims: the new UTF8String extensions first, the legacy raw ones when absent.
  static constexpr struct {
    const char *name, *oid, *legacy;
  } claims[] = {
      {"trigger", "1.3.6.1.4.1.57264.1.20", "1.3.6.1.4.1.57264.1.2"},
      {"sha", "1.3.6.1.4.1.57264.1.13", "1.3.6.1.4.1.57264.1.3"},
      {"workflow", nullptr, "1.3.6.1.4.1.57264.1.4"},
      {"repository", nullptr, "1.3.6.1.4.1.57264.1.5"},
      {"ref", "1.3.6.1.4.1.57264.1.14", "1.3.6.1.4.1.57264.1.6"},
      {"source_repository_uri", "1.3.6.1.4.1.57264.1.12", nullptr},
      {"build_signer_uri", "1.3.6.1.4.1.57264.1.9", nullptr},
      {"runner_environment", "1.3.6.1.4.1.57264.1.11", nullptr},
  };
  for (const auto& c : claims) {
    std::optional<std::string> v;
    if (c.oid) v = utf8_extension(cert, c.oid);
    if (!v && c.legacy) v = extension(cert, c.legacy);
    if (v) id.claims[c.name] = *v;
  }
  return id;
}

std::optional<validity> validity_of(X509* cert) {
  auto from = epoch_of(X509_get0_notBefore(cert)), until = epoch_of(X509_get0_notAfter(cert));
  if (!from || !until) return std::nullopt;
  return validity{*from, *until};
}

boost::system::result<x509_ptr, std::string> verify_chain(const trusted_root& root, X509* leaf, std::int64_t t) {
  if (!code_signing(leaf)) return std::string("the signing certificate is not a code-signing certificate");
  if (X509_check_ca(leaf) != 0) return std::string("the signing certificate is a CA certificate");
  std::string why = "no Fulcio CA in the trusted root was valid at " + rfc3339(t);
  for (const auto& ca : root.cas) {
    if (!ca.valid.contains(t)) continue;
    owned<X509_STORE> store(X509_STORE_new());
    owned<STACK_OF(X509)> untrusted(sk_X509_new_null());
    X509_STORE_add_cert(store.get(), ca.chain.back().get());
    for (std::size_t i = 0; i + 1 < ca.chain.size(); ++i) sk_X509_push(untrusted.get(), ca.chain[i].get());
    owned<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
    if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1) continue;
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(t));
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_USE_CHECK_TIME);
    if (X509_verify_cert(ctx.get()) == 1) {
      STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
      X509* issuer = sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : leaf;
      X509_up_ref(issuer);
      return x509_ptr(issuer, X509_free);
    }
    why = std::string("the signing certificate does not chain to the trusted Fulcio CA at ") + rfc3339(t) + ": " +
          X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  }
  return why;
}

namespace {

/// RFC 6962 §3.2: what a CT log signed for a precertificate entry, rebuilt from the final certificate as OpenSSL's
/// SCT_CTX does (a copy without the SCT list, its TBSCertificate re-encoded). OpenSSL's SCT_validate would do this
/// itself, but needs a CTLOG_STORE, which OpenSSL 3.0 fills only from a file; this verifier reads no files.
std::optional<std::string> sct_signed_data(const SCT* sct, X509* leaf, X509* issuer) {
  owned<X509> tbs_cert(X509_dup(leaf));
  if (!tbs_cert) return std::nullopt;
  const int at = X509_get_ext_by_NID(tbs_cert.get(), NID_ct_precert_scts, -1);
  if (at < 0) return std::nullopt;
  X509_EXTENSION_free(X509_delete_ext(tbs_cert.get(), at));
  unsigned char* tbs = nullptr;
  const int tbs_len = i2d_re_X509_tbs(tbs_cert.get(), &tbs);
  if (tbs_len <= 0) return std::nullopt;
  const std::string tbs_der(reinterpret_cast<char*>(tbs), static_cast<std::size_t>(tbs_len));
  OPENSSL_free(tbs);
  unsigned char* ext = nullptr;
  const std::size_t ext_len = SCT_get0_extensions(sct, &ext);
  std::string out;
  out += static_cast<char>(SCT_get_version(sct));
  out += '\0';  // signature_type: certificate_timestamp
  const std::uint64_t ts = SCT_get_timestamp(sct);
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((ts >> shift) & 0xff);
  out += std::string("\0\1", 2);  // entry_type: precert_entry
  out += sha256_raw(der_of(X509_get0_pubkey(issuer)));
  for (int shift = 16; shift >= 0; shift -= 8) out += static_cast<char>((tbs_der.size() >> shift) & 0xff);
  out += tbs_der;
  out += static_cast<char>((ext_len >> 8) & 0xff);
  out += static_cast<char>(ext_len & 0xff);
  out.append(reinterpret_cast<const char*>(ext), ext_len);
  return out;
}

}  // namespace

std::optional<std::string> verify_sct(const trusted_root& root, X509* leaf, X509* issuer) {
  auto* scts = static_cast<STACK_OF(SCT)*>(X509_get_ext_d2i(leaf, NID_ct_precert_scts, nullptr, nullptr));
  if (!scts) return std::string("the signing certificate has no embedded SCT");
  std::string why = "no SCT of the signing certificate is from a CT log in the trusted root";
  for (int i = 0; i < sk_SCT_num(scts); ++i) {
    const SCT* sct = sk_SCT_value(scts, i);
    unsigned char* id = nullptr;
    const std::size_t id_len = SCT_get0_log_id(sct, &id);
    const log_key* log = root.ctlog_by_id(std::string_view(reinterpret_cast<char*>(id), id_len));
    // An SCT counts from a log the root trusted when it was issued (its timestamp is in milliseconds).
    const auto issued = static_cast<std::int64_t>(SCT_get_timestamp(sct) / 1000);
    if (!log || SCT_get_version(sct) != SCT_VERSION_V1 || !log->valid.contains(issued)) continue;
    unsigned char* sig = nullptr;
    const std::size_t sig_len = SCT_get0_signature(sct, &sig);
    auto data = sct_signed_data(sct, leaf, issuer);
    if (data && verifies(log->key.get(), *data, std::string_view(reinterpret_cast<char*>(sig), sig_len))) {
      SCT_LIST_free(scts);
      return std::nullopt;
    }
    why = "the embedded SCT does not verify with the key of CT log " + log->base_url;
  }
  SCT_LIST_free(scts);
  return why;
}

}  // namespace ocimirror::transfer::sigstore
