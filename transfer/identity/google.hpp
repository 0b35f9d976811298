#pragma once
// Artifact Registry and gcr.io with Google's Application Default Credentials, no `gcloud auth configure-docker`:
// an OAuth2 access token for the cloud-platform scope (google_source.hpp says from where), sent to the registry
// as user "oauth2accesstoken" with the token as password, kept until shortly before it expires.
#include "transfer/identity/google_source.hpp"
#include "transfer/identity/token_answer.hpp"
#include "transfer/net/http.hpp"
#include "transfer/registry/auth.hpp"

#include <optional>

namespace ocimirror::transfer::identity {

class google_identity {
 public:
  /// metadata: a client that never goes through a proxy, with short connect timeouts (the server is probed).
  google_identity(http_client& http, http_client& metadata, env_lookup_fn env, file_read_fn read)
      : http_(http), metadata_(metadata), env_(std::move(env)), read_(std::move(read)) {}

  /// Registry credentials; nullopt when ADC finds no file and no metadata server answers.
  awaitable<std::optional<authenticator::timed_credentials>> registry_credentials();

 private:
  awaitable<timed_token> service_account(const google_source& s);
  awaitable<timed_token> authorized_user(const google_source& s);
  awaitable<timed_token> external_account(const google_source& s);
  awaitable<std::string> subject_token(const google_source& s);
  awaitable<std::optional<timed_token>> from_metadata(const google_source& s);

  http_client& http_;
  http_client& metadata_;
  env_lookup_fn env_;
  file_read_fn read_;
};

}  // namespace ocimirror::transfer::identity
