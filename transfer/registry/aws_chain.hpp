#pragma once
// Where AWS credentials come from, in the order the AWS SDKs look (the "default credential provider chain"):
//   1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN);
//   2. AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (EKS IRSA and Pod Identity's web-identity form): exchanged at STS
//      AssumeRoleWithWebIdentity;
//   3. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials), section [PROFILE];
//   4. the config file (AWS_CONFIG_FILE, else ~/.aws/config), section [profile PROFILE] ([default] for default):
//      keys, or role_arn + web_identity_token_file.
// PROFILE is AWS_PROFILE, else "default". Also: the region of an ECR host and where each AWS API is reached.
// Pure: the environment and files come through the two callbacks.
#include "transfer/registry/sigv4.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

using env_lookup_fn = std::function<std::optional<std::string>(const char* name)>;
using file_read_fn = std::function<std::optional<std::string>(const std::string& path)>;

struct aws_source {
  aws_credentials keys;                       ///< set for static keys (steps 1, 3, 4)
  std::string role_arn, token_file, session;  ///< set for a web identity (steps 2, 4)
  std::string region;                         ///< AWS_REGION, AWS_DEFAULT_REGION or the profile's region
  std::string where;                          ///< for messages: "environment", "/root/.aws/credentials [prod]"
  bool web_identity() const { return !role_arn.empty(); }
  bool found() const { return web_identity() || !keys.empty(); }
};

/// How ECR's CreateRepository makes a repository (the config's `ecr_repository:`); empty: ECR's defaults.
struct ecr_repository_settings {
  std::string tag_mutability;  ///< MUTABLE or IMMUTABLE
  std::optional<bool> scan_on_push;
  std::string encryption;  ///< AES256 or KMS
  std::string kms_key;     ///< with KMS: the key's ARN, alias or ID
};

/// The first source the chain finds; found() false when none (the message then lists what was tried).
aws_source find_aws_source(const env_lookup_fn& env, const file_read_fn& read);

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
