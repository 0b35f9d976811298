// Azure Container Registry's token exchange in front of a real distribution registry, as published:
//   https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md (POST /oauth2/exchange, POST /oauth2/token, docker's
//   login with the null GUID and a refresh token, GET /oauth2/token with Basic credentials)
//   https://github.com/Azure/azure-rest-api-specs (containerregistry data plane: AcrErrors {"errors":[{code,message}]})
// and the helpers both Azure stand-ins share.
#include "tests/support/azure_stand_in.hpp"

#include "tests/support/fault_proxy.hpp"
#include "tests/support/token_server.hpp"
#include "transfer/oci/base64.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace ocimirror::testing {
namespace http = boost::beast::http;
namespace json = boost::json;
using namespace azure_detail;

namespace azure_detail {

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string random_hex(std::size_t n) {
  std::vector<unsigned char> b(n);
  RAND_bytes(b.data(), static_cast<int>(n));
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (auto c : b) s += {digits[c >> 4], digits[c & 15]};
  return s;
}

std::optional<std::string> base64url_decode(std::string_view in) {
  std::string s;
  for (char c : in) {
    if (c == '+' || c == '/' || c == '=') return std::nullopt;  // the URL alphabet, unpadded
    s += c == '-' ? '+' : c == '_' ? '/' : c;
  }
  if (s.size() % 4 == 1) return std::nullopt;
  while (s.size() % 4) s += '=';
  return transfer::base64_decode(s);
}

std::optional<std::string> jwt_payload(const std::string& jwt) {
  const auto a = jwt.find('.'), b = jwt.find('.', a == std::string::npos ? a : a + 1);
  if (b == std::string::npos || jwt.find('.', b + 1) != std::string::npos) return std::nullopt;
  return base64url_decode(std::string_view(jwt).substr(a + 1, b - a - 1));
}

std::optional<std::multimap<std::string, std::string>> parse_form(std::string_view body) {
  auto q = boost::urls::parse_query(body);
  if (!q) return std::nullopt;
  boost::urls::encoding_opts opt;
  opt.space_as_plus = true;
  std::multimap<std::string, std::string> out;
  for (auto p : boost::urls::params_view(*q, opt)) out.emplace(p.key, p.value);
  return out;
}

std::string form_value(const std::multimap<std::string, std::string>& form, const std::string& key) {
  auto it = form.find(key);
  return it == form.end() ? std::string() : it->second;
}

std::string sign_es256_jwt(const std::string& key_pem, const std::string& kid, const std::string& claims_json) {
  const std::string input = base64url(json::serialize(json::object{{"typ", "JWT"}, {"alg", "ES256"}, {"kid", kid}})) +
                            "." + base64url(claims_json);
  FILE* f = std::fopen(key_pem.c_str(), "r");
  EVP_PKEY* key = f ? PEM_read_PrivateKey(f, nullptr, nullptr, nullptr) : nullptr;
  if (f) std::fclose(f);
  if (!key) throw std::runtime_error("cannot read token key " + key_pem);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx, nullptr, &len, in, input.size());
  std::string der(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(der.data()), &len, in, input.size());
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));  // JWS wants r||s, not DER
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return input + "." + base64url(raw);
}

}  // namespace azure_detail

namespace {

loopback_server::response reply(unsigned status, const json::value& body) {
  loopback_server::response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}

/// header with key="..." set to value (a WWW-Authenticate challenge's realm or service).
std::string set_param(std::string header, const std::string& key, const std::string& value) {
  for (auto at = header.find(key + "=\""); at != std::string::npos; at = header.find(key + "=\"", at + 1)) {
    if (at > 0 && header[at - 1] != ' ' && header[at - 1] != ',') continue;
    const auto start = at + key.size() + 2, end = header.find('"', start);
    return end == std::string::npos ? header : header.replace(start, end - start, value);
  }
  return header + "," + key + "=\"" + value + "\"";
}

/// The exp claim of a JWT, if it has one.
std::optional<long long> jwt_exp(const std::string& jwt) {
  auto payload = jwt_payload(jwt);
  if (!payload) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*payload, ec);
  const json::value* exp = !ec && v.is_object() ? v.as_object().if_contains("exp") : nullptr;
  if (!exp || !exp->is_number()) return std::nullopt;
  auto n = exp->to_number<long long>(ec);
  return ec ? std::nullopt : std::optional<long long>(n);
}

