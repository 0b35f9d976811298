// Sigstore's client verification (the "Verification" section of the Sigstore client specification), step by step:
// what is signed, who signed it, when (log entries and timestamps), that the signer was trusted then, and whether
// the policy trusts that signer.
#include "transfer/sigstore/verify.hpp"

#include "transfer/sigstore/rekor_body.hpp"
#include "transfer/sigstore/timestamp.hpp"
#include "transfer/sigstore/tlog.hpp"

#include "transfer/oci/errors.hpp"

#include <openssl/err.h>
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

verdict refused(refusal why, std::string reason, verdict v) {
  v.why = why;
  v.reason = std::move(reason);
  return v;
}

namespace {

constexpr std::size_t most_entries = 16;  // log entries or timestamps read from one bundle

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

/// Step 1: the bundle is over this artifact; sets the signature that the log and timestamps must be over.
std::optional<verdict> check_content(const bundle& b, const artifact& a, std::string& sig) {
  if (a.sha256.size() != 32) return refused(refusal::artifact, "the artifact has no SHA-256 digest to check against");
  const std::string hex = to_hex(a.sha256);
  if (b.message) {
    if (!b.message->digest.empty() && b.message->digest != a.sha256)
      return refused(refusal::artifact, "the bundle signs sha256:" + to_hex(b.message->digest) + ", not sha256:" + hex);
    sig = b.message->signature;
    return std::nullopt;
  }
  const auto& env = *b.dsse;
  if (env.payload_type != "application/vnd.in-toto+json")
    return refused(refusal::artifact,
                   "the DSSE envelope holds " + printable(env.payload_type, 80) + ", not an in-toto statement");
  if (!statement_names(env.payload, hex))
    return refused(refusal::artifact, "the in-toto statement's subjects do not include sha256:" + hex);
  if (env.signatures.size() != 1)
    return refused(refusal::malformed, "the DSSE envelope has " + std::to_string(env.signatures.size()) +
                                           " signatures; a Sigstore bundle carries one");
  sig = env.signatures.front();
  return std::nullopt;
}

/// Step 2, keyed: one of the policy's keys verifies the signature.
std::optional<verdict> check_key(const bundle& b, const artifact& a, const trust& t, const std::string& sig, verdict& v,
                                 std::string& signer_der) {
  if (t.keys.empty()) return refused(refusal::key, "the signature is by a key, and the policy trusts no keys");
  for (const auto& k : t.keys)
    if (signature_verifies(k.key.get(), b, a, sig)) {
      v.key = k.name;
      signer_der = der_of(k.key.get());
      return std::nullopt;
    }
  return refused(refusal::key, "the signature does not verify with any trusted key");
}

/// Step 2, keyless: the bundle's certificate (no root in its chain) and its key verifies the signature.
std::optional<verdict> check_signer(const bundle& b, const artifact& a, const trust& t, const std::string& sig,
                                    x509_ptr& leaf) {
  if (!t.root)
    return refused(refusal::certificate, "the signature is keyless, and the policy trusts no keyless signers");
  if (b.certs.empty()) return refused(refusal::malformed, "the bundle has no certificate");
  leaf = parse_certificate(b.certs.front());
  if (!leaf) return refused(refusal::malformed, "the bundle's certificate is not a DER certificate");
  for (std::size_t i = 1; i < b.certs.size(); ++i) {
    auto c = parse_certificate(b.certs[i]);
    if (!c) return refused(refusal::malformed, "the bundle's certificate chain holds something else");
    if (X509_check_issued(c.get(), c.get()) == X509_V_OK)
      return refused(refusal::certificate, "the bundle's certificate chain includes a root certificate");
  }
  if (!signature_verifies(X509_get0_pubkey(leaf.get()), b, a, sig))
    return refused(refusal::signature, "the signature does not verify with the signing certificate's key");
  return std::nullopt;
}

/// What step 3 learns: the verified signing times, and the logs whose entries no time of their own vouches for.
struct when_signed {
  std::vector<std::int64_t> times;
  std::vector<const log_key*> unvouched;  ///< Rekor v2: its key must have been trusted at the timestamps' times
};

/// Step 3a: the log entries record this signature and are proven. An entry from a log the root does not trust, or
/// whose promise does not verify, does not count; at least one must (for a keyless signature, or when there are
/// any). `leaf`: the signing certificate's validity, which every integrated time must fall in.
std::optional<verdict> check_entries(const bundle& b, const trust& t, const logged& what,
                                     const std::optional<validity>& leaf, verdict& v, when_signed& w) {
  std::string skipped = "the bundle has no transparency log entry";
  int counted = 0;
  for (const auto& e : b.tlog) {
    const std::string entry = "log entry " + std::to_string(e.log_index);
    const log_key* log = t.root->tlog_by_id(e.log_id);
    if (!log) {
      skipped = entry + " is from a transparency log that " + t.root_file + " does not trust";
      continue;
    }
    if (auto why = entry_records(e, what)) return refused(refusal::log_entry, *why, v);
    if (b.minor == 1 && !e.set)
      return refused(refusal::log_entry, "a v0.1 bundle's log entry needs a signed entry timestamp", v);
    if ((b.minor >= 2 || !e.set) && !e.inclusion)
      return refused(refusal::log_entry, entry + " has no inclusion proof", v);
    if (e.inclusion)
      if (auto why = verify_inclusion(e, *log)) return refused(refusal::log_entry, *why, v);
    if (e.integrated_time != 0 && leaf && !leaf->contains(e.integrated_time))
      return refused(
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
      w.times.push_back(e.integrated_time);
    } else {
      w.unvouched.push_back(log);
    }
    v.log_index = e.log_index;
    v.log_url = log->base_url;
    ++counted;
  }
  if (counted == 0 && (!b.tlog.empty() || !b.key_hint)) return refused(refusal::log_entry, skipped, v);
  return std::nullopt;
}

/// Step 3b: every RFC 3161 timestamp is from a TSA of the root, trusted then (a root that trusts no TSA ignores
/// them, as sigstore-go does); the keys of logs that gave no time of their own were trusted at those times.
std::optional<verdict> check_timestamps(const bundle& b, const trust& t, const std::string& sig, verdict& v,
                                        when_signed& w) {
  std::vector<std::int64_t> stamped;
  if (!t.root->tsas.empty())
    for (const auto& ts : b.timestamps) {
      auto when = verify_timestamp(*t.root, ts, sig);
      if (!when) return refused(refusal::time, when.error(), v);
      stamped.push_back(*when);
    }
  for (const log_key* log : w.unvouched)
    for (auto when : stamped)
      if (!log->valid.contains(when))
        return refused(refusal::time, "the key of " + log->base_url + " was not trusted at " + rfc3339(when), v);
  w.times.insert(w.times.end(), stamped.begin(), stamped.end());
  return std::nullopt;
}

/// Step 4 (keyless): at every verified time the certificate chained to a trusted CA; its SCT is from a trusted log.
std::optional<verdict> check_certificate(const trust& t, X509* leaf, const std::vector<std::int64_t>& times,
                                         verdict& v) {
  if (times.empty())
    return refused(refusal::time, "no verified signing time (no signed entry timestamp, no trusted RFC 3161 timestamp)",
                   v);
  const auto valid = validity_of(leaf);
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (valid && !valid->contains(times[i]))
      return refused(refusal::time,
                     "signed at " + rfc3339(times[i]) + ", outside the signing certificate's validity (" +
                         rfc3339(valid->start) + " to " + rfc3339(*valid->end) + ")",
                     v);
    auto issuer = verify_chain(*t.root, leaf, times[i]);
    if (!issuer) return refused(refusal::certificate, issuer.error(), v);
    if (i == 0)
      if (auto why = verify_sct(*t.root, leaf, issuer->get())) return refused(refusal::certificate, *why, v);
  }
  return std::nullopt;
}

