#pragma once
// ACR with an Azure identity, no `az acr login`: an Azure AD token for ACR (azure_source.hpp says from where) is
// exchanged at the registry's POST /oauth2/exchange for an ACR refresh token, which the authenticator then trades at
// /oauth2/token per scope as docker does with an identity token (Azure/acr docs/AAD-OAuth.md). The AAD token is
// kept until shortly before it expires; the refresh token's own expiry (its JWT `exp`) says when to exchange again.
#include "transfer/identity/azure_source.hpp"
#include "transfer/identity/token_answer.hpp"
#include "transfer/net/http.hpp"
#include "transfer/registry/auth.hpp"

#include <optional>
#include <string>

namespace ocimirror::transfer::identity {

class azure_identity {
 public:
  /// metadata: a client that never goes through a proxy, with short connect timeouts (IMDS is probed).
  azure_identity(http_client& http, http_client& metadata, env_lookup_fn env, file_read_fn read)
      : http_(http), metadata_(metadata), env_(std::move(env)), read_(std::move(read)) {}

  /// ACR credentials for `registry` spoken to at `origin` ("https://host"); nullopt when no Azure identity is set
  /// up and no IMDS answers (then the registry is asked anonymously, and its 401 says what is missing).
  awaitable<std::optional<authenticator::timed_credentials>> acr(const std::string& registry,
                                                                 const std::string& origin);

  /// Drops the AAD token kept.
  void forget() { aad_.reset(); }

 private:
  /// An AAD token for ACR, from the first source; nullopt when only IMDS was left and it is not there.
  awaitable<std::optional<timed_token>> aad_token(const azure_source& src);
  awaitable<timed_token> principal_token(const azure_source& src);
  awaitable<std::optional<timed_token>> managed_token(const azure_source& src);
  /// The client_assertion form fields of a certificate or a federated token.
  std::string assertion_fields(const azure_source& src);

  http_client& http_;
  http_client& metadata_;
  env_lookup_fn env_;
  file_read_fn read_;
  std::optional<timed_token> aad_;
};

}  // namespace ocimirror::transfer::identity