bool has_duplicates(const std::multimap<std::string, std::string>& form, const std::string& except) {
  for (auto it = form.begin(); it != form.end(); it = form.upper_bound(it->first))
    if (it->first != except && form.count(it->first) > 1) return true;
  return false;
}

}  // namespace

acr_stand_in::acr_stand_in(const azure_ad_stand_in& aad, const token_keys& keys, std::string issuer,
                           std::string upstream_host, std::string upstream_port, std::string upstream_service)
    : aad_(aad),
      key_pem_(keys.key_pem),
      kid_(libtrust_key_id(keys.cert_pem)),
      issuer_(std::move(issuer)),
      upstream_host_(std::move(upstream_host)),
      upstream_port_(std::move(upstream_port)),
      upstream_service_(std::move(upstream_service)),
      server_([this](loopback_server::request& req) { return handle(req); }) {}

std::string acr_stand_in::last_refusal() const {
  std::lock_guard l(m_);
  return last_refusal_;
}

acr_stand_in::response acr_stand_in::refuse(unsigned status, const std::string& code, const std::string& message) {
  {
    std::lock_guard l(m_);
    last_refusal_ = code + ": " + message;
  }
  ++refused_;
  return reply(status, json::object{{"errors", json::array{json::object{{"code", code}, {"message", message}}}}});
}

acr_stand_in::response acr_stand_in::handle(loopback_server::request& req) {
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  if (path == "/oauth2/exchange") return exchange(req);
  if (path == "/oauth2/token") return token(req);
  if (path.starts_with("/oauth2/")) return refuse(404, "NOT_FOUND", "no such endpoint: " + path);
  return forward(req);
}

// POST /oauth2/exchange: grant_type=access_token, service, tenant, access_token (an Entra token for ACR).
acr_stand_in::response acr_stand_in::exchange(loopback_server::request& req) {
  if (req.method() != http::verb::post) return refuse(405, "UNSUPPORTED", "/oauth2/exchange takes POST only");
  if (!std::string(req[http::field::content_type]).starts_with("application/x-www-form-urlencoded"))
    return refuse(400, "BAD_REQUEST", "/oauth2/exchange takes an application/x-www-form-urlencoded body");
  auto form = parse_form(req.body());
  if (!form || has_duplicates(*form, ""))
    return refuse(400, "BAD_REQUEST", "malformed form, or a field given twice: " + req.body());
  if (form_value(*form, "grant_type") != "access_token")
    return refuse(
        400, "UNSUPPORTED",
        "grant_type '" + form_value(*form, "grant_type") + "' (access_token expected; the others are deprecated)");
  if (form_value(*form, "service") != host())
    return refuse(400, "BAD_REQUEST", "service '" + form_value(*form, "service") + "' is not " + host());
  const std::string tenant = form_value(*form, "tenant");
  if ((require_tenant_ && tenant.empty()) || (!tenant.empty() && tenant != aad_.tenant()))
    return refuse(401, "UNAUTHORIZED", "tenant '" + tenant + "' is not the registry's (" + aad_.tenant() + ")");
  if (form->count("refresh_token")) return refuse(400, "BAD_REQUEST", "refresh_token with grant_type=access_token");
  switch (aad_.judge(form_value(*form, "access_token"))) {
    case azure_ad_stand_in::verdict::valid:
      break;
    case azure_ad_stand_in::verdict::expired:
      ++expired_seen_;
      return refuse(401, "UNAUTHORIZED", "the AAD access token has expired");
    case azure_ad_stand_in::verdict::wrong_audience:
      return refuse(401, "UNAUTHORIZED", "the AAD access token is not for https://containerregistry.azure.net");
    case azure_ad_stand_in::verdict::unknown:
      return refuse(401, "UNAUTHORIZED", "the AAD access token was not issued by the AAD stand-in");
  }
  const long long now = now_seconds(), exp = now + refresh_lifetime_;
  json::object claims{{"jti", random_hex(16)},
                      {"sub", aad_.client_id()},
                      {"nbf", now},
                      {"exp", exp},
                      {"iat", now},
                      {"iss", "Azure Container Registry"},
                      {"aud", host()},
                      {"version", "1.0"},
                      {"grant_type", "refresh_token"},
                      {"tenant", aad_.tenant()},
                      {"permissions", json::object{{"actions", json::array{"*"}}, {"notActions", json::array{}}}},
                      {"roles", json::array{}}};
  const std::string refresh = sign_es256_jwt(key_pem_, kid_, json::serialize(claims));
  {
    std::lock_guard l(m_);
    refresh_tokens_[refresh] = std::chrono::system_clock::time_point(std::chrono::seconds(exp));
  }
  ++exchanges_;
  return reply(200, json::object{{"refresh_token", refresh}});
}

