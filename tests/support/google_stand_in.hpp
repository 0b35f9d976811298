#pragma once
// A stand-in for Google's credential services behind Application Default Credentials, on one loopback server told
// apart by path: the OAuth 2.0 token endpoint (service-account JWT bearer, RFC 7523; authorized_user refresh
// tokens, RFC 6749 §6), STS token exchange (RFC 8693, sts.googleapis.com/v1/token), IAM Credentials
// generateAccessToken, a credential_source URL, and the GCE metadata server. It writes the credential files that
// point at itself, checks every request the way Google's protocol says, and refuses anything else (OAuth endpoints:
// {"error","error_description"}; IAM: google.rpc {"error":{"code","message","status"}}; metadata: text), counting
// refusals and keeping the last one's reason.
#include "tests/support/loopback_server.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace ocimirror::testing {

class google_stand_in {
 public:
  /// The workload identity pool provider every external_account file names (STS checks `audience` against it).
  static constexpr const char* audience =
      "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/prov";
  /// The service account impersonated by external_account files written with impersonate = true.
  static constexpr const char* impersonated_account = "mirror@test-project.iam.gserviceaccount.com";
  /// The metadata server's project and default service account.
  static constexpr const char* project_id = "test-project";
  static constexpr const char* metadata_account = "default@test-project.iam.gserviceaccount.com";

  /// access_token: what every successful final grant hands out (the test registry's password for user
  /// oauth2accesstoken). STS hands out an intermediate federated token instead when the subject token's file asked
  /// for impersonation.
  explicit google_stand_in(std::string access_token);

  std::string url() const { return "http://" + server_.host(); }  ///< "http://127.0.0.1:PORT"
  std::string token_uri() const { return url() + "/token"; }      ///< the OAuth token endpoint (key files' token_uri)
  std::string sts_url() const { return url() + "/v1/token"; }     ///< STS: external_account files' token_url
  std::string metadata_host() const { return server_.host(); }    ///< what GCE_METADATA_HOST is set to

  /// Makes an RSA-2048 key, writes a service_account key file (token_uri = token_uri()) for client_email to path,
  /// and accepts JWT-bearer assertions it signs. May be called for several accounts.
  void write_service_account_key(const std::string& path, const std::string& client_email);
  /// Writes an authorized_user file (client_id, client_secret, refresh_token, quota_project_id; no token_uri, as
  /// gcloud writes it) and accepts refresh_token grants for it at /token.
  void write_authorized_user(const std::string& path);
  /// Writes an external_account file: audience above, subject_token_type JWT, token_url = sts_url(), and
  /// credential_source {"file": subject_file} (subject_token is written there, without a newline) or, from_url, the
  /// URL url()+"/subject" with header Metadata-Flavor: Test and a JSON format (field id_token). impersonate adds
  /// service_account_impersonation_url for impersonated_account. STS then accepts subject_token.
  void write_external_account(const std::string& path, const std::string& subject_token, bool from_url,
                              const std::string& subject_file, bool impersonate);

  /// expires_in (and expireTime's distance) of what it issues from now on; 3599 s unless set.
  void lifetime(std::chrono::seconds s) { lifetime_ = s.count(); }
  std::size_t grants() const { return grants_; }  ///< successful token answers of any kind (STS's federated too)
  std::size_t metadata_requests() const { return metadata_requests_; }  ///< every request to / or /computeMetadata/
  std::size_t refused() const { return refused_; }                      ///< refusals on any path
  std::string last_refusal() const;                                     ///< why the last refusal was made

 private:
  struct reply;
  struct account {
    std::string key_id, public_pem;
  };
  struct client {
    std::string id, secret;
  };
  loopback_server::response route(loopback_server::request& req);
  reply oauth_token(const loopback_server::request& req);
  reply jwt_bearer(const std::map<std::string, std::string>& form);
  reply refresh(const loopback_server::request& req, const std::map<std::string, std::string>& form);
  reply sts(const loopback_server::request& req);
  reply generate_access_token(const loopback_server::request& req, const std::string& email);
  reply subject(const loopback_server::request& req);
  reply metadata(const loopback_server::request& req);
  reply token_answer(const std::string& token);

  const std::string access_token_;
  std::atomic<long long> lifetime_{3599};
  std::atomic<std::size_t> grants_{0}, metadata_requests_{0}, refused_{0}, federated_count_{0};
  mutable std::mutex m_;
  std::map<std::string, account> accounts_;       // client_email ->
  std::map<std::string, client> refresh_tokens_;  // refresh_token ->
  std::map<std::string, bool> subject_tokens_;    // subject token -> whose file impersonates
  std::set<std::string> federated_;               // STS tokens issued for impersonation
  std::string url_subject_token_, last_refusal_;  // what /subject serves
  loopback_server server_;                        // last: its thread may call the members above
};

}  // namespace ocimirror::testing
