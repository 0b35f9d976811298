#include "transfer/registry/auth.hpp"

#include "transfer/net/headers.hpp"
#include "transfer/net/retry.hpp"
#include "transfer/net/stopper.hpp"
#include "transfer/net/trace.hpp"
#include "transfer/oci/errors.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include <algorithm>
#include <random>

namespace ocimirror::transfer {
namespace json = boost::json;

scope_set pull_scope(const std::string& repo) { return {"repository:" + repo + ":pull"}; }
scope_set push_scope(const std::string& repo) { return {"repository:" + repo + ":pull,push"}; }
scope_set merge_scopes(scope_set a, const scope_set& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  return a;
}

namespace {
std::string key_of(const scope_set& s) {
  std::string k;
  for (const auto& x : s) k += x + " ";
  return k;
}
std::string form_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else {
      static constexpr char hex[] = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}
}  // namespace

std::optional<std::string> realm_refusal(std::string_view registry, std::string_view realm,
                                         const plain_http_check& plain) {
  url_parts u;
  try {
    u = split_url(realm);
  } catch (const error&) {
    return "registry " + std::string(registry) + " sent a token realm that is not an http(s) URL";
  }
  if (u.tls) return std::nullopt;
  if (plain && (plain(u.authority) || plain(u.host + ":" + u.port))) return std::nullopt;
  if (plain && plain(registry)) {
    try {
      if (split_url("https://" + std::string(registry)).host == u.host) return std::nullopt;
    } catch (const error&) {}
  }
  return "registry " + std::string(registry) + " asks for its token at " + printable(u.origin) +
         " over plain HTTP; ocimirror sends credentials over plain HTTP only to hosts configured so (tls: disabled "
         "for " +
         u.authority + ", or --plain-http-host " + u.authority + ")";
}

authenticator::authenticator(http_client& http, credential_lookup lookup) : http_(http), lookup_(std::move(lookup)) {}

const std::optional<credentials>& authenticator::creds_for(const std::string& registry, registry_state& st) {
  if (!st.creds) st.creds = lookup_ ? lookup_(registry) : std::nullopt;
  return *st.creds;
}

bool authenticator::has_credentials(const std::string& registry) {
  return creds_for(registry, state_[registry]).has_value();
}

awaitable<std::string> authenticator::authorization(const std::string& registry, const scope_set& scopes) {
  auto& st = state_[registry];
  if (st.how == registry_state::mode::basic) {
    const auto& c = creds_for(registry, st);
    co_return c ? "Basic " + base64_encode(c->username + ":" + c->password) : std::string();
  }
  if (st.how != registry_state::mode::bearer) co_return std::string();
  const std::string key = key_of(scopes);
  auto it = st.tokens.find(key);
  if (it == st.tokens.end() || it->second.expires <= std::chrono::steady_clock::now()) {
    auto want = scopes;
    if (auto g = st.granted.find(key); g != st.granted.end()) want = merge_scopes(want, g->second);
    st.tokens[key] = co_await fetch_token(registry, st, want);
    it = st.tokens.find(key);
  }
  co_return it->second.value.empty() ? std::string() : "Bearer " + it->second.value;
}

awaitable<bool> authenticator::on_unauthorized(const std::string& registry, const scope_set& scopes,
                                               std::string_view header) {
  auto& st = state_[registry];
  const auto challenges = parse_www_authenticate(header);
  const challenge* bearer = nullptr;
  const challenge* basic = nullptr;
  for (const auto& c : challenges) {
    if (c.scheme == "bearer" && !bearer) bearer = &c;
    if (c.scheme == "basic" && !basic) basic = &c;
  }
  if (bearer && !bearer->param("realm").empty()) {
    const std::string key = key_of(scopes);
    st.how = registry_state::mode::bearer;
    st.realm = bearer->param("realm");
    st.service = bearer->param("service");
    scope_set want = scopes;
    if (auto extra = bearer->param("scope"); !extra.empty()) {
      scope_set add;
      for (std::size_t p = 0; p <= extra.size();) {  // several scopes are space-separated
        auto sp = extra.find(' ', p);
        if (sp == std::string::npos) sp = extra.size();
        if (sp > p) add.push_back(extra.substr(p, sp - p));
        p = sp + 1;
      }
      st.granted[key] = merge_scopes(st.granted[key], add);
      want = merge_scopes(want, st.granted[key]);
    }
    // Once a bearer registry, a 401 means the token expired or was revoked: a fresh one is worth one more try even
    // when the token service hands back the same string (the caller bounds the tries).
    st.tokens[key] = co_await fetch_token(registry, st, want);
    co_return true;
  }
  if (basic) {
    // Requests sent at once before the first challenge all come back 401: each is worth one more try with the
    // credentials (the caller bounds the tries, so rejected credentials fail after that).
    st.how = registry_state::mode::basic;
    co_return creds_for(registry, st).has_value();
  }
  co_return false;
}

awaitable<string_response> authenticator::ask_token_service(const std::string& registry, registry_state& st,
                                                            const scope_set& scopes) {
  const auto& c = creds_for(registry, st);
  if (c)
    if (auto why = realm_refusal(registry, st.realm, plain_)) throw error(errc::tls, *why);
  if (trace::enabled() && url_origin(st.realm) != url_origin("https://" + registry))
    trace::emit("token-realm", {{"registry", registry}, {"realm", trace::redact_url(st.realm)}});
  if (c && !c->identity_token.empty()) {
    // OAuth2 refresh-token grant: how docker uses an identity token.
    std::string form = "grant_type=refresh_token&client_id=ocimirror&service=" + form_escape(st.service) +
                       "&refresh_token=" + form_escape(c->identity_token);
    std::string scope_text;
    for (const auto& s : scopes) scope_text += (scope_text.empty() ? "" : " ") + s;
    if (!scope_text.empty()) form += "&scope=" + form_escape(scope_text);
    http::request<http::string_body> req{http::verb::post, "", 11};
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = std::move(form);
    co_return co_await http_.send(st.realm, std::move(req), 1 << 20);
  }
  auto parsed = boost::urls::parse_uri(st.realm);
  if (!parsed) throw error(errc::protocol, "registry " + registry + " sent an invalid token realm");
  boost::urls::url u = *parsed;
  if (!st.service.empty()) u.params().append({"service", st.service});
  for (const auto& s : scopes) u.params().append({"scope", s});
  http::request<http::string_body> req{http::verb::get, "", 11};
  if (c && !c->username.empty())
    req.set(http::field::authorization, "Basic " + base64_encode(c->username + ":" + c->password));
  co_return co_await http_.send(u.buffer(), std::move(req), 1 << 20);
}

// The token service fails like any server (throttling, 5xx, broken connections) and its answer can arrive garbled:
// asked again a few times with a backoff before the failure is reported.
awaitable<authenticator::token> authenticator::fetch_token(const std::string& registry, registry_state& st,
                                                           const scope_set& scopes) {
  const auto& c = creds_for(registry, st);
  const retry_policy backoff_policy;
  std::mt19937_64 rng{std::random_device{}()};
  string_response res;
  json::value doc;
  for (int attempt = 0;; ++attempt) {
    bool again = false;
    try {
      res = co_await ask_token_service(registry, st, scopes);
      boost::system::error_code ec;
      if (res.result_int() == 200) doc = json::parse(res.body(), ec);
      again = retryable_status(res.result_int()) || (res.result_int() == 200 && (ec || !doc.is_object()));
    } catch (const error& e) {
      if (!retryable(e.code()) || attempt + 1 >= corrupt_fetches) throw;
      again = true;
    }
    if (!again || attempt + 1 >= corrupt_fetches) break;
    const auto wait = backoff(backoff_policy, attempt, rng());
    co_await sleep_for(wait, http_.options().stop);
  }
  if (res.result_int() == 401 || res.result_int() == 403)
    throw error(errc::unauthorized,
                "registry " + registry + " refused " +
                    (c ? "the credentials for user '" + c->username + "'" : std::string("anonymous access")) +
                    " at its token service (" + describe_registry_error(res.result_int(), res.body()) +
                    (c ? "); check the username and password" : "); log in with `ocimirror login " + registry + "`"));
  if (res.result_int() != 200)
    throw error(errc_from_status(res.result_int()),
                "token service of " + registry + " answered " + describe_registry_error(res.result_int(), res.body()));
  if (!doc.is_object()) throw error(errc::protocol, "token service of " + registry + " answered no JSON object");
  token t;
  const auto& o = doc.as_object();
  for (auto k : {"token", "access_token"})
    if (auto* v = o.if_contains(k); v && v->is_string() && !v->as_string().empty())
      t.value = std::string(v->as_string());
  if (t.value.empty()) throw error(errc::protocol, "token service of " + registry + " answered without a token");
  std::int64_t expires_in = 60;  // the spec's default
  if (auto* v = o.if_contains("expires_in"); v && v->is_int64() && v->as_int64() > 0) expires_in = v->as_int64();
  // Renew at 90% of the lifetime so a token never expires between the check and the request.
  t.expires = std::chrono::steady_clock::now() + std::chrono::milliseconds(expires_in * 900);
  if (trace::enabled()) {
    std::string scope_text;
    for (const auto& sc : scopes) scope_text += (scope_text.empty() ? "" : " ") + sc;
    trace::emit("token", {{"registry", registry}, {"scope", scope_text}, {"expiresIn", expires_in}});
  }
  co_return t;
}

}  // namespace ocimirror::transfer
