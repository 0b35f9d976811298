#include "transfer/registry/aws_chain.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace ocimirror::transfer;

namespace {
struct world {
  std::map<std::string, std::string> env, files;
  env_lookup_fn lookup() const {
    return [this](const char* n) -> std::optional<std::string> {
      auto it = env.find(n);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
  file_read_fn reader() const {
    return [this](const std::string& p) -> std::optional<std::string> {
      auto it = files.find(p);
      return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
  aws_source find() const { return find_aws_source(lookup(), reader()); }
};
}  // namespace

TEST(AwsChain, EnvironmentKeysComeFirst) {
  world w;
  w.env = {{"HOME", "/h"},
           {"AWS_ACCESS_KEY_ID", "AKID"},
           {"AWS_SECRET_ACCESS_KEY", "SECRET"},
           {"AWS_SESSION_TOKEN", "TOKEN"},
           {"AWS_REGION", "eu-west-1"},
           {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
           {"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"}};
  w.files["/h/.aws/credentials"] = "[default]\naws_access_key_id = FILE\naws_secret_access_key = FILESECRET\n";
  auto s = w.find();
  ASSERT_TRUE(s.found());
  EXPECT_FALSE(s.web_identity());
  EXPECT_EQ(s.keys.access_key_id, "AKID");
  EXPECT_EQ(s.keys.session_token, "TOKEN");
  EXPECT_EQ(s.region, "eu-west-1");
  EXPECT_EQ(s.where, "environment (AWS_ACCESS_KEY_ID)");
}

TEST(AwsChain, WebIdentityAsEksProjectsIt) {
  world w;
  w.env = {{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/mirror"},
           {"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
           {"AWS_DEFAULT_REGION", "us-west-2"}};
  auto s = w.find();
  ASSERT_TRUE(s.web_identity());
  EXPECT_EQ(s.role_arn, "arn:aws:iam::123456789012:role/mirror");
  EXPECT_EQ(s.session, "ocimirror");
  EXPECT_EQ(s.region, "us-west-2");
}

TEST(AwsChain, SharedFilesWithProfiles) {
  world w;
  w.env = {{"HOME", "/h"}, {"AWS_PROFILE", "prod"}};
  w.files["/h/.aws/credentials"] =
      "# comment\n[default]\naws_access_key_id=D\naws_secret_access_key=DS\n\n[prod]\n aws_access_key_id = P \n"
      "aws_secret_access_key = PS\n";
  w.files["/h/.aws/config"] = "[default]\nregion = us-east-1\n[profile prod]\nregion = eu-central-1\n";
  auto s = w.find();
  EXPECT_EQ(s.keys.access_key_id, "P");
  EXPECT_EQ(s.keys.secret_access_key, "PS");
  EXPECT_EQ(s.region, "eu-central-1");
  EXPECT_EQ(s.where, "/h/.aws/credentials [prod]");
  // The config file's own keys or web identity, under [profile NAME].
  world c;
  c.env = {{"HOME", "/h"}, {"AWS_PROFILE", "ci"}, {"AWS_CONFIG_FILE", "/etc/aws.ini"}};
  c.files["/etc/aws.ini"] =
      "[profile ci]\nrole_arn = arn:aws:iam::1:role/ci\nweb_identity_token_file = /t\nregion = ap-south-1\n";
  auto ci = c.find();
  EXPECT_TRUE(ci.web_identity());
  EXPECT_EQ(ci.token_file, "/t");
  EXPECT_EQ(ci.region, "ap-south-1");
  world none;
  none.env = {{"HOME", "/h"}};
  EXPECT_FALSE(none.find().found());
}

TEST(AwsChain, EcrHostsAndEndpoints) {
  EXPECT_EQ(ecr_region("123456789012.dkr.ecr.eu-west-1.amazonaws.com"), "eu-west-1");
  EXPECT_EQ(ecr_account("123456789012.dkr.ecr.eu-west-1.amazonaws.com"), "123456789012");
  EXPECT_EQ(ecr_region("123456789012.dkr.ecr-fips.us-east-1.amazonaws.com"), "us-east-1");
  EXPECT_EQ(ecr_region("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"), "cn-north-1");
  EXPECT_EQ(ecr_region("12345.dkr.ecr.eu-west-1.amazonaws.com"), "") << "an account is 12 digits";
  EXPECT_EQ(ecr_region("ghcr.io"), "");
  world w;
  EXPECT_EQ(aws_endpoint_for("ecr", "eu-west-1", w.lookup()).url, "https://api.ecr.eu-west-1.amazonaws.com");
  EXPECT_EQ(aws_endpoint_for("sts", "cn-north-1", w.lookup()).url, "https://sts.cn-north-1.amazonaws.com.cn");
  EXPECT_NE(aws_endpoint_for("ecr", "", w.lookup()).problem.find("AWS_REGION"), std::string::npos);
  w.env = {{"AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:4566/"}, {"AWS_ENDPOINT_URL", "http://api.example"}};
  EXPECT_EQ(aws_endpoint_for("ecr", "x", w.lookup()).url, "http://127.0.0.1:4566");
  auto refused = aws_endpoint_for("sts", "x", w.lookup());
  EXPECT_TRUE(refused.url.empty());
  EXPECT_NE(refused.problem.find("AWS_ENDPOINT_URL=http://api.example must be an https:// URL"), std::string::npos);
}

TEST(AwsChain, EndpointURLsAreParsedWholeNotCutAtTheFirstColon) {
  world w;
  auto at = [&](const std::string& url) {
    w.env = {{"AWS_ENDPOINT_URL", url}};
    return aws_endpoint_for("sts", "x", w.lookup());
  };
  // The host is other-host: the web identity JWT would have gone there in clear text.
  auto smuggled = at("http://localhost:1@other-host:8080");
  EXPECT_TRUE(smuggled.url.empty());
  EXPECT_NE(smuggled.problem.find("user name or password"), std::string::npos) << smuggled.problem;
  EXPECT_TRUE(at("http://localhost.evil.example:4566").url.empty());
  EXPECT_TRUE(at("http://127.0.0.1.evil.example").url.empty());
  EXPECT_TRUE(at("https://user:pw@sts.example").url.empty()) << "no credentials in a URL, even over TLS";
  EXPECT_TRUE(at("https://sts.example/path").url.empty());
  EXPECT_EQ(at("HTTPS://sts.example").url, "https://sts.example") << "schemes ignore case";
  EXPECT_EQ(at("http://[::1]:4566").url, "http://[::1]:4566");
  EXPECT_EQ(at("http://127.0.0.2:4566").url, "http://127.0.0.2:4566");
  EXPECT_EQ(at("http://LOCALHOST:4566/").url, "http://LOCALHOST:4566");
}

TEST(AwsChain, StsAnswer) {
  std::int64_t expires = 0;
  auto c = parse_sts_credentials(
      "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
      "<AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken>"
      "<Expiration>2026-11-29T12:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
      "</AssumeRoleWithWebIdentityResponse>",
      &expires);
  EXPECT_EQ(c.access_key_id, "ASIA1");
  EXPECT_EQ(c.session_token, "T");
  EXPECT_EQ(expires, 1795953600);
  EXPECT_TRUE(parse_sts_credentials("<Error/>").empty());
}