void acr_stand_in::revoke_refresh_tokens() {
  std::lock_guard l(m_);
  for (const auto& [token, until] : refresh_tokens_) revoked_.insert(token);
  refresh_tokens_.clear();
}

std::optional<acr_stand_in::response> acr_stand_in::check_refresh(const std::string& refresh_token) {
  std::optional<std::chrono::system_clock::time_point> expires;
  {
    std::lock_guard l(m_);
    if (auto it = refresh_tokens_.find(refresh_token); it != refresh_tokens_.end()) expires = it->second;
  }
  bool revoked = false;
  if (!expires) {
    std::lock_guard l(m_);
    revoked = revoked_.count(refresh_token) > 0;
  }
  if (revoked) {  // refused outside the lock: refuse() takes it
    ++revoked_seen_;
    return refuse(401, "UNAUTHORIZED", "the refresh token was revoked");
  }
  if (!expires) return refuse(401, "UNAUTHORIZED", "the refresh token was not issued by this registry");
  if (std::chrono::system_clock::now() >= *expires) {
    ++expired_seen_;
    return refuse(401, "UNAUTHORIZED", "the refresh token has expired");
  }
  return std::nullopt;
}

// POST /oauth2/token: grant_type=refresh_token, service, scope (repeatable), refresh_token.
// GET /oauth2/token?service&scope with Basic 00000000-0000-0000-0000-000000000000:<refresh token> (docker login).
acr_stand_in::response acr_stand_in::token(loopback_server::request& req) {
  std::optional<std::multimap<std::string, std::string>> form;
  std::string refresh;
  if (req.method() == http::verb::post) {
    if (!std::string(req[http::field::content_type]).starts_with("application/x-www-form-urlencoded"))
      return refuse(400, "BAD_REQUEST", "/oauth2/token takes an application/x-www-form-urlencoded body");
    form = parse_form(req.body());
    if (!form || has_duplicates(*form, "scope"))
      return refuse(400, "BAD_REQUEST", "malformed form, or a field given twice: " + req.body());
    if (form_value(*form, "grant_type") != "refresh_token")
      return refuse(400, "UNSUPPORTED",
                    "grant_type '" + form_value(*form, "grant_type") + "' (refresh_token expected)");
    if (!form->count("scope")) return refuse(400, "BAD_REQUEST", "no scope");
    refresh = form_value(*form, "refresh_token");
  } else if (req.method() == http::verb::get) {
    const std::string target(req.target());
    const auto q = target.find('?');
    form = parse_form(q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1));
    if (!form || has_duplicates(*form, "scope"))
      return refuse(400, "BAD_REQUEST", "malformed query, or a parameter given twice: " + target);
    const std::string auth(req[http::field::authorization]);
    const auto pair = auth.starts_with("Basic ") ? transfer::base64_decode(auth.substr(6)) : std::nullopt;
    if (!pair || !pair->starts_with(null_guid + ":"))
      return refuse(401, "UNAUTHORIZED", "GET /oauth2/token wants Basic " + null_guid + ":<refresh token>");
    refresh = pair->substr(null_guid.size() + 1);
  } else {
    return refuse(405, "UNSUPPORTED", "/oauth2/token takes POST or GET");
  }
  if (form_value(*form, "service") != host())
    return refuse(400, "BAD_REQUEST", "service '" + form_value(*form, "service") + "' is not " + host());
  std::vector<std::string> scopes;
  for (auto [it, end] = form->equal_range("scope"); it != end; ++it) {
    if (it->second.empty()) return refuse(400, "BAD_REQUEST", "an empty scope");
    for (std::size_t from = 0; from < it->second.size();) {  // one field may hold several, space separated
      const auto to = std::min(it->second.find(' ', from), it->second.size());
      const std::string s = it->second.substr(from, to - from);
      from = to + 1;
      if (s.empty()) continue;
      const auto first = s.find(':'), last = s.rfind(':');
      if (first == std::string::npos || first == last || first == 0 || last == first + 1 || last + 1 == s.size())
        return refuse(400, "BAD_REQUEST", "scope '" + s + "' is not type:name:actions");
      scopes.push_back(s);
    }
  }
  if (auto refusal = check_refresh(refresh)) return std::move(*refusal);
  const std::string access = mint_access(scopes);
  ++token_requests_;
  return reply(200, json::object{{"access_token", access}});
}

