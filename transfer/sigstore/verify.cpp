// Sigstore's client verification (the "Verification" section of the Sigstore client specification), step by step:
// what is signed, who signed it, when (log entries and timestamps), that the signer was trusted then, and whether
// the policy trusts that signer.
#include "transfer/sigstore/verify.hpp"

#include "transfer/sigstore/rekor_body.hpp"
#include "transfer/sigstore/timestamp.hpp"
#include "transfer/sigstore/tlog.hpp"

#include <openssl/x509v3.h>
#include <boost/json.hpp>

namespace ocimirror::transfer::sigstore {

std::string_view to_string(refusal r) {
  switch (r) {
    case refusal::none:
      return "verified";
    case refusal::malformed:
      return "malformed";
    case refusal::no_signature:
      return "no signature";
    case refusal::key:
      return "key";
    case refusal::certificate:
      return "certificate chain";
    case refusal::time:
      return "time";
    case refusal::log_entry:
      return "log entry";
    case refusal::identity:
      return "identity";
    case refusal::artifact:
      return "artifact";
    case refusal::signature:
      return "signature";
  }
  return "unknown";
}

namespace {

constexpr std::size_t most_entries = 16;  // log entries or timestamps read from one bundle

verdict refuse(refusal why, std::string reason, verdict v = {}) {
  v.why = why;
  v.reason = std::move(reason);
  return v;
}

/// Does the in-toto statement name the artifact among its subjects?
bool statement_names(std::string_view payload, const std::string& hex) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(payload, ec);
  if (ec || !doc.is_object()) return false;
  auto* type = doc.as_object().if_contains("_type");
  auto* subjects = doc.as_object().if_contains("subject");
  if (!type || !type->is_string() || !type->as_string().starts_with("https://in-toto.io/Statement/") || !subjects ||
      !subjects->is_array())
    return false;
  for (const auto& s : subjects->as_array()) {
    auto* d = s.is_object() ? s.as_object().if_contains("digest") : nullptr;
    auto* sha = d && d->is_object() ? d->as_object().if_contains("sha256") : nullptr;
    if (sha && sha->is_string() && sha->as_string() == hex) return true;
  }
  return false;
}

bool signature_verifies(EVP_PKEY* key, const bundle& b, const artifact& a, std::string_view sig) {
  if (b.dsse) return verifies(key, pae(b.dsse->payload_type, b.dsse->payload), sig);
  return verifies_digest(key, a.sha256, sig) || (a.bytes && verifies(key, *a.bytes, sig));
}

/// Step 1: the bundle is over this artifact; returns the signature that the log and timestamps must be over.
std::optional<verdict> check_content(const bundle& b, const artifact& a, std::string& sig) {
  const std::string hex = to_hex(a.sha256);
  if (b.message) {
    if (!b.message->digest.empty() && b.message->digest != a.sha256)
      return refuse(refusal::artifact, "the bundle signs sha256:" + to_hex(b.message->digest) + ", not sha256:" + hex);
    sig = b.message->signature;
    return std::nullopt;
  }
  const auto& env = *b.dsse;
  if (env.payload_type != "application/vnd.in-toto+json")
    return refuse(refusal::artifact, "the DSSE envelope holds " + env.payload_type + ", not an in-toto statement");
  if (!statement_names(env.payload, hex))
    return refuse(refusal::artifact, "the in-toto statement's subjects do not include sha256:" + hex);
  if (env.signatures.size() != 1)
    return refuse(refusal::malformed, "the DSSE envelope has " + std::to_string(env.signatures.size()) +
                                          " signatures; a Sigstore bundle carries one");
  sig = env.signatures.front();
  return std::nullopt;
}

/// Step 3: the log entries record this signature and are proven (an entry from a log the root does not trust, or
/// whose promise does not verify, does not count; at least one must); every timestamp is trusted. Collects the
/// verified times. `leaf`: the signing certificate's validity, which every integrated time must fall in.
std::optional<verdict> check_times(const bundle& b, const artifact& a, const trust& t, const std::string& sig,
                                   const std::string& signer_der, const std::optional<validity>& leaf, verdict& v,
                                   std::vector<std::int64_t>& times) {
  const trusted_root& root = *t.root;
  if (b.tlog.size() > most_entries || b.timestamps.size() > most_entries)
    return refuse(refusal::malformed, "the bundle has more log entries or timestamps than a signature needs", v);
  const logged what{a.sha256, b.dsse ? &*b.dsse : nullptr, sig, signer_der, !b.key_hint};
  std::string skipped = "the bundle has no transparency log entry";
  int counted = 0;
  for (const auto& e : b.tlog) {
    const std::string entry = "log entry " + std::to_string(e.log_index);
    const log_key* log = root.tlog_by_id(e.log_id);
    if (!log) {
      skipped = entry + " is from a transparency log that " + t.root_file + " does not trust";
      continue;
    }
    if (auto why = entry_records(e, what)) return refuse(refusal::log_entry, *why, v);
    if (b.minor == 1 && !e.set)
      return refuse(refusal::log_entry, "a v0.1 bundle's log entry needs a signed entry timestamp", v);
    if ((b.minor >= 2 || !e.set) && !e.inclusion)
      return refuse(refusal::log_entry, entry + " has no inclusion proof", v);
    if (e.inclusion)
      if (auto why = verify_inclusion(e, *log)) return refuse(refusal::log_entry, *why, v);
    if (e.integrated_time != 0 && leaf && !leaf->contains(e.integrated_time))
      return refuse(
          refusal::time,
          entry + " was integrated at " + rfc3339(e.integrated_time) + ", outside the signing certificate's validity",
          v);
    if (e.set) {  // Rekor v1: the promise vouches for the integrated time (a v2 entry's time is a TSA's)
      if (auto why = verify_set(e, *log)) {
        skipped = *why;
        continue;
      }
      if (!log->valid.contains(e.integrated_time)) {
        skipped = "the key of " + log->base_url + " was not trusted at " + rfc3339(e.integrated_time);
        continue;
      }
      v.integrated_time = e.integrated_time;
      times.push_back(e.integrated_time);
    }
    v.log_index = e.log_index;
    v.log_url = log->base_url;
    ++counted;
  }
  if (counted == 0 && (!b.tlog.empty() || !b.key_hint)) return refuse(refusal::log_entry, skipped, v);
  if (root.tsas.empty()) return std::nullopt;  // a root that trusts no TSA ignores timestamps, as sigstore-go does
  for (const auto& ts : b.timestamps) {
    auto when = verify_timestamp(root, ts, sig);
    if (!when) return refuse(refusal::time, when.error(), v);
    times.push_back(*when);
  }
  return std::nullopt;
}

/// Step 4 (keyless): at every verified time the certificate chained to a trusted CA; its SCT is from a trusted log.
std::optional<verdict> check_certificate(const trust& t, X509* leaf, const std::vector<std::int64_t>& times,
                                         verdict& v) {
  if (times.empty())
    return refuse(refusal::time, "no verified signing time (no signed entry timestamp, no trusted RFC 3161 timestamp)",
                  v);
  for (std::size_t i = 0; i < times.size(); ++i) {
    auto issuer = verify_chain(*t.root, leaf, times[i]);
    if (!issuer) return refuse(refusal::certificate, issuer.error(), v);
    if (i == 0)
      if (auto why = verify_sct(*t.root, leaf, issuer->get())) return refuse(refusal::certificate, *why, v);
  }
  return std::nullopt;
}

}  // namespace

