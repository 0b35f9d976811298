#pragma once
// A docker-style token service for tests: checks Basic credentials, grants the requested scopes the ACL allows,
// and answers ES256 JWTs the registry verifies through auth.token.rootcertbundle (kid in libtrust format).
#include "tests/support/registry_fixture.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace ocimirror::testing {

class token_server {
 public:
  /// (user, repository, action) -> allowed. user is "" for anonymous requests.
  using acl = std::function<bool(const std::string& user, const std::string& repo, const std::string& action)>;
  token_server(const token_keys& keys, std::map<std::string, std::string> passwords, acl allow,
               std::string issuer = "ocimirror-test-issuer");
  ~token_server();

  std::string realm() const { return "http://127.0.0.1:" + std::to_string(port_) + "/token"; }
  int requests() const { return requests_; }

 private:
  void serve();
  std::string handle(const std::string& target, const std::string& authorization, unsigned& status);

  std::string key_pem_, kid_, issuer_;
  std::map<std::string, std::string> passwords_;
  acl allow_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  struct impl;
  std::unique_ptr<impl> impl_;
  std::thread thread_;
};

/// libtrust key id of a PEM certificate's public key: how distribution matches a JWT's kid to a trusted key.
std::string libtrust_key_id(const std::string& cert_pem_path);
std::string base64url(const std::string& in);

}  // namespace ocimirror::testing
