#include "transfer/registry/auth_state.hpp"

#include "transfer/oci/outside.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace ocimirror::transfer {

scope_set merge_scopes(scope_set a, const scope_set& b) {
  a.insert(a.end(), b.begin(), b.end());
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  return a;
}

boost::system::result<bearer_token, std::string> token_from(const boost::json::value& doc,
                                                            std::chrono::steady_clock::time_point now) {
  if (!doc.is_object()) return {boost::system::in_place_error, "answered no JSON object"};
  bearer_token t;
  const auto& o = doc.as_object();
  for (auto k : {"token", "access_token"})
    if (auto* v = o.if_contains(k); v && v->is_string() && !v->as_string().empty())
      t.value = std::string(v->as_string());
  if (t.value.empty()) return {boost::system::in_place_error, "answered without a token"};
  // The token goes into every later request's Authorization header: RFC 6750's grammar, or nothing at all.
  if (!is_b64token(t.value))
    return {boost::system::in_place_error,
            "answered a token that is not an RFC 6750 b64token (letters, digits, -._~+/ and trailing =); refused"};
  // The spec's default is 60 s, and "a token should never be returned with less than 60 seconds to live": a
  // shorter (or absurd) lifetime is not taken at its word, so tokens are never fetched more often than that.
  std::int64_t expires_in = 60;
  if (auto* v = o.if_contains("expires_in"))
    expires_in = clamped_number<std::int64_t>(*v, 60, 365LL * 24 * 3600).value_or(60);
  // Renewed at 90 % of the lifetime, so a token never expires between the check and the request.
  t.renew_at = now + std::chrono::milliseconds(expires_in * 900);
  return t;
}

std::string auth_state::key_of(const scope_set& s) {
  std::string k;
  for (const auto& x : s) k += x + " ";
  return k;
}

std::optional<std::string> auth_state::token(const scope_set& scopes, std::chrono::steady_clock::time_point now) const {
  auto it = tokens_.find(key_of(scopes));
  if (it == tokens_.end() || it->second.renew_at <= now) return std::nullopt;
  return it->second.value;
}

scope_set auth_state::scopes_to_ask(const scope_set& scopes) const {
  auto g = granted_.find(key_of(scopes));
  return g == granted_.end() ? scopes : merge_scopes(scopes, g->second);
}

void auth_state::store(const scope_set& scopes, bearer_token t) { tokens_[key_of(scopes)] = std::move(t); }

auth_state::lesson auth_state::learn(const std::vector<challenge>& challenges, const scope_set& scopes,
                                     bool have_credentials) {
  const challenge* bearer = nullptr;
  const challenge* basic = nullptr;
  for (const auto& c : challenges) {
    if (c.scheme == "bearer" && !bearer) bearer = &c;
    if (c.scheme == "basic" && !basic) basic = &c;
  }
  if (bearer && !bearer->param("realm").empty()) {
    how_ = scheme::bearer;
    realm_ = bearer->param("realm");
    service_ = bearer->param("service");
    if (auto extra = bearer->param("scope"); !extra.empty()) {
      scope_set add;
      for (std::size_t p = 0; p <= extra.size();) {  // several scopes are space-separated
        auto sp = extra.find(' ', p);
        if (sp == std::string::npos) sp = extra.size();
        if (sp > p) add.push_back(extra.substr(p, sp - p));
        p = sp + 1;
      }
      auto& g = granted_[key_of(scopes)];
      g = merge_scopes(g, add);
    }
    return {lesson::next::fetch_token, scopes_to_ask(scopes)};
  }
  if (basic) {
    // Requests sent at once before the first challenge all come back 401: each is worth one more try with the
    // credentials (the caller bounds the tries, so rejected credentials fail after that).
    how_ = scheme::basic;
    return {have_credentials ? lesson::next::send_basic : lesson::next::give_up, {}};
  }
  return {};
}

refresh_timing refresh_timing_for(std::chrono::seconds lifetime) {
  using std::chrono::seconds;
  const auto life = std::max(lifetime, seconds(0));
  return {std::min(seconds(600), life / 2), std::clamp(life / 4, seconds(5), seconds(60))};
}

}  // namespace ocimirror::transfer
