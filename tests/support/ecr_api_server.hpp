#pragma once
// A stand-in for Amazon ECR's API and STS's AssumeRoleWithWebIdentity on loopback, as strict as AWS about what it
// checks: every ECR call must be POST / in AWS JSON 1.1 with an X-Amz-Target, SigV4-signed for service "ecr" in
// the expected region by a key it knows (the session token signed too, for temporary keys), or it answers AWS's
// InvalidSignatureException / UnrecognizedClientException. GetAuthorizationToken hands out a password of the test's
// choosing; CreateRepository records what was asked and tells the test (so a profile proxy can let pushes in).
#include "tests/support/loopback_server.hpp"
#include "transfer/identity/sigv4.hpp"

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace ocimirror::testing {

class ecr_api_server {
 public:
  /// keys: the long-term key pair it accepts; password: what GetAuthorizationToken returns (user "AWS").
  ecr_api_server(transfer::aws_credentials keys, std::string region, std::string password);
  std::string url() const { return "http://" + server_.host(); }

  /// STS: a web identity token it exchanges for `temporary` (which ECR calls may then be signed with).
  void accept_web_identity(std::string token, transfer::aws_credentials temporary);
  /// Temporary keys handed out elsewhere (a container credentials endpoint, IMDS) that ECR calls may be signed with,
  /// their session token signed too.
  void accept_temporary(transfer::aws_credentials temporary);
  /// Told each repository CreateRepository made.
  void on_create(std::function<void(const std::string&)> f);

  std::size_t token_calls() const;
  std::size_t refused() const;  ///< calls answered with an error (bad signature, unknown key, wrong shape)
  std::vector<std::string> create_bodies() const;  ///< the JSON of every CreateRepository

 private:
  loopback_server::response handle(const loopback_server::request& req);
  loopback_server::response sts(const loopback_server::request& req);
  loopback_server::response aws_error(unsigned status, const std::string& type, const std::string& message);
  /// Why the request's signature is not one of a known key's, or empty when it is.
  std::string signature_problem(const loopback_server::request& req) const;

  transfer::aws_credentials keys_, temporary_;          // temporary_: what STS hands out
  std::vector<transfer::aws_credentials> temporaries_;  // every temporary key ECR accepts
  std::string region_, password_, web_token_;
  mutable std::mutex mutex_;
  std::function<void(const std::string&)> on_create_;
  std::set<std::string> repositories_;
  std::vector<std::string> create_bodies_;
  std::size_t token_calls_ = 0, refused_ = 0;
  loopback_server server_;  // last: its thread calls the members above
};

}  // namespace ocimirror::testing
