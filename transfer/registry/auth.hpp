#pragma once
// Registry authentication: anonymous, Basic, and the Bearer token flow (challenge → token endpoint with every
// scope, tokens cached per registry and scope set until they expire, re-asked with the added scope on
// insufficient_scope). Never logs or returns secrets in messages.
#include "transfer/net/http.hpp"
#include "transfer/net/single_flight.hpp"
#include "transfer/registry/auth_state.hpp"
#include "transfer/registry/credentials.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocimirror::transfer {

scope_set pull_scope(const std::string& repo);
scope_set push_scope(const std::string& repo);

/// Whether the user configured "host:port" to be spoken to over plain HTTP.
using plain_http_check = std::function<bool(std::string_view authority)>;

/// Why credentials for `registry` must not go to the token realm `realm`, or nullopt when they may: always over
/// HTTPS; over plain HTTP only to a host configured as plain HTTP, or to the registry's own host when the registry
/// itself is configured so. (An HTTPS registry whose challenge names an http:// realm would otherwise receive the
/// password in clear text.)
std::optional<std::string> realm_refusal(std::string_view registry, std::string_view realm,
                                         const plain_http_check& plain, const advice& hints = {});

class authenticator {
 public:
  using credential_lookup = std::function<std::optional<credentials>(const std::string& registry)>;
  authenticator(http_client& http, credential_lookup lookup);
  /// Credentials that expire (a cloud identity's: ECR's password, ACR's refresh token, Google's access token, a
  /// GitHub App's installation token): asked for when the lookup has none for a registry, so a docker config or
  /// credential helper still wins; asked again before they expire and after the registry refused them, one fetch
  /// for every request waiting, as refresh_timing_for() says.
  struct timed_credentials {
    credentials creds;
    std::chrono::system_clock::time_point expires;
  };
  /// refused: the registry refused what the last call answered, so nothing the source kept may be answered again.
  using credential_refresh =
      std::function<awaitable<std::optional<timed_credentials>>(const std::string& registry, bool refused)>;
  void refresh_with(credential_refresh r) { refresh_ = std::move(r); }
  /// Which hosts may receive credentials over plain HTTP (default: none).
  void allow_plain_http(plain_http_check plain) { plain_ = std::move(plain); }

  /// The Authorization header for a request to `registry` needing `scopes`; empty when none is known to help.
  awaitable<std::string> authorization(const std::string& registry, const scope_set& scopes);
  /// Learns from a 401's WWW-Authenticate header; true when a retry carries new authorization.
  awaitable<bool> on_unauthorized(const std::string& registry, const scope_set& scopes, std::string_view header);
  /// The lookup's credentials for the registry (looked up once, off the event loop; shared with the GitHub API).
  awaitable<std::optional<credentials>> credentials_of(const std::string& registry);
  /// Whether credentials were found for the registry so far (for messages only: never looks them up).
  bool has_credentials(const std::string& registry);

 private:
  struct registry_state {
    auth_state auth;                                                  // scheme, token service, tokens: the pure part
    std::optional<std::optional<credentials>> creds;                  // looked up once
    std::exception_ptr lookup_failed;                                 // the last lookup's failure, for its waiters
    std::optional<std::chrono::system_clock::time_point> expires;     // set when creds came from the refresh
    std::chrono::steady_clock::time_point fetched{};                  // when the refresh last answered
    std::chrono::seconds lifetime{};                                  // what that answer said it lasts
    std::uint64_t generation = 0;                                     // counts the fetches that answered
    std::optional<std::chrono::steady_clock::time_point> found_none;  // when the source last found no identity
    std::exception_ptr refresh_failed;  // the last fetch's failure, for its waiters and those within the pause
    std::chrono::steady_clock::time_point failed_at{};
  };
  /// A source that found no identity is asked again after this; one that failed, not sooner than this.
  static constexpr std::chrono::minutes none_found_pause{5};
  static constexpr std::chrono::seconds failure_pause{10};
  /// Fetches expiring credentials when the lookup had none, when they are about to expire, or (force) when the
  /// registry refused them, past the floor; true when other credentials than before are now in hand (its own
  /// fetch, or another request's it waited for). A failed fetch is rethrown to the requests within failure_pause,
  /// unless credentials that have not expired are still in hand: those are used meanwhile.
  awaitable<bool> refresh_if_due(const std::string& registry, registry_state& st, bool force = false);
  /// The lookup's answer for the registry, looked up on first use (never null).
  awaitable<const std::optional<credentials>*> creds_for(const std::string& registry, registry_state& st);
  awaitable<bearer_token> fetch_token(const std::string& registry, registry_state& st, const scope_set& scopes,
                                      bool after_refresh = false);
  awaitable<string_response> ask_token_service(const std::string& registry, registry_state& st,
                                               const scope_set& scopes);

  http_client& http_;
  credential_lookup lookup_;
  credential_refresh refresh_;
  single_flight refreshing_, looking_up_;
  const std::optional<credentials> no_credentials_;
  plain_http_check plain_;
  std::map<std::string, registry_state> state_;
};

}  // namespace ocimirror::transfer
