#include "transfer/sigstore/bundle.hpp"

#include "transfer/oci/base64.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace ocimirror::transfer::sigstore {

namespace json = boost::json;

std::optional<int> bundle_minor(std::string_view mt) {
  for (int minor = 1; minor <= 3; ++minor) {
    const std::string n = std::to_string(minor);
    if (mt == "application/vnd.dev.sigstore.bundle+json;version=0." + n ||
        mt == "application/vnd.dev.sigstore.bundle.v0." + n + "+json")
      return minor;
  }
  return std::nullopt;
}

namespace {

/// Reads fields by path and keeps the first problem, named by its path.
struct reader {
  std::string error;

  bool fail(const std::string& path, const std::string& what) {
    if (error.empty()) error = path + ": " + what;
    return false;
  }
  const json::object* object(const json::object& o, std::string_view key, const std::string& path, bool required) {
    auto* v = o.if_contains(key);
    if (!v) return required ? (fail(path + std::string(key), "missing"), nullptr) : nullptr;
    if (!v->is_object()) return fail(path + std::string(key), "not an object"), nullptr;
    return &v->as_object();
  }
  const json::array* array(const json::object& o, std::string_view key, const std::string& path) {
    auto* v = o.if_contains(key);
    if (!v) return nullptr;
    if (!v->is_array()) return fail(path + std::string(key), "not a list"), nullptr;
    return &v->as_array();
  }
  std::optional<std::string> text(const json::object& o, std::string_view key, const std::string& path) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return fail(path + std::string(key), v ? "not a string" : "missing"), std::nullopt;
    return std::string(v->as_string());
  }
  std::optional<std::string> b64(const json::object& o, std::string_view key, const std::string& path) {
    auto s = text(o, key, path);
    if (!s) return std::nullopt;
    auto raw = base64_decode(*s);
    if (!raw) fail(path + std::string(key), "not base64");
    return raw;
  }
  /// protobuf's JSON int64: a string of digits, or a number.
  std::optional<std::int64_t> int64(const json::object& o, std::string_view key, const std::string& path) {
    auto* v = o.if_contains(key);
    const std::string p = path + std::string(key);
    if (!v) return std::int64_t{0};
    std::int64_t n = 0;
    if (v->is_int64()) {
      n = v->as_int64();
    } else if (v->is_uint64()) {
      return fail(p, "too large"), std::nullopt;
    } else if (v->is_string()) {
      auto s = v->as_string();
      auto r = std::from_chars(s.data(), s.data() + s.size(), n);
      if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return fail(p, "not a whole number"), std::nullopt;
    } else {
      return fail(p, "not a whole number"), std::nullopt;
    }
    if (n < 0) return fail(p, "negative"), std::nullopt;
    return n;
  }

  bool proof(const json::object& o, const std::string& path, inclusion_proof& out) {
    auto li = int64(o, "logIndex", path), ts = int64(o, "treeSize", path);
    auto root = b64(o, "rootHash", path);
    if (!li || !ts || !root) return false;
    out.log_index = *li;
    out.tree_size = *ts;
    out.root_hash = *root;
    if (auto* hs = array(o, "hashes", path)) {
      for (const auto& h : *hs) {
        auto raw = h.is_string() ? base64_decode(h.as_string()) : std::nullopt;
        if (!raw) return fail(path + "hashes", "not a list of base64 hashes");
        out.hashes.push_back(*raw);
      }
    }
    if (!error.empty()) return false;
    if (auto* cp = object(o, "checkpoint", path, false)) {
      auto env = text(*cp, "envelope", path + "checkpoint.");
      if (!env) return false;
      out.checkpoint = *env;
    }
    return error.empty();
  }

  bool entry(const json::value& v, const std::string& path, tlog_entry& out) {
    if (!v.is_object()) return fail(path, "not an object");
    const auto& o = v.as_object();
    auto li = int64(o, "logIndex", path + ".");
    auto it = int64(o, "integratedTime", path + ".");
    auto* id = object(o, "logId", path + ".", true);
    auto* kv = object(o, "kindVersion", path + ".", true);
    auto body = b64(o, "canonicalizedBody", path + ".");
    if (!li || !it || !id || !kv || !body) return false;
    auto key = b64(*id, "keyId", path + ".logId.");
    auto kind = text(*kv, "kind", path + ".kindVersion."), version = text(*kv, "version", path + ".kindVersion.");
    if (!key || !kind || !version) return false;
    out = {*li, *key, *kind, *version, *it, *body, std::nullopt, std::nullopt};
    if (auto* p = object(o, "inclusionPromise", path + ".", false)) {
      auto set = b64(*p, "signedEntryTimestamp", path + ".inclusionPromise.");
      if (!set) return false;
      out.set = *set;
    }
    if (auto* p = object(o, "inclusionProof", path + ".", false)) {
      out.inclusion.emplace();
      if (!proof(*p, path + ".inclusionProof.", *out.inclusion)) return false;
    }
    return error.empty();
  }

