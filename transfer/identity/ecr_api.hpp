#pragma once
// The two calls of Amazon ECR's own API that ocimirror makes itself, so that mirroring into ECR needs no AWS tool
// or credential helper: GetAuthorizationToken (the registry's password, valid 12 hours) and CreateRepository (for
// `create_repositories: true`). AWS JSON 1.1 over HTTPS, SigV4-signed with credentials from the AWS chain
// (aws_chain.hpp); a web identity (EKS IRSA) is first exchanged at STS AssumeRoleWithWebIdentity, and the
// container endpoint, IMDS and credential_process are asked through aws_metadata.hpp. Secrets appear
// in no message.
#include "transfer/identity/aws_chain.hpp"
#include "transfer/net/http.hpp"
#include "transfer/registry/credentials.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace ocimirror::transfer {

class ecr_api {
 public:
  /// metadata: for the container endpoint and IMDS, never through a proxy, with short connect timeouts.
  ecr_api(http_client& http, http_client& metadata, env_lookup_fn env, file_read_fn read)
      : http_(http), metadata_(metadata), env_(std::move(env)), read_(std::move(read)) {}

  struct token {
    credentials creds;  ///< user "AWS", the password GetAuthorizationToken gave
    std::chrono::system_clock::time_point expires;
  };
  /// The registry's credentials; nullopt when the AWS chain finds no credentials at all (then the registry is
  /// asked anonymously and its 401 says what is missing). A chain that finds some but fails throws, naming why.
  awaitable<std::optional<token>> authorization(const std::string& registry);
  /// Creates `name` in the registry's account and region; false when it existed already.
  awaitable<bool> create_repository(const std::string& registry, const std::string& name,
                                    const ecr_repository_settings& settings);

  /// Drops the temporary keys kept (the registry refused what they bought).
  void forget() { assumed_.reset(); }

 private:
  /// Signs and sends one ECR API action; returns the JSON answer or throws with AWS's error type and message.
  awaitable<std::string> call(const std::string& registry, const std::string& action, std::string body,
                              bool* exists = nullptr);
  /// One call's answer (at most 1 MiB, else errc::protocol naming `what`).
  awaitable<string_response> answer_of(const std::string& what, const std::string& url,
                                       http::request<http::string_body>& req);
  /// The chain's keys: temporary ones (a web identity exchanged at STS, the container endpoint's, IMDS's, a
  /// credential_process's) kept until shortly before they expire; nullopt when only IMDS was left and is not there.
  awaitable<std::optional<aws_credentials>> keys(const aws_source& src);
  awaitable<aws_credentials> assume_web_identity(const aws_source& src);

  http_client& http_;
  http_client& metadata_;
  env_lookup_fn env_;
  file_read_fn read_;
  std::optional<aws_credentials> assumed_;
  std::chrono::system_clock::time_point assumed_until_{};
};

/// The process's environment and files, for the AWS chain.
env_lookup_fn process_environment();
file_read_fn local_files();

}  // namespace ocimirror::transfer