std::optional<verdict> check_all(const bundle& b, const artifact& a, const trust& t, std::int64_t now, verdict& v) {
  std::string sig, signer_der;
  if (auto r = check_content(b, a, sig)) return r;
  x509_ptr leaf;
  if (b.key_hint) {
    if (auto r = check_key(b, a, t, sig, v, signer_der)) return r;
  } else {
    if (auto r = check_signer(b, a, t, sig, leaf)) return r;
    signer_der = b.certs.front();
  }
  when_signed w;
  if (t.root) {
    if (b.tlog.size() > most_entries || b.timestamps.size() > most_entries)
      return refused(refusal::malformed, "the bundle has more log entries or timestamps than a signature needs", v);
    const logged what{a.sha256, b.dsse ? &*b.dsse : nullptr, sig, signer_der, !b.key_hint};
    if (auto r = check_entries(b, t, what, leaf ? validity_of(leaf.get()) : std::nullopt, v, w)) return r;
    if (auto r = check_timestamps(b, t, sig, v, w)) return r;
  }
  for (auto when : w.times)
    if (when > now + 300) return refused(refusal::time, "a signing time, " + rfc3339(when) + ", is in the future", v);
  if (b.key_hint) return std::nullopt;
  if (auto r = check_certificate(t, leaf.get(), w.times, v)) return r;
  v.signer = identity_of(leaf.get());  // only now: the certificate is one a trusted CA issued
  for (const auto& rule : t.identities)
    if (rule.matches(v.signer)) return std::nullopt;
  return refused(refusal::identity,
                 "signed by " + printable(v.signer.subject, 200) + " (issuer " + printable(v.signer.issuer, 200) +
                     "), which no identity of the policy names",
                 v);
}

}  // namespace

verdict verify_bundle(const bundle& b, const artifact& a, const trust& t, std::int64_t now) {
  verdict v;
  if (b.dsse)
    v.statement = b.dsse->payload;
  else if (a.bytes)
    v.statement = std::string(*a.bytes);
  auto problem = check_all(b, a, t, now, v);
  ERR_clear_error();  // what OpenSSL queued while parsing and refusing is no one else's business
  return problem ? *problem : v;
}

}  // namespace ocimirror::transfer::sigstore