  bool material(const json::object& o, bundle& b) {
    const std::string path = "verificationMaterial.";
    if (auto* c = object(o, "certificate", path, false)) {
      auto raw = b64(*c, "rawBytes", path + "certificate.");
      if (!raw) return false;
      b.certs.push_back(*raw);
    } else if (auto* ch = object(o, "x509CertificateChain", path, false)) {
      auto* certs = array(*ch, "certificates", path + "x509CertificateChain.");
      if (!certs || certs->empty()) return fail(path + "x509CertificateChain", "no certificates");
      for (const auto& cert : *certs) {
        auto raw = cert.is_object() ? b64(cert.as_object(), "rawBytes", path + "x509CertificateChain.certificates[].")
                                    : std::nullopt;
        if (!raw) return fail(path + "x509CertificateChain.certificates", "not a list of certificates");
        b.certs.push_back(*raw);
      }
    } else if (auto* k = object(o, "publicKey", path, false)) {
      auto* hint = k->if_contains("hint");
      b.key_hint = hint && hint->is_string() ? std::string(hint->as_string()) : std::string();
    } else {
      return fail("verificationMaterial", error.empty() ? "no certificate, certificate chain or public key" : error);
    }
    if (auto* entries = array(o, "tlogEntries", path)) {
      for (std::size_t i = 0; i < entries->size(); ++i) {
        tlog_entry e;
        if (!entry((*entries)[i], path + "tlogEntries[" + std::to_string(i) + "]", e)) return false;
        b.tlog.push_back(std::move(e));
      }
    }
    if (auto* tvd = object(o, "timestampVerificationData", path, false))
      if (auto* ts = array(*tvd, "rfc3161Timestamps", path + "timestampVerificationData."))
        for (const auto& t : *ts) {
          auto raw =
              t.is_object() ? b64(t.as_object(), "signedTimestamp", path + "rfc3161Timestamps[].") : std::nullopt;
          if (!raw) return fail(path + "timestampVerificationData.rfc3161Timestamps", "not a list of timestamps");
          b.timestamps.push_back(*raw);
        }
    return error.empty();
  }

  bool content(const json::object& o, bundle& b) {
    if (auto* m = object(o, "messageSignature", "", false)) {
      message_signature ms;
      if (auto* md = object(*m, "messageDigest", "messageSignature.", false)) {
        auto alg = text(*md, "algorithm", "messageSignature.messageDigest.");
        auto d = b64(*md, "digest", "messageSignature.messageDigest.");
        if (!alg || !d) return false;
        if (*alg != "SHA2_256" || d->size() != 32)
          return fail("messageSignature.messageDigest", "only SHA2_256 digests are supported, not " + *alg);
        ms.digest = *d;
      }
      auto sig = b64(*m, "signature", "messageSignature.");
      if (!sig) return false;
      ms.signature = *sig;
      ms.signature_b64 = std::string(m->at("signature").as_string());
      b.message = std::move(ms);
      return true;
    }
    if (auto* d = object(o, "dsseEnvelope", "", false)) {
      dsse_envelope env;
      auto type = text(*d, "payloadType", "dsseEnvelope.");
      auto payload = b64(*d, "payload", "dsseEnvelope.");
      auto* sigs = array(*d, "signatures", "dsseEnvelope.");
      if (!type || !payload) return false;
      if (!sigs || sigs->empty()) return fail("dsseEnvelope.signatures", "none");
      env.payload_type = *type;
      env.payload = *payload;
      env.payload_b64 = std::string(d->at("payload").as_string());
      for (const auto& s : *sigs) {
        auto raw = s.is_object() ? b64(s.as_object(), "sig", "dsseEnvelope.signatures[].") : std::nullopt;
        if (!raw) return fail("dsseEnvelope.signatures", "not a list of signatures");
        env.signatures.push_back(*raw);
        env.signatures_b64.emplace_back(s.as_object().at("sig").as_string());
      }
      b.dsse = std::move(env);
      return true;
    }
    return fail("bundle", error.empty() ? "neither messageSignature nor dsseEnvelope" : error);
  }
};

}  // namespace

boost::system::result<bundle, std::string> parse_bundle(std::string_view text) {
  boost::system::error_code ec;
  auto doc = json::parse(text, ec);
  if (ec) return "not JSON: " + ec.message();
  if (!doc.is_object()) return std::string("not a JSON object");
  const auto& o = doc.as_object();
  auto* mt = o.if_contains("mediaType");
  if (!mt || !mt->is_string()) return std::string("mediaType: missing");
  auto minor = bundle_minor(mt->as_string());
  if (!minor)
    return "mediaType: " + std::string(mt->as_string()) + " is not a Sigstore bundle version this verifier knows";
  bundle b;
  b.minor = *minor;
  reader r;
  auto* vm = r.object(o, "verificationMaterial", "", true);
  if (!vm || !r.material(*vm, b) || !r.content(o, b)) return r.error;
  return b;
}

}  // namespace ocimirror::transfer::sigstore
