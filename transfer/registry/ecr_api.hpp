#pragma once
// The two calls of Amazon ECR's own API that ocimirror makes itself, so that mirroring into ECR needs no AWS tool
// or credential helper: GetAuthorizationToken (the registry's password, valid 12 hours) and CreateRepository (for
// `create_repositories: true`). AWS JSON 1.1 over HTTPS, SigV4-signed with credentials from the AWS chain
// (aws_chain.hpp); a web identity (EKS IRSA) is first exchanged at STS AssumeRoleWithWebIdentity. Secrets appear
// in no message.
#include "transfer/net/http.hpp"
#include "transfer/registry/aws_chain.hpp"
#include "transfer/registry/credentials.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace ocimirror::transfer {

class ecr_api {
 public:
  ecr_api(http_client& http, env_lookup_fn env, file_read_fn read)
      : http_(http), env_(std::move(env)), read_(std::move(read)) {}

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

 private:
  /// Signs and sends one ECR API action; returns the JSON answer or throws with AWS's error type and message.
  awaitable<std::string> call(const std::string& registry, const std::string& action, std::string body,
                              bool* exists = nullptr);
  /// One call's answer (at most 1 MiB, else errc::protocol naming `what`).
  awaitable<string_response> answer_of(const std::string& what, const std::string& url,
                                       http::request<http::string_body>& req);
  /// The chain's keys, a web identity exchanged at STS (and kept until shortly before it expires).
  awaitable<aws_credentials> keys(const aws_source& src);

  http_client& http_;
  env_lookup_fn env_;
  file_read_fn read_;
  std::optional<aws_credentials> assumed_;
  std::chrono::system_clock::time_point assumed_until_{};
};

/// The process's environment and files, for the AWS chain.
env_lookup_fn process_environment();
file_read_fn local_files();

}  // namespace ocimirror::transfer
