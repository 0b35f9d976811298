#pragma once
// A docker-style token service for tests: checks Basic credentials, grants the requested scopes the ACL allows,
// and answers ES256 JWTs the registry verifies through auth.token.rootcertbundle (kid in libtrust format).
#include "tests/support/loopback_server.hpp"
#include "tests/support/registry_fixture.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace ocimirror::testing {

class token_server {
 public:
  /// (user, repository, action) -> allowed. user is "" for anonymous requests.
  using acl = std::function<bool(const std::string& user, const std::string& repo, const std::string& action)>;
  token_server(const token_keys& keys, std::map<std::string, std::string> passwords, acl allow,
               std::string issuer = "ocimirror-test-issuer");

  std::string realm() const { return "http://" + server_.host() + "/token"; }
  std::string host() const { return server_.host(); }  ///< "127.0.0.1:PORT": configure it plain, as its realm is
  int requests() const { return requests_; }
  /// Every token handed out so far (tests check none of them leaks).
  std::vector<std::string> issued() const;

 private:
  std::string handle(const std::string& target, const std::string& authorization, unsigned& status);

  std::string key_pem_, kid_, issuer_;
  std::map<std::string, std::string> passwords_;
  acl allow_;
  std::atomic<int> requests_{0};
  mutable std::mutex issued_m_;
  std::vector<std::string> issued_;
  loopback_server server_;  // last: its thread may call the members above
};

/// libtrust key id of a PEM certificate's public key: how distribution matches a JWT's kid to a trusted key.
std::string libtrust_key_id(const std::string& cert_pem_path);
std::string base64url(const std::string& in);

}  // namespace ocimirror::testing
