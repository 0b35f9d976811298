#pragma once
// A stand-in for the parts of GitHub's REST API a GitHub App uses to act on an organisation's packages, on
// loopback, as strict as GitHub about what it accepts:
//  - as the App (Authorization: Bearer <JWT>, RS256 with the App's key; iss the App's id, as a string or a number;
//    iat an integer no more than 60 s ahead of now; exp an integer after now and no more than 10 minutes ahead):
//    GET /app, GET /app/installations, GET /orgs/{owner}/installation, GET /users/{owner}/installation,
//    POST /app/installations/{id}/access_tokens (201 with the installation token, expires_at and permissions;
//    a body, if any, must be JSON and may only ask for packages:read and metadata:read);
//  - as the installation (Authorization: Bearer or token <installation token>, once handed out and until it
//    expires): GET /orgs/{owner}/packages and /users/{owner}/packages with package_type=container, paged by
//    per_page (default 30, at most 100) and page with a Link header (rel="next", rel="last").
// Every request must carry a User-Agent (403 otherwise, as GitHub answers), an Accept of
// application/vnd.github+json (or application/vnd.github.v3+json, application/json; 415 otherwise), and an
// X-GitHub-Api-Version, if any, that GitHub supports (400 otherwise). Anything else is refused with GitHub's JSON
// error ({"message", "documentation_url"}), counted, and its reason remembered.
#include "tests/support/loopback_server.hpp"

#include <openssl/types.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ocimirror::testing {

class github_app_stand_in {
 public:
  /// app_id: the App's id; installation_id and owner: its one installation, on the organisation `owner`;
  /// token: the installation access token it hands out.
  github_app_stand_in(std::string app_id, std::string installation_id, std::string owner, std::string token);
  std::string url() const { return "http://" + server_.host(); }  ///< GITHUB_API_URL

  /// Makes the App's RSA-2048 key, writes it to path as PKCS#1 PEM ("BEGIN RSA PRIVATE KEY", as GitHub's
  /// downloads are) and from then on accepts JWTs it signed (and no longer those of an earlier key).
  void write_private_key(const std::string& path);
  /// The expires_at of the tokens it hands out, from now (1 h unless told); the token is refused after it.
  void token_lifetime(std::chrono::seconds lifetime);
  /// The owner's container packages, as the packages listing names them.
  void packages(std::vector<std::string> names);

  std::size_t tokens_issued() const;  ///< installation access tokens handed out
  std::size_t refused() const;        ///< requests answered with an error
  std::string last_refusal() const;   ///< why the last refused request was refused

 private:
  using request = loopback_server::request;
  using response = loopback_server::response;
  response handle(const request& req);
  response access_token(const request& req);
  response package_list(const request& req, const std::string& path, const std::string& query);
  /// Why the request is not authenticated as the App (a JWT it accepts), or empty.
  std::string app_problem(const request& req, std::string& message) const;
  response refuse(unsigned status, std::string reason, const std::string& message);
  response answer(unsigned status, std::string body);
  bool is_owner(const std::string& name) const;

  std::string app_id_, installation_id_, owner_, token_;
  std::shared_ptr<EVP_PKEY> key_;
  std::chrono::seconds lifetime_{3600};
  std::chrono::system_clock::time_point token_expires_{};
  std::vector<std::string> packages_;
  std::size_t tokens_issued_ = 0, refused_ = 0;
  std::string last_refusal_;
  mutable std::mutex mutex_;
  loopback_server server_;  // last: its thread calls the members above
};

}  // namespace ocimirror::testing
