#pragma once
// A GitHub App instead of a personal token: GITHUB_APP_ID and its private key (GITHUB_APP_PRIVATE_KEY_FILE, or
// the PEM itself in GITHUB_APP_PRIVATE_KEY) sign a ten-minute RS256 JWT, which buys an installation access token
// (an hour) at POST /app/installations/{id}/access_tokens. The installation is GITHUB_APP_INSTALLATION_ID, else the
// app's only one. The token is ghcr.io's password (user x-access-token) and the GitHub API's bearer token for
// listing packages alike. The API is GITHUB_API_URL's (https://api.github.com by default), over HTTPS.
#include "transfer/identity/environment.hpp"
#include "transfer/identity/token_answer.hpp"
#include "transfer/net/http.hpp"
#include "transfer/registry/auth.hpp"

#include <optional>
#include <string>

namespace ocimirror::transfer::identity {

struct github_app_source {
  std::string app_id, installation_id;
  std::string key_pem;  ///< the private key's PEM
  std::string where;    ///< for messages
  std::string problem;
  bool found() const { return !app_id.empty(); }
};

/// GITHUB_APP_ID and its key from the environment; found() false when GITHUB_APP_ID is not set. Pure.
github_app_source find_github_app(const env_lookup_fn& env, const file_read_fn& read);

class github_app {
 public:
  github_app(http_client& http, env_lookup_fn env, file_read_fn read)
      : http_(http), env_(std::move(env)), read_(std::move(read)) {}

  /// Whether GITHUB_APP_ID is set (then the app, not GITHUB_TOKEN, speaks for ocimirror).
  bool configured() const;
  /// The installation token, fetched again shortly before it expires; nullopt when no app is configured.
  awaitable<std::optional<timed_token>> token();
  /// As registry credentials for ghcr.io.
  awaitable<std::optional<authenticator::timed_credentials>> registry_credentials();

  /// Drops the installation token kept.
  void forget() { token_.reset(); }

 private:
  /// One API call as the app (its JWT as bearer); the JSON answer or a thrown error naming the call.
  awaitable<string_response> as_app(http::verb verb, const std::string& base, const std::string& path,
                                    const github_app_source& app);
  awaitable<std::string> installation(const std::string& base, const github_app_source& app);

  http_client& http_;
  env_lookup_fn env_;
  file_read_fn read_;
  std::optional<timed_token> token_;
};

}  // namespace ocimirror::transfer::identity
