#include "tests/support/token_server.hpp"

#include "transfer/registry/credentials.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include <chrono>
#include <cstdio>
#include <stdexcept>

namespace ocimirror::testing {
namespace http = boost::beast::http;
namespace json = boost::json;

std::string base64url(const std::string& in) {
  std::string s = transfer::base64_encode(in);
  for (auto& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

std::string libtrust_key_id(const std::string& cert_pem_path) {
  FILE* f = std::fopen(cert_pem_path.c_str(), "r");
  if (!f) throw std::runtime_error("cannot open " + cert_pem_path);
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!cert) throw std::runtime_error("no certificate in " + cert_pem_path);
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
  unsigned char md[32];
  EVP_Digest(der, static_cast<std::size_t>(len), md, nullptr, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  X509_free(cert);
  // base32 (RFC 4648, no padding) of the first 30 bytes, in groups of four joined by ':'.
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string b32;
  for (int i = 0; i < 30; i += 5) {
    std::uint64_t v = 0;
    for (int j = 0; j < 5; ++j) v = (v << 8) | md[i + j];
    for (int k = 7; k >= 0; --k) b32 += alphabet[(v >> (5 * k)) & 31];
  }
  std::string out;
  for (std::size_t i = 0; i < b32.size(); i += 4) out += (i ? ":" : "") + b32.substr(i, 4);
  return out;
}

namespace {
std::string sign_es256(const std::string& key_pem, const std::string& input) {
  FILE* f = std::fopen(key_pem.c_str(), "r");
  EVP_PKEY* key = f ? PEM_read_PrivateKey(f, nullptr, nullptr, nullptr) : nullptr;
  if (f) std::fclose(f);
  if (!key) throw std::runtime_error("cannot read token key");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  std::string der(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len,
                 reinterpret_cast<const unsigned char*>(input.data()), input.size());
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  // JWS wants r||s, 32 bytes each, not DER.
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return raw;
}
}  // namespace

token_server::token_server(const token_keys& keys, std::map<std::string, std::string> passwords, acl allow,
                           std::string issuer)
    : key_pem_(keys.key_pem),
      kid_(libtrust_key_id(keys.cert_pem)),
      issuer_(std::move(issuer)),
      passwords_(std::move(passwords)),
      allow_(std::move(allow)),
      server_([this](loopback_server::request& req) {
        ++requests_;
        unsigned status = 200;
        std::string body = handle(std::string(req.target()), std::string(req[http::field::authorization]), status);
        loopback_server::response res{static_cast<http::status>(status), 11};
        res.set(http::field::content_type, "application/json");
        res.body() = std::move(body);
        res.prepare_payload();
        return res;
      }) {}

std::vector<std::string> token_server::issued() const {
  std::lock_guard lock(issued_m_);
  return issued_;
}

std::string token_server::handle(const std::string& target, const std::string& authorization, unsigned& status) {
  std::string user;
  if (authorization.starts_with("Basic ")) {
    auto decoded = transfer::base64_decode(authorization.substr(6)).value_or("");
    auto colon = decoded.find(':');
    user = decoded.substr(0, colon);
    auto it = passwords_.find(user);
    if (colon == std::string::npos || it == passwords_.end() || it->second != decoded.substr(colon + 1)) {
      status = 401;
      return R"({"errors":[{"code":"UNAUTHORIZED","message":"invalid username or password"}]})";
    }
  }
  auto u = boost::urls::parse_origin_form(target);
  std::string service;
  json::array access;
  for (auto p : u->params()) {
    if (p.key == "service") service = p.value;
    if (p.key != "scope") continue;
    // repository:<name>:<actions> (or registry:catalog:*, name "catalog"); the name itself may hold ':' only for a
    // port, which repositories never do.
    std::string scope = p.value;
    auto first = scope.find(':'), last = scope.rfind(':');
    if (first == std::string::npos || first == last) continue;
    std::string type = scope.substr(0, first), name = scope.substr(first + 1, last - first - 1);
    json::array granted;
    std::string actions = scope.substr(last + 1);
    for (std::size_t pos = 0; pos <= actions.size();) {
      auto comma = actions.find(',', pos);
      if (comma == std::string::npos) comma = actions.size();
      std::string a = actions.substr(pos, comma - pos);
      if ((type == "repository" || type == "registry") && !a.empty() && allow_(user, name, a)) granted.emplace_back(a);
      pos = comma + 1;
    }
    access.push_back(json::object{{"type", type}, {"name", name}, {"actions", granted}});
  }
  auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  json::object header{{"typ", "JWT"}, {"alg", "ES256"}, {"kid", kid_}};
  json::object claims{{"iss", issuer_},
                      {"sub", user},
                      {"aud", service},
                      {"exp", now + 300},
                      {"nbf", now - 30},
                      {"iat", now},
                      {"jti", std::to_string(now) + "-" + std::to_string(requests_.load())},
                      {"access", access}};
  std::string input = base64url(json::serialize(header)) + "." + base64url(json::serialize(claims));
  std::string jwt = input + "." + base64url(sign_es256(key_pem_, input));
  {
    std::lock_guard lock(issued_m_);
    issued_.push_back(jwt);
  }
  return json::serialize(json::object{{"token", jwt}, {"access_token", jwt}, {"expires_in", 300}});
}

}  // namespace ocimirror::testing
