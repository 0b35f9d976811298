#pragma once
// Registry authentication: anonymous, Basic, and the Bearer token flow (challenge → token endpoint with every
// scope, tokens cached per registry and scope set until they expire, re-asked with the added scope on
// insufficient_scope). Never logs or returns secrets in messages.
#include "transfer/credentials.hpp"
#include "transfer/http.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocimirror::transfer {

/// Sorted, unique "repository:<name>:<actions>" scopes one request needs.
using scope_set = std::vector<std::string>;
scope_set pull_scope(const std::string& repo);
scope_set push_scope(const std::string& repo);
scope_set merge_scopes(scope_set a, const scope_set& b);

class authenticator {
 public:
  using credential_lookup = std::function<std::optional<credentials>(const std::string& registry)>;
  authenticator(http_client& http, credential_lookup lookup);

  /// The Authorization header for a request to `registry` needing `scopes`; empty when none is known to help.
  awaitable<std::string> authorization(const std::string& registry, const scope_set& scopes);
  /// Learns from a 401's WWW-Authenticate header; true when a retry carries new authorization.
  awaitable<bool> on_unauthorized(const std::string& registry, const scope_set& scopes, std::string_view header);
  /// Whether credentials are configured for the registry (for messages only).
  bool has_credentials(const std::string& registry);

 private:
  struct token {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };
  struct registry_state {
    enum class mode { unknown, basic, bearer } how = mode::unknown;
    std::string realm, service;
    std::map<std::string, token> tokens;         // by scope-set key
    std::map<std::string, scope_set> granted;    // extra scopes a challenge asked for, by scope-set key
    std::optional<std::optional<credentials>> creds;  // looked up once
  };
  const std::optional<credentials>& creds_for(const std::string& registry, registry_state& st);
  awaitable<token> fetch_token(const std::string& registry, registry_state& st, const scope_set& scopes);
  awaitable<string_response> ask_token_service(const std::string& registry, registry_state& st, const scope_set& scopes);

  http_client& http_;
  credential_lookup lookup_;
  std::map<std::string, registry_state> state_;
};

}  // namespace ocimirror::transfer
