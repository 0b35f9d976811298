#include "transfer/sigstore/rekor_body.hpp"

#include "transfer/oci/base64.hpp"
#include "transfer/sigstore/ossl.hpp"

#include <boost/json.hpp>

namespace ocimirror::transfer::sigstore {

namespace json = boost::json;

std::string pae(std::string_view type, std::string_view body) {
  return "DSSEv1 " + std::to_string(type.size()) + " " + std::string(type) + " " + std::to_string(body.size()) + " " +
         std::string(body);
}

namespace {

/// The string at a path of object keys, or empty.
std::string at(const json::value& v, std::initializer_list<std::string_view> path) {
  const json::value* cur = &v;
  for (auto key : path) {
    if (!cur->is_object()) return {};
    cur = cur->as_object().if_contains(key);
    if (!cur) return {};
  }
  return cur->is_string() ? std::string(cur->as_string()) : std::string();
}
const json::array* array_at(const json::value& v, std::initializer_list<std::string_view> path) {
  const json::value* cur = &v;
  for (auto key : path) {
    if (!cur->is_object()) return nullptr;
    cur = cur->as_object().if_contains(key);
    if (!cur) return nullptr;
  }
  return cur->is_array() ? &cur->as_array() : nullptr;
}

std::string decoded(std::string_view b64) { return base64_decode(b64).value_or(std::string()); }

/// v1 entries carry the signer as base64 PEM (a certificate, or a public key).
bool pem_is(std::string_view pem_b64, const logged& w) {
  const std::string pem = decoded(pem_b64);
  if (w.signer_is_certificate) {
    auto certs = parse_pem_certificates(pem);
    return certs.size() == 1 && der_of(certs.front().get()) == w.signer_der;
  }
  auto key = parse_pem_key(pem);
  return key && der_of(key.get()) == w.signer_der;
}

/// v2 entries carry the signer as a `verifier`: {x509Certificate: {rawBytes}} or {publicKey: {rawBytes}}.
bool verifier_is(const json::value& v, const logged& w) {
  const std::string raw = decoded(at(v, {w.signer_is_certificate ? "x509Certificate" : "publicKey", "rawBytes"}));
  return !raw.empty() && raw == w.signer_der;
}

std::optional<std::string> hashedrekord_v1(const json::value& spec, const logged& w) {
  if (at(spec, {"data", "hash", "algorithm"}) != "sha256" ||
      at(spec, {"data", "hash", "value"}) != to_hex(w.artifact_sha256))
    return std::string("the log entry is for another artifact");
  if (decoded(at(spec, {"signature", "content"})) != w.signature)
    return std::string("the log entry records another signature");
  if (!pem_is(at(spec, {"signature", "publicKey", "content"}), w))
    return std::string("the log entry records another signer");
  return std::nullopt;
}

std::optional<std::string> hashedrekord_v2(const json::value& spec, const logged& w) {
  const json::value* h = spec.is_object() ? spec.as_object().if_contains("hashedRekordV002") : nullptr;
  if (!h) return std::string("the log entry is not a hashedrekord 0.0.2 entry");
  const std::string digest = w.dsse ? sha256_raw(pae(w.dsse->payload_type, w.dsse->payload)) : w.artifact_sha256;
  if (at(*h, {"data", "algorithm"}) != "SHA2_256" || decoded(at(*h, {"data", "digest"})) != digest)
    return std::string(w.dsse ? "the log entry is for another DSSE envelope" : "the log entry is for another artifact");
  const std::string content = decoded(at(*h, {"signature", "content"}));
  const bool sig_ok =
      w.dsse ? std::find(w.dsse->signatures.begin(), w.dsse->signatures.end(), content) != w.dsse->signatures.end()
             : content == w.signature;
  if (!sig_ok) return std::string("the log entry records another signature");
  const json::value* signature = h->is_object() ? h->as_object().if_contains("signature") : nullptr;
  const json::value* verifier =
      signature && signature->is_object() ? signature->as_object().if_contains("verifier") : nullptr;
  if (!verifier || !verifier_is(*verifier, w)) return std::string("the log entry records another signer");
  return std::nullopt;
}

/// dsse 0.0.1 and 0.0.2, intoto 0.0.2: the payload's hash and every signature with its signer.
std::optional<std::string> envelope_entry(const tlog_entry& e, const json::value& spec, const logged& w) {
  if (!w.dsse) return std::string("the log entry is for a DSSE envelope, the bundle has a message signature");
  const auto& env = *w.dsse;
  const bool intoto = e.kind == "intoto", v2 = e.version == "0.0.2" && e.kind == "dsse";
  const json::value& s = v2 && spec.is_object() && spec.as_object().contains("dsseV002") ? spec.at("dsseV002") : spec;
  const json::value& c = intoto && s.is_object() && s.as_object().contains("content") ? s.at("content") : s;
  const std::string hash = v2 ? to_hex(decoded(at(c, {"payloadHash", "digest"}))) : at(c, {"payloadHash", "value"});
  if (hash != to_hex(sha256_raw(env.payload))) return std::string("the log entry is for another DSSE payload");
  if (intoto && decoded(at(c, {"envelope", "payload"})) != env.payload_b64)
    return std::string("the log entry is for another DSSE payload");
  const json::array* sigs = intoto ? array_at(c, {"envelope", "signatures"}) : array_at(c, {"signatures"});
  if (!sigs || sigs->size() != env.signatures.size()) return std::string("the log entry records other signatures");
  for (const auto& sig : *sigs) {
    std::string raw;
    bool signer = false;
    if (intoto) {  // intoto 0.0.2 base64-encodes the envelope's base64 signature once more
      raw = decoded(decoded(at(sig, {"sig"})));
      signer = pem_is(at(sig, {"publicKey"}), w);
    } else if (v2) {
      raw = decoded(at(sig, {"content"}));
      const json::value* ver = sig.is_object() ? sig.as_object().if_contains("verifier") : nullptr;
      signer = ver && verifier_is(*ver, w);
    } else {
      raw = decoded(at(sig, {"signature"}));
      signer = pem_is(at(sig, {"verifier"}), w);
    }
    if (std::find(env.signatures.begin(), env.signatures.end(), raw) == env.signatures.end())
      return std::string("the log entry records another signature");
    if (!signer) return std::string("the log entry records another signer");
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> entry_records(const tlog_entry& e, const logged& w) {
  boost::system::error_code ec;
  auto body = json::parse(e.canonical_body, ec);
  if (ec || !body.is_object()) return std::string("the log entry's body is not JSON");
  if (at(body, {"kind"}) != e.kind || at(body, {"apiVersion"}) != e.version)
    return "the log entry's body is not the " + e.kind + " " + e.version + " its bundle says";
  const json::value* spec = body.as_object().if_contains("spec");
  if (!spec) return std::string("the log entry's body has no spec");
  if (e.kind == "hashedrekord" && e.version == "0.0.1") {
    if (w.dsse) return std::string("the log entry is a hashedrekord, the bundle a DSSE envelope");
    return hashedrekord_v1(*spec, w);
  }
  if (e.kind == "hashedrekord" && e.version == "0.0.2") return hashedrekord_v2(*spec, w);
  if ((e.kind == "dsse" && (e.version == "0.0.1" || e.version == "0.0.2")) ||
      (e.kind == "intoto" && e.version == "0.0.2"))
    return envelope_entry(e, *spec, w);
  return "log entries of kind " + e.kind + " " + e.version + " are not supported";
}

}  // namespace ocimirror::transfer::sigstore
