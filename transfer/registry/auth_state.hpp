#pragma once
// What one registry's authentication knows and decides, apart from the requests that teach it: the scheme its
// challenges asked for, the token service (realm, service), the tokens cached per scope set until 90 % of their
// lifetime, and the extra scopes a challenge asked for (insufficient_scope). authenticator (auth.hpp) carries the
// decisions out. Pure: unit-tested without sockets.
#include "transfer/net/headers.hpp"

#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocimirror::transfer {

/// Sorted, unique "repository:<name>:<actions>" scopes one request needs.
using scope_set = std::vector<std::string>;
scope_set merge_scopes(scope_set a, const scope_set& b);

struct bearer_token {
  std::string value;
  std::chrono::steady_clock::time_point renew_at;  ///< 90 % of the lifetime the token service gave
};

/// A token service's JSON answer ({"token"} or {"access_token"}, "expires_in" seconds, 60 by default), or why not.
boost::system::result<bearer_token, std::string> token_from(const boost::json::value& doc,
                                                            std::chrono::steady_clock::time_point now);

/// When credentials that expire (a cloud identity's) are fetched again: `margin` before they expire (10 minutes, or
/// half their lifetime when that is shorter: a token of a minute is renewed at 30 s), and never sooner than `floor`
/// after the last fetch, even after a 401 (a minute, or a quarter of the lifetime when shorter, at least 5 s), so
/// that a source claiming absurd expiries, or a registry refusing everything, never makes a storm of fetches.
struct refresh_timing {
  std::chrono::seconds margin, floor;
};
refresh_timing refresh_timing_for(std::chrono::seconds lifetime);

class auth_state {
 public:
  enum class scheme { unknown, basic, bearer };
  /// What a 401 leads to: a token to fetch for `scopes` (bearer), the credentials to send (basic), or nothing
  /// that could help.
  struct lesson {
    enum class next { fetch_token, send_basic, give_up } what = next::give_up;
    scope_set scopes;  ///< fetch_token: what to ask the token service for
  };

  scheme how() const { return how_; }
  const std::string& realm() const { return realm_; }
  const std::string& service() const { return service_; }

  /// A cached token for `scopes` that is still good at `now`.
  std::optional<std::string> token(const scope_set& scopes, std::chrono::steady_clock::time_point now) const;
  /// What to ask the token service for when a request needs `scopes`: them, and what challenges added to them.
  scope_set scopes_to_ask(const scope_set& scopes) const;
  void store(const scope_set& scopes, bearer_token t);
  /// Learns from a 401's challenges for a request that needed `scopes`. A bearer challenge names the token
  /// service (and maybe extra scopes); once a registry is bearer, a 401 means the token expired or was revoked,
  /// so a fresh one is worth one more try. A basic challenge is worth a try when there are credentials.
  lesson learn(const std::vector<challenge>& challenges, const scope_set& scopes, bool have_credentials);

 private:
  static std::string key_of(const scope_set& s);
  scheme how_ = scheme::unknown;
  std::string realm_, service_;
  std::map<std::string, bearer_token> tokens_;  ///< by scope-set key
  std::map<std::string, scope_set> granted_;    ///< extra scopes a challenge asked for, by scope-set key
};

}  // namespace ocimirror::transfer