std::string acr_stand_in::mint_access(const std::vector<std::string>& scopes) {
  json::array access;
  for (const auto& s : scopes) {
    const auto first = s.find(':'), last = s.rfind(':');
    json::array actions;
    const std::string list = s.substr(last + 1) + ",";
    for (auto at = list.find(','), from = std::string::size_type{0}; at != std::string::npos;
         from = at + 1, at = list.find(',', from))
      if (at > from) actions.emplace_back(list.substr(from, at - from));
    access.push_back(json::object{{"type", s.substr(0, first)},
                                  {"name", s.substr(first + 1, last - first - 1)},
                                  {"actions", std::move(actions)}});
  }
  const long long now = now_seconds();
  json::object claims{{"iss", issuer_},
                      {"sub", null_guid},
                      {"aud", upstream_service_},
                      {"exp", now + access_lifetime_},
                      {"nbf", now},
                      {"iat", now},
                      {"jti", random_hex(16) + "-" + std::to_string(++minted_)},
                      {"access", std::move(access)},
                      {"version", "1.0"},
                      {"grant_type", "refresh_token"}};
  return sign_es256_jwt(key_pem_, kid_, json::serialize(claims));
}

// Anything else goes to the registry; its challenges name this proxy's realm and service. A Bearer token whose exp
// has passed is refused here (the registry itself would still take it within its minute of leeway): the request goes
// on without it, so the registry answers with its challenge, marked error="invalid_token".
acr_stand_in::response acr_stand_in::forward(loopback_server::request& req) {
  const std::string auth(req[http::field::authorization]);
  const auto exp = auth.starts_with("Bearer ") ? jwt_exp(auth.substr(7)) : std::nullopt;
  const bool expired = exp && *exp <= now_seconds();
  if (expired) {
    ++expired_seen_;
    req.erase(http::field::authorization);
  }
  auto res = forward_request(upstream_host_, upstream_port_, req);
  if (res.result() != http::status::unauthorized) return res;
  if (auto it = res.find(http::field::www_authenticate); it != res.end()) {
    std::string challenge(it->value());
    challenge = set_param(set_param(challenge, "realm", "http://" + host() + "/oauth2/token"), "service", host());
    if (expired) challenge = set_param(challenge, "error", "invalid_token");
    res.set(http::field::www_authenticate, challenge);
  }
  return res;
}

}  // namespace ocimirror::testing
