#include "transfer/sigstore/trusted_root.hpp"

#include "transfer/oci/base64.hpp"

#include <boost/json.hpp>

namespace ocimirror::transfer::sigstore {

namespace json = boost::json;

namespace {

struct reader {
  std::string error;

  const json::value* at(const json::object& o, std::string_view key) const { return o.if_contains(key); }
  bool fail(const std::string& path, const std::string& what) {
    if (error.empty()) error = path + ": " + what;
    return false;
  }
  std::optional<std::string> b64(const json::object& o, std::string_view key, const std::string& path) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return fail(path + "." + std::string(key), "missing"), std::nullopt;
    auto raw = base64_decode(v->as_string());
    if (!raw) fail(path + "." + std::string(key), "not base64");
    return raw;
  }
  bool valid_for(const json::object& o, const std::string& path, validity& out) {
    auto* v = o.if_contains("validFor");
    if (!v || !v->is_object()) return fail(path + ".validFor", "missing");
    auto* s = v->as_object().if_contains("start");
    if (!s || !s->is_string()) return fail(path + ".validFor", "no start");
    auto start = parse_rfc3339(s->as_string());
    if (!start) return fail(path + ".validFor.start", "not an RFC 3339 time");
    out.start = *start;
    if (auto* e = v->as_object().if_contains("end"); e && !e->is_null()) {
      auto end = e->is_string() ? parse_rfc3339(e->as_string()) : std::nullopt;
      if (!end) return fail(path + ".validFor.end", "not an RFC 3339 time");
      out.end = *end;
    }
    return true;
  }
  bool log(const json::value& v, const std::string& path, log_key& out) {
    if (!v.is_object()) return fail(path, "not an object");
    const auto& o = v.as_object();
    if (auto* u = o.if_contains("baseUrl"); u && u->is_string()) out.base_url = std::string(u->as_string());
    auto* pk = o.if_contains("publicKey");
    if (!pk || !pk->is_object()) return fail(path + ".publicKey", "missing");
    auto raw = b64(pk->as_object(), "rawBytes", path + ".publicKey");
    if (!raw) return false;
    out.key = parse_public_key(*raw);
    if (!out.key) {  // keyDetails PKCS1_RSA_PKCS1V5: a PKCS#1 RSAPublicKey, not a SubjectPublicKeyInfo
      auto p = reinterpret_cast<const unsigned char*>(raw->data());
      out.key = pkey_ptr(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(raw->size())), EVP_PKEY_free);
    }
    if (!out.key) return fail(path + ".publicKey.rawBytes", "not a public key");
    if (!valid_for(pk->as_object(), path + ".publicKey", out.valid)) return false;
    if (auto* id = o.if_contains("logId"); id && id->is_object()) {
      auto k = b64(id->as_object(), "keyId", path + ".logId");
      if (!k) return false;
      out.key_id = *k;
    } else {
      out.key_id = sha256_raw(*raw);
    }
    return true;
  }
  bool ca(const json::value& v, const std::string& path, authority& out) {
    if (!v.is_object()) return fail(path, "not an object");
    const auto& o = v.as_object();
    if (auto* u = o.if_contains("uri"); u && u->is_string()) out.uri = std::string(u->as_string());
    auto* chain = o.if_contains("certChain");
    auto* certs = chain && chain->is_object() ? chain->as_object().if_contains("certificates") : nullptr;
    if (!certs || !certs->is_array() || certs->as_array().empty()) return fail(path + ".certChain", "no certificates");
    for (std::size_t i = 0; i < certs->as_array().size(); ++i) {
      const auto p = path + ".certChain.certificates[" + std::to_string(i) + "]";
      const auto& c = certs->as_array()[i];
      if (!c.is_object()) return fail(p, "not an object");
      auto raw = b64(c.as_object(), "rawBytes", p);
      if (!raw) return false;
      auto cert = parse_certificate(*raw);
      if (!cert) return fail(p, "not a DER certificate");
      out.chain.push_back(std::move(cert));
    }
    return valid_for(o, path, out.valid);
  }
  template <class T, class F>
  bool list(const json::object& root, std::string_view key, std::vector<T>& out, F each) {
    auto* v = root.if_contains(key);
    if (!v) return true;
    if (!v->is_array()) return fail(std::string(key), "not a list");
    for (std::size_t i = 0; i < v->as_array().size(); ++i) {
      T item;
      if (!(this->*each)(v->as_array()[i], std::string(key) + "[" + std::to_string(i) + "]", item)) return false;
      out.push_back(std::move(item));
    }
    return true;
  }
};

const log_key* by_id(const std::vector<log_key>& logs, std::string_view id) {
  for (const auto& l : logs)
    if (l.key_id == id) return &l;
  return nullptr;
}

}  // namespace

const log_key* trusted_root::tlog_by_id(std::string_view key_id) const { return by_id(tlogs, key_id); }
const log_key* trusted_root::ctlog_by_id(std::string_view key_id) const { return by_id(ctlogs, key_id); }

boost::system::result<trusted_root, std::string> parse_trusted_root(std::string_view text) {
  boost::system::error_code ec;
  auto doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return std::string("not a JSON object");
  const auto& o = doc.as_object();
  auto* mt = o.if_contains("mediaType");
  if (!mt || !mt->is_string() || !mt->as_string().starts_with("application/vnd.dev.sigstore.trustedroot"))
    return std::string("mediaType: not application/vnd.dev.sigstore.trustedroot+json");
  trusted_root root;
  reader r;
  if (!r.list(o, "tlogs", root.tlogs, &reader::log) || !r.list(o, "ctlogs", root.ctlogs, &reader::log) ||
      !r.list(o, "certificateAuthorities", root.cas, &reader::ca) ||
      !r.list(o, "timestampAuthorities", root.tsas, &reader::ca))
    return r.error;
  if (root.tlogs.empty() && root.tsas.empty())
    return std::string("neither tlogs nor timestampAuthorities: no time to trust");
  return root;
}

}  // namespace ocimirror::transfer::sigstore
