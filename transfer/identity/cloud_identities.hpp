#pragma once
// Which cloud identity a registry's family takes, asked when no password is stored for it: ECR (the AWS chain →
// GetAuthorizationToken), ACR (an Azure AD token → ACR's refresh token), Artifact Registry and gcr.io (Google's
// Application Default Credentials), ghcr.io (a GitHub App's installation token, when GITHUB_APP_ID is set). The
// authenticator (transfer/registry/auth.hpp) keeps what they answer and asks again before it expires.
#include "transfer/identity/azure.hpp"
#include "transfer/identity/ecr_api.hpp"
#include "transfer/identity/github_app.hpp"
#include "transfer/identity/google.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

class cloud_identities {
 public:
  /// http: the session's client (proxies, CAs). The metadata services get a client of their own built from `base`:
  /// never through a proxy, a short connect timeout (an absent one is probed, as the SDKs do).
  cloud_identities(asio::any_io_executor ex, http_client& http, const http_options& base, env_lookup_fn env,
                   file_read_fn read);

  /// Credentials for `registry` (spoken to at `origin`, "https://host") from the cloud its profile names; nullopt
  /// when the profile takes none or that cloud's chain finds no identity here. refused: the registry refused the
  /// last ones, so every token and key kept on the way is fetched anew.
  awaitable<std::optional<authenticator::timed_credentials>> for_registry(const std::string& registry,
                                                                          std::string_view profile,
                                                                          const std::string& origin, bool refused);
  ecr_api& ecr() { return ecr_; }
  identity::github_app& github() { return github_; }

 private:
  http_client metadata_;
  ecr_api ecr_;
  identity::azure_identity azure_;
  identity::google_identity google_;
  identity::github_app github_;
};

}  // namespace ocimirror::transfer
