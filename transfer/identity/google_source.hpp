#pragma once
// Google's Application Default Credentials, found as google-auth does:
//   1. GOOGLE_APPLICATION_CREDENTIALS: a JSON file of type service_account (a key: an RS256 assertion traded at
//      its token_uri), authorized_user (a refresh token, as `gcloud auth application-default login` writes) or
//      external_account (workload identity federation: a subject token from a file or a URL traded at Google's
//      STS, then optionally for a service account's token through service_account_impersonation_url);
//   2. gcloud's file: $CLOUDSDK_CONFIG/application_default_credentials.json, else
//      ~/.config/gcloud/application_default_credentials.json;
//   3. the metadata server of GCE, GKE and Cloud Run (GCE_METADATA_HOST moves it; NO_GCE_CHECK=true skips it).
// Artifact Registry and gcr.io then take user "oauth2accesstoken" with the access token as password. Pure.
#include "transfer/identity/aws_chain.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace ocimirror::transfer::identity {

enum class google_kind { none, service_account, authorized_user, external_account, metadata };

inline constexpr const char* cloud_platform_scope = "https://www.googleapis.com/auth/cloud-platform";

struct google_source {
  google_kind kind = google_kind::none;
  std::string where;    ///< "GOOGLE_APPLICATION_CREDENTIALS /path (service_account)", "the metadata server at …"
  std::string problem;  ///< a file that is there but cannot be used: said, not skipped
  // service_account
  std::string client_email, private_key, private_key_id;
  // service_account, authorized_user, external_account: where the token is asked for
  std::string token_uri;
  // authorized_user
  std::string client_id, client_secret, refresh_token;
  // external_account
  std::string audience, subject_token_type, impersonation_url;
  std::string subject_file, subject_url;                             ///< credential_source: one of them
  std::vector<std::pair<std::string, std::string>> subject_headers;  ///< credential_source.headers (url)
  std::string subject_field;  ///< credential_source.format: "" for text, else the JSON field holding the token
  // metadata
  std::string metadata_url;  ///< the token URL of the metadata server
};

/// The first source ADC finds (kind none when the metadata server is ruled out and no file is there).
google_source find_google_source(const env_lookup_fn& env, const file_read_fn& read);

/// The source a credentials file describes; `where` names it in messages.
google_source google_source_of(std::string_view json_text, const std::string& where);

/// The subject token of an external_account's credential source as read (a file's or URL's body).
std::optional<std::string> subject_token_of(const google_source& s, std::string_view body);

}  // namespace ocimirror::transfer::identity