verdict verify_bundle(const bundle& b, const artifact& a, const trust& t, std::int64_t now) {
  verdict v;
  if (b.dsse)
    v.statement = b.dsse->payload;
  else if (a.bytes)
    v.statement = std::string(*a.bytes);
  std::string sig;
  if (auto r = check_content(b, a, sig)) return *r;
  // Step 2: who signed.
  x509_ptr leaf;
  std::string signer_der;
  if (b.key_hint) {
    if (t.keys.empty()) return refuse(refusal::key, "the signature is by a key, and the policy trusts no keys");
    for (const auto& k : t.keys)
      if (signature_verifies(k.key.get(), b, a, sig)) {
        v.key = k.name;
        signer_der = der_of(k.key.get());
        break;
      }
    if (signer_der.empty()) return refuse(refusal::key, "the signature does not verify with any trusted key");
  } else {
    if (!t.root)
      return refuse(refusal::certificate, "the signature is keyless, and the policy trusts no keyless signers");
    if (b.certs.empty()) return refuse(refusal::malformed, "the bundle has no certificate");
    leaf = parse_certificate(b.certs.front());
    if (!leaf) return refuse(refusal::malformed, "the bundle's certificate is not a DER certificate");
    for (std::size_t i = 1; i < b.certs.size(); ++i) {
      auto c = parse_certificate(b.certs[i]);
      if (!c) return refuse(refusal::malformed, "the bundle's certificate chain holds something else");
      if (X509_check_issued(c.get(), c.get()) == X509_V_OK)
        return refuse(refusal::certificate, "the bundle's certificate chain includes a root certificate");
    }
    v.signer = identity_of(leaf.get());
    if (!signature_verifies(X509_get0_pubkey(leaf.get()), b, a, sig))
      return refuse(refusal::signature, "the signature does not verify with the signing certificate's key", v);
    signer_der = b.certs.front();
  }
  std::vector<std::int64_t> times;
  const auto leaf_valid = leaf ? validity_of(leaf.get()) : std::nullopt;
  if (t.root)
    if (auto r = check_times(b, a, t, sig, signer_der, leaf_valid, v, times)) return *r;
  for (auto when : times)
    if (when > now + 300) return refuse(refusal::time, "a signing time, " + rfc3339(when) + ", is in the future", v);
  if (b.key_hint) return v;
  if (auto r = check_certificate(t, leaf.get(), times, v)) return *r;
  for (const auto& rule : t.identities)
    if (rule.matches(v.signer)) return v;
  return refuse(
      refusal::identity,
      "signed by " + v.signer.subject + " (issuer " + v.signer.issuer + "), which no identity of the policy names", v);
}

}  // namespace ocimirror::transfer::sigstore
