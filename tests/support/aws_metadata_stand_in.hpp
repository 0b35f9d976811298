#pragma once
// A stand-in for the two places AWS hands a workload temporary credentials over plain HTTP, on one loopback server,
// as strict as AWS about what it accepts:
//  - the container credentials endpoint (ECS task roles, EKS Pod Identity agent): GET of one path, given to the SDK
//    as AWS_CONTAINER_CREDENTIALS_FULL_URI (or _RELATIVE_URI under 169.254.170.2); when an authorization token is
//    required (EKS Pod Identity, ECS with FULL_URI), the Authorization header must be that token exactly (401 when
//    missing, 403 when wrong), the way AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE) makes the SDKs send it;
//  - IMDSv2 on an instance that requires tokens (HttpTokens=required): PUT /latest/api/token with
//    X-aws-ec2-metadata-token-ttl-seconds 1..21600 (400 otherwise) and no X-Forwarded-For (403), then GETs of
//    /latest/meta-data/iam/security-credentials/[role] with X-aws-ec2-metadata-token set to a live token (401
//    otherwise: IMDSv1 is refused).
// Anything else is refused (404 for an unknown path, 405 for another method), counted, and its reason remembered.
// The answers carry `temporary` (AccessKeyId, SecretAccessKey, Token) and an RFC 3339 UTC Expiration.
#include "tests/support/loopback_server.hpp"
#include "transfer/identity/sigv4.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace ocimirror::testing {

class aws_metadata_stand_in {
 public:
  explicit aws_metadata_stand_in(transfer::aws_credentials temporary, std::string role = "mirror-role");
  std::string url() const { return "http://" + server_.host(); }  ///< also IMDS: AWS_EC2_METADATA_SERVICE_ENDPOINT
  /// "/v2/credentials/<uuid>": AWS_CONTAINER_CREDENTIALS_FULL_URI = url() + container_path().
  std::string container_path() const { return container_path_; }

  /// The container endpoint then demands `Authorization: <token>` exactly.
  void require_authorization(std::string token);
  /// The Expiration of the credentials it hands out, from now (6 h unless told).
  void expiration_in(std::chrono::seconds after);

  std::size_t container_requests() const;        ///< credentials answered by the container endpoint
  std::size_t imds_token_requests() const;       ///< IMDSv2 session tokens handed out
  std::size_t imds_credential_requests() const;  ///< role names and credentials answered by IMDS
  std::size_t refused() const;                   ///< requests answered with an error
  std::string last_refusal() const;              ///< why the last refused request was refused

 private:
  using request = loopback_server::request;
  using response = loopback_server::response;
  response handle(const request& req);
  response container(const request& req);
  response imds_token(const request& req);
  response imds_get(const request& req, const std::string& path);
  response refuse(unsigned status, std::string reason, std::string body = {});
  /// The body of a credentials answer: IMDS's (Code, LastUpdated, Type first) or the container endpoint's.
  std::string credentials_json(bool imds) const;

  transfer::aws_credentials temporary_;
  std::string role_, container_path_, authorization_;
  std::chrono::seconds expiration_{6 * 3600};
  std::map<std::string, std::chrono::steady_clock::time_point> imds_tokens_;  ///< token -> end of its life
  std::size_t container_ = 0, imds_tokens_issued_ = 0, imds_credentials_ = 0, refused_ = 0;
  std::string last_refusal_;
  mutable std::mutex mutex_;
  loopback_server server_;  // last: its thread calls the members above
};

}  // namespace ocimirror::testing
