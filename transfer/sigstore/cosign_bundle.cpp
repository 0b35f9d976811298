// cosign's `.sig` signatures as bundles, images as artifacts, and the policy's identity rules.
#include "transfer/oci/base64.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/sigstore/verify.hpp"

#include <boost/json.hpp>

namespace ocimirror::transfer::sigstore {

bool identity_rule::matches(const identity& id) const {
  if (id.issuer != issuer) return false;
  // libstdc++'s matcher recurses per character: a subject longer than any real SAN never reaches it.
  if (subject_re && id.subject.size() > 4096) return false;
  if (subject_re ? !std::regex_match(id.subject, *subject_re) : id.subject != subject) return false;
  for (const auto& [name, value] : claims) {
    auto it = id.claims.find(name);
    if (it == id.claims.end() || it->second != value) return false;
  }
  return true;
}

std::string identity_rule::describe() const {
  std::string out = subject_re ? "subject matching " + subject_regex : subject;
  out += " (issuer " + issuer + ")";
  for (const auto& [name, value] : claims) out.append(", ").append(name).append(" ").append(value);
  return out;
}

boost::system::result<pkey_ptr, std::string> parse_trusted_key(std::string_view pem) {
  auto key = parse_pem_key(pem);
  if (!key) return std::string("not a PEM public key");
  const int bits = EVP_PKEY_get_bits(key.get());
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_EC:
      if (bits == 256 || bits == 384 || bits == 521) return key;
      return "an ECDSA key on a " + std::to_string(bits) + "-bit curve (P-256, P-384 or P-521 are accepted)";
    case EVP_PKEY_RSA:
      if (bits >= 2048) return key;
      return "an RSA " + std::to_string(bits) + " key: too short (2048 bits or more)";
    case EVP_PKEY_ED25519:
      return key;
    default:
      return std::string("a public key of a type cosign does not sign with (ECDSA, RSA or Ed25519)");
  }
}

namespace {

std::string annotation(const std::vector<std::pair<std::string, std::string>>& annotations, std::string_view key) {
  for (const auto& [k, v] : annotations)
    if (k == key) return v;
  return {};
}

/// From hex; empty when it is not hex.
std::string from_hex(std::string_view hex) {
  std::string out;
  if (hex.size() % 2) return out;
  auto nibble = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

/// cosign's `dev.sigstore.cosign/bundle`: {"SignedEntryTimestamp", "Payload": {body, integratedTime, logIndex, logID}}.
boost::system::result<tlog_entry, std::string> rekor_bundle(std::string_view text) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(text, ec);
  const boost::json::object* o = !ec && doc.is_object() ? &doc.as_object() : nullptr;
  const auto* p = o ? o->if_contains("Payload") : nullptr;
  const auto* set = o ? o->if_contains("SignedEntryTimestamp") : nullptr;
  if (!p || !p->is_object() || !set || !set->is_string())
    return std::string("the Rekor bundle annotation is malformed");
  const auto& po = p->as_object();
  auto* body = po.if_contains("body");
  auto* it = po.if_contains("integratedTime");
  auto* li = po.if_contains("logIndex");
  auto* id = po.if_contains("logID");
  if (!body || !body->is_string() || !it || !it->is_int64() || !li || !li->is_int64() || !id || !id->is_string() ||
      it->as_int64() < 0 || li->as_int64() < 0)
    return std::string("the Rekor bundle annotation is malformed");
  tlog_entry e;
  auto raw_body = base64_decode(body->as_string());
  auto raw_set = base64_decode(set->as_string());
  e.log_id = from_hex(id->as_string());
  if (!raw_body || !raw_set || e.log_id.empty()) return std::string("the Rekor bundle annotation is malformed");
  e.canonical_body = *raw_body;
  e.set = *raw_set;
  e.integrated_time = it->as_int64();
  e.log_index = li->as_int64();
  auto parsed = boost::json::parse(e.canonical_body, ec);
  if (ec || !parsed.is_object()) return std::string("the Rekor entry body is not JSON");
  auto* kind = parsed.as_object().if_contains("kind");
  auto* version = parsed.as_object().if_contains("apiVersion");
  if (!kind || !kind->is_string() || !version || !version->is_string())
    return std::string("the Rekor entry body names no kind");
  e.kind = std::string(kind->as_string());
  e.version = std::string(version->as_string());
  return e;
}

}  // namespace

boost::system::result<bundle, std::string> bundle_of_cosign(
    std::string_view payload, const std::vector<std::pair<std::string, std::string>>& annotations) {
  bundle b;
  b.minor = 1;
  const std::string sig_b64 = annotation(annotations, "dev.cosignproject.cosign/signature");
  auto sig = base64_decode(sig_b64);
  if (!sig) return std::string("the signature annotation is not base64");
  b.message = message_signature{sha256_raw(payload), *sig, sig_b64};
  if (auto pem = annotation(annotations, "dev.sigstore.cosign/certificate"); !pem.empty()) {
    // Only the leaf: the chain annotation usually ends in the root, and roots come from the trusted root alone.
    auto certs = parse_pem_certificates(pem);
    if (certs.size() != 1) return std::string("the certificate annotation is not one PEM certificate");
    b.certs.push_back(der_of(certs.front().get()));
  } else {
    b.key_hint = std::string();
  }
  if (auto rekor = annotation(annotations, "dev.sigstore.cosign/bundle"); !rekor.empty()) {
    auto e = rekor_bundle(rekor);
    if (!e) return e.error();
    b.tlog.push_back(std::move(*e));
  }
  if (auto ts = annotation(annotations, "dev.sigstore.cosign/rfc3161timestamp"); !ts.empty()) {
    boost::system::error_code ec;
    auto doc = boost::json::parse(ts, ec);
    auto* v = !ec && doc.is_object() ? doc.as_object().if_contains("SignedRFC3161Timestamp") : nullptr;
    auto raw = v && v->is_string() ? base64_decode(v->as_string()) : std::nullopt;
    if (!raw) return std::string("the RFC 3161 timestamp annotation is malformed");
    b.timestamps.push_back(*raw);
  }
  return b;
}

verdict verify_cosign(std::string_view payload, const std::vector<std::pair<std::string, std::string>>& annotations,
                      std::string_view digest, const trust& t, std::int64_t now) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(payload, ec);
  const boost::json::value* named = nullptr;
  if (!ec && doc.is_object())
    if (auto* c = doc.as_object().if_contains("critical"); c && c->is_object())
      if (auto* i = c->as_object().if_contains("image"); i && i->is_object())
        named = i->as_object().if_contains("docker-manifest-digest");
  if (!named || !named->is_string())
    return refused(refusal::malformed, "the signature payload is not a simple-signing document");
  if (named->as_string() != digest)
    return refused(refusal::artifact,
                   "the signature is for " + printable(named->as_string(), 80) + ", not " + std::string(digest));
  auto b = bundle_of_cosign(payload, annotations);
  if (!b) return refused(refusal::malformed, b.error());
  return verify_bundle(*b, artifact{sha256_raw(payload), payload}, t, now);
}

verdict verify_image_bundle(std::string_view bundle_json, std::string_view digest, const trust& t, std::int64_t now) {
  if (!is_valid_digest(digest)) return refused(refusal::artifact, "not an image digest: " + printable(digest, 80));
  auto b = parse_bundle(bundle_json);
  if (!b) return refused(refusal::malformed, "the Sigstore bundle is malformed: " + printable(b.error()));
  const std::string raw = from_hex(digest.substr(7));
  return verify_bundle(*b, artifact{raw, std::nullopt}, t, now);
}

}  // namespace ocimirror::transfer::sigstore
