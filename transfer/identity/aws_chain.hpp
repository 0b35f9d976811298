#pragma once
// Where AWS credentials come from, in the order the AWS SDKs look (the "default credential provider chain"):
//   1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN);
//   2. AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (EKS IRSA): exchanged at STS AssumeRoleWithWebIdentity;
//   3. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials), section [PROFILE];
//   4. the config file (AWS_CONFIG_FILE, else ~/.aws/config), section [profile PROFILE] ([default] for default):
//      keys, role_arn + web_identity_token_file, or credential_process (a command printing the keys as JSON);
//   5. the container endpoint of ECS task roles and EKS Pod Identity: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on
//      169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at
//      each request: EKS rotates it) or AWS_CONTAINER_AUTHORIZATION_TOKEN as its Authorization;
//   6. the EC2 instance role through IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT moves it, AWS_EC2_METADATA_DISABLED
//      =true turns it off).
// PROFILE is AWS_PROFILE, else "default". Also: the region of an ECR host and where each AWS API is reached.
// Pure: the environment and files come through the two callbacks.
#include "transfer/identity/environment.hpp"
#include "transfer/identity/sigv4.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

struct aws_source {
  aws_credentials keys;                       ///< set for static keys (steps 1, 3, 4)
  std::string role_arn, token_file, session;  ///< set for a web identity (steps 2, 4)
  std::string process;                        ///< credential_process (step 4): run by /bin/sh -c
  std::string container_url;                  ///< step 5: the endpoint's URL
  std::string container_token, container_token_file;
  std::string imds;         ///< step 6: IMDS's base URL ("http://169.254.169.254")
  bool imds_probe = false;  ///< IMDS at its default address: an answer that is not AWS's means "not on EC2"
  std::string region;       ///< AWS_REGION, AWS_DEFAULT_REGION or the profile's region
  std::string where;        ///< for messages: "environment", "/root/.aws/credentials [prod]"
  std::string problem;      ///< a source set up so that it cannot work (an http:// endpoint off the host): said
  bool web_identity() const { return !role_arn.empty(); }
  /// Keys that must be fetched, and fetched again before they expire (steps 2, 4's process, 5, 6).
  bool temporary() const { return web_identity() || !process.empty() || !container_url.empty() || !imds.empty(); }
  bool found() const { return temporary() || !keys.empty() || !problem.empty(); }
};

/// How ECR's CreateRepository makes a repository (the config's `ecr_repository:`); empty: ECR's defaults.
struct ecr_repository_settings {
  std::string tag_mutability;  ///< MUTABLE or IMMUTABLE
  std::optional<bool> scan_on_push;
  std::string encryption;  ///< AES256 or KMS
  std::string kms_key;     ///< with KMS: the key's ARN, alias or ID
};

/// The first source the chain finds; found() false when none (IMDS turned off and nothing else set up).
aws_source find_aws_source(const env_lookup_fn& env, const file_read_fn& read);

/// The keys of a credential_process's output, the container endpoint's answer or IMDS's (JSON: AccessKeyId,
/// SecretAccessKey, SessionToken or Token, Expiration); empty keys when it holds none. expires_epoch: 0 when absent.
aws_credentials parse_json_credentials(std::string_view json, std::int64_t* expires_epoch);

/// One section of an INI file as the AWS CLI writes it; empty when the section is not there.
std::optional<std::string> ini_value(std::string_view text, std::string_view section, std::string_view key);

/// The region of "<account>.dkr.ecr.<region>.amazonaws.com[.cn]" (also dkr.ecr-fips); empty for another host.
std::string ecr_region(std::string_view registry);
/// The account ID of an ECR host ("123456789012"); empty for another host.
std::string ecr_account(std::string_view registry);

/// Where an AWS service's API is: AWS_ENDPOINT_URL_<SERVICE> (ECR, STS), else AWS_ENDPOINT_URL, else
/// https://<service>.<region>.amazonaws.com (api.ecr for ECR). An http:// endpoint is refused unless it is on
/// loopback (a test endpoint): the answers carry credentials. Returns the URL or a message naming the variable.
struct aws_endpoint {
  std::string url, problem;
};
aws_endpoint aws_endpoint_for(std::string_view service, const std::string& region, const env_lookup_fn& env);

/// The parts of STS AssumeRoleWithWebIdentity's XML answer; empty keys when it is not one.
aws_credentials parse_sts_credentials(std::string_view xml, std::int64_t* expires_epoch = nullptr);

}  // namespace ocimirror::transfer
