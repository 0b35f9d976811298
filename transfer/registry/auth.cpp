#include "transfer/registry/auth.hpp"

#include "transfer/net/headers.hpp"
#include "transfer/net/off_loop.hpp"
#include "transfer/net/retrier.hpp"
#include "transfer/net/trace.hpp"
#include "transfer/oci/errors.hpp"

#include <boost/json.hpp>
#include <boost/url.hpp>

#include <algorithm>

namespace ocimirror::transfer {
namespace json = boost::json;

scope_set pull_scope(const std::string& repo) { return {"repository:" + repo + ":pull"}; }
scope_set push_scope(const std::string& repo) { return {"repository:" + repo + ":pull,push"}; }

namespace {
constexpr std::size_t max_token_answer = 1u << 20;

/// Whether the realm is a URL ocimirror would send a request to at all.
bool realm_usable(std::string_view realm) {
  try {
    split_url(realm);
    return true;
  } catch (const error&) {
    return false;
  }
}

/// Whether an https realm is served by a parent domain of the registry's host (us.gcr.io asking at gcr.io).
bool parent_realm(std::string_view registry, std::string_view realm) {
  try {
    const auto r = split_url(realm);
    const std::string host(
        registry.substr(0, registry.rfind(':') == std::string_view::npos ? registry.size() : registry.rfind(':')));
    return r.tls && r.host.find('.') != std::string::npos && host.ends_with("." + r.host);
  } catch (const error&) {
    return false;
  }
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
                                         const plain_http_check& plain, const advice& hints) {
  url_parts u;
  try {
    u = split_url(realm);
  } catch (const error& e) {
    return "registry " + std::string(registry) + " sent a token realm ocimirror will not use: " + e.what();
  }
  if (u.tls) return std::nullopt;
  // Over plain HTTP only to an origin the operator named: the realm's own host and port, or the registry's own
  // origin when the registry is plain. Hosts alone are not enough: another port on the registry's host is another
  // service (the daemon's own admin API among them).
  const std::string hostport = (u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host) + ":" + u.port;
  if (plain && (plain(u.authority) || plain(hostport))) return std::nullopt;
  if (plain && plain(registry) && same_origin("http://" + std::string(registry), u.origin)) return std::nullopt;
  return "registry " + std::string(registry) + " asks for its token at " + printable(u.origin) +
         " over plain HTTP; ocimirror sends credentials over plain HTTP only to origins configured so (" +
         hints.allow_plain(u.authority) + ")";
}

authenticator::authenticator(http_client& http, credential_lookup lookup) : http_(http), lookup_(std::move(lookup)) {}

awaitable<const std::optional<credentials>*> authenticator::creds_for(const std::string& registry, registry_state& st) {
  if (!st.creds) {
    // The lookup may run a credential helper or read a file: on a thread of its own, once per registry, while the
    // loop (health checks, metrics, other policies) goes on.
    auto turn = co_await looking_up_.begin(registry);
    if (!turn) {  // another request looked meanwhile: its answer, or its failure
      if (st.lookup_failed) std::rethrow_exception(st.lookup_failed);
    } else if (!st.creds) {
      st.lookup_failed = nullptr;
      try {
        std::function<std::optional<credentials>()> job;
        if (lookup_) job = [lookup = lookup_, registry] { return lookup(registry); };
        std::optional<credentials> found;
        if (job) found = co_await off_loop(job);
        st.creds = std::move(found);
      } catch (...) {
        st.lookup_failed = std::current_exception();  // asked again by the next request: a helper may recover
        throw;
      }
    }
  }
  if (!st.creds) co_return &no_credentials_;
  co_return &*st.creds;
}

awaitable<std::optional<credentials>> authenticator::credentials_of(const std::string& registry) {
  const auto* c = co_await creds_for(registry, state_[registry]);
  co_return *c;
}

bool authenticator::has_credentials(const std::string& registry) {
  auto it = state_.find(registry);
  return it != state_.end() && it->second.creds && it->second.creds->has_value();
}

awaitable<bool> authenticator::refresh_if_due(const std::string& registry, registry_state& st, bool force) {
  using steady = std::chrono::steady_clock;
  if (!refresh_) co_return false;
  const bool usable = st.expires && std::chrono::system_clock::now() < *st.expires;
  if (!st.expires) {
    const auto* own = co_await creds_for(registry, st);
    if (own->has_value()) co_return false;  // the lookup's own credentials win
    if (st.found_none && steady::now() < *st.found_none + none_found_pause) co_return false;
  } else {
    const auto timing = refresh_timing_for(st.lifetime);
    const bool due = force || *st.expires <= std::chrono::system_clock::now() + timing.margin;
    if (!due || steady::now() < st.fetched + timing.floor)
      co_return false;  // still fresh; or fetched moments ago, whatever expiry the answer claimed
  }
  if (st.refresh_failed && steady::now() < st.failed_at + failure_pause) {
    if (usable) co_return false;                // what is in hand still works: used while the source recovers
    std::rethrow_exception(st.refresh_failed);  // not asked again at once: no storm at a failing token service
  }
  // Requests that start together wait for one fetch instead of each asking (or going on without credentials).
  const auto before = st.generation;
  auto turn = co_await refreshing_.begin(registry);
  if (!turn) {  // another request fetched meanwhile: its credentials, or its failure
    if (st.generation != before) co_return true;
    if (st.refresh_failed && !usable) std::rethrow_exception(st.refresh_failed);
    co_return false;
  }
  st.refresh_failed = nullptr;
  try {
    auto fresh = co_await refresh_(registry, force);
    if (!fresh) {
      st.found_none = steady::now();  // no identity here: asked again after the pause, not per request
      co_return false;
    }
    const auto now = std::chrono::system_clock::now();
    st.creds = std::optional<credentials>(std::move(fresh->creds));
    st.expires = fresh->expires;
    st.lifetime = std::chrono::duration_cast<std::chrono::seconds>(
        std::max(fresh->expires - now, std::chrono::system_clock::duration::zero()));
    st.fetched = steady::now();
    st.found_none.reset();
    ++st.generation;
    if (trace::enabled())
      trace::emit("credentials", {{"registry", registry}, {"lifetime", std::to_string(st.lifetime.count())}});
    co_return true;
  } catch (...) {
    st.refresh_failed = std::current_exception();
    st.failed_at = steady::now();
    if (!usable) throw;
    if (trace::enabled())  // the old ones serve until they expire
      trace::emit("credentials-refresh-failed", {{"registry", registry}});
    co_return false;
  }
}

awaitable<std::string> authenticator::authorization(const std::string& registry, const scope_set& scopes) {
  auto& st = state_[registry];
  co_await refresh_if_due(registry, st);
  if (st.auth.how() == auth_state::scheme::basic) {
    const auto& c = *co_await creds_for(registry, st);
    co_return c ? "Basic " + base64_encode(c->username + ":" + c->password) : std::string();
  }
  if (st.auth.how() != auth_state::scheme::bearer) co_return std::string();
  if (auto cached = st.auth.token(scopes, std::chrono::steady_clock::now())) co_return "Bearer " + *cached;
  const auto want = st.auth.scopes_to_ask(scopes);
  auto fresh = co_await fetch_token(registry, st, want);
  const std::string header = "Bearer " + fresh.value;
  st.auth.store(scopes, std::move(fresh));
  co_return header;
}

awaitable<bool> authenticator::on_unauthorized(const std::string& registry, const scope_set& scopes,
                                               std::string_view header) {
  auto& st = state_[registry];
  // Basic credentials from a cloud identity that were just sent and refused: fetched again (past the floor).
  const bool refused_basic = st.auth.how() == auth_state::scheme::basic && st.expires.has_value();
  co_await refresh_if_due(registry, st, refused_basic);
  const auto* known = co_await creds_for(registry, st);
  const bool have = known->has_value();
  const auto lesson = st.auth.learn(parse_www_authenticate(header), scopes, have);
  if (lesson.what == auth_state::lesson::next::fetch_token) {
    // Even when the token service hands back the same string: the caller bounds the tries.
    auto fresh = co_await fetch_token(registry, st, lesson.scopes);
    st.auth.store(scopes, std::move(fresh));
    co_return true;
  }
  co_return lesson.what == auth_state::lesson::next::send_basic;
}

awaitable<string_response> authenticator::ask_token_service(const std::string& registry, registry_state& st,
                                                            const scope_set& scopes) {
  const auto& c = *co_await creds_for(registry, st);
  if (c)
    if (auto why = realm_refusal(registry, st.auth.realm(), plain_, http_.options().hints))
      throw error(realm_usable(st.auth.realm()) ? errc::tls : errc::protocol, *why);
  // A cloud identity's credentials (an ACR refresh token, a Google access token) open more than this registry:
  // they go to its own origin only, where ACR, Artifact Registry, gcr.io and ghcr.io all serve their tokens.
  const std::string own = (plain_ && plain_(registry) ? "http://" : "https://") + registry;
  if (c && st.expires && !same_origin(own, st.auth.realm()) && !parent_realm(registry, st.auth.realm()))
    throw error(errc::protocol, "registry " + registry + " asks for its token at " +
                                    printable(url_origin(st.auth.realm())) +
                                    "; credentials from a cloud identity go only to the registry's own origin");
  if (trace::enabled() && url_origin(st.auth.realm()) != url_origin("https://" + registry))
    trace::emit("token-realm", {{"registry", registry}, {"realm", trace::redact_url(st.auth.realm())}});
  if (c && !c->identity_token.empty()) {
    // OAuth2 refresh-token grant: how docker uses an identity token.
    std::string form = "grant_type=refresh_token&client_id=ocimirror&service=" + form_escape(st.auth.service()) +
                       "&refresh_token=" + form_escape(c->identity_token);
    std::string scope_text;
    for (const auto& s : scopes) scope_text += (scope_text.empty() ? "" : " ") + s;
    if (!scope_text.empty()) form += "&scope=" + form_escape(scope_text);
    http::request<http::string_body> req{http::verb::post, "", 11};
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = std::move(form);
    co_return co_await http_.send(st.auth.realm(), std::move(req), max_token_answer);
  }
  if (!realm_usable(st.auth.realm()))  // file://, a user name in it: the registry's fault, not TLS's
    throw error(errc::protocol, "registry " + registry +
                                    " sent a token realm ocimirror will not use: not an http(s) URL without a user "
                                    "name or password");
  auto parsed = boost::urls::parse_uri(st.auth.realm());
  if (!parsed) throw error(errc::protocol, "registry " + registry + " sent an invalid token realm");
  boost::urls::url u = *parsed;
  if (!st.auth.service().empty()) u.params().append({"service", st.auth.service()});
  for (const auto& s : scopes) u.params().append({"scope", s});
  http::request<http::string_body> req{http::verb::get, "", 11};
  if (c && !c->username.empty())
    req.set(http::field::authorization, "Basic " + base64_encode(c->username + ":" + c->password));
  co_return co_await http_.send(u.buffer(), std::move(req), max_token_answer);
}

// The token service fails like any server (throttling, 5xx, broken connections) and its answer can arrive garbled:
// asked again a few times with a backoff before the failure is reported.
awaitable<bearer_token> authenticator::fetch_token(const std::string& registry, registry_state& st,
                                                   const scope_set& scopes, bool after_refresh) {
  const auto generation = st.generation;  // the credentials this ask is made with
  const auto& c = *co_await creds_for(registry, st);
  retrier retry("token service of " + registry, retry_policy{}, http_.options().stop);
  retry_budget asks(budget_kind::token, retry.policy().token);
  string_response res;
  json::value doc;
  for (;;) {
    std::exception_ptr broken;
    try {
      res = co_await ask_token_service(registry, st, scopes);
      boost::system::error_code ec;
      if (res.result_int() == 200) doc = json::parse(res.body(), ec);
      if (!retryable_status(res.result_int()) && (res.result_int() != 200 || (!ec && doc.is_object()))) break;
    } catch (const error& e) {
      // Its own failure, named as the token service's: not a "manifest too large" of the request that needed it.
      if (e.code() == errc::too_large)
        throw error(errc::protocol, "token service of " + registry + " (" + printable(url_origin(st.auth.realm())) +
                                        ") answered more than " + std::to_string(max_token_answer >> 10) +
                                        " KiB; refused");
      if (!retryable(e.code())) throw;
      broken = std::current_exception();
    }
    const std::string after = broken ? std::string() : std::string(res[http::field::retry_after]);
    const bool again = co_await retry.again(asks, after);  // the token service's Retry-After, as a registry's
    if (again) continue;
    if (broken) std::rethrow_exception(broken);
    break;  // the last answer is reported below
  }
  if ((res.result_int() == 401 || res.result_int() == 403) && st.expires && !after_refresh) {
    // A cloud identity's credentials the token service no longer takes (revoked, expired early): fetched again
    // once, past the floor, and the token asked for again with them; or with those another request fetched
    // while this one was asking.
    bool fresh = st.generation != generation;
    if (!fresh) fresh = co_await refresh_if_due(registry, st, true);
    if (fresh) co_return co_await fetch_token(registry, st, scopes, true);
  }
  if (res.result_int() == 401 || res.result_int() == 403)
    throw error(errc::unauthorized,
                "registry " + registry + " refused " +
                    (c ? "the credentials for user '" + c->username + "'" : std::string("anonymous access")) +
                    " at its token service (" + describe_registry_error(res.result_int(), res.body()) +
                    (c ? "); check the username and password" : "); " + http_.options().hints.login(registry)));
  if (res.result_int() != 200)
    throw error(errc_from_status(res.result_int()),
                "token service of " + registry + " answered " + describe_registry_error(res.result_int(), res.body()));
  auto t = token_from(doc, std::chrono::steady_clock::now());
  if (!t) throw error(errc::protocol, "token service of " + registry + " " + t.error());
  if (trace::enabled()) {
    std::string scope_text;
    for (const auto& sc : scopes) scope_text += (scope_text.empty() ? "" : " ") + sc;
    trace::emit("token", {{"registry", registry}, {"scope", scope_text}});
  }
  co_return std::move(*t);
}

}  // namespace ocimirror::transfer
