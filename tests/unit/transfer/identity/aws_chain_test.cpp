#include "transfer/identity/aws_chain.hpp"

#include "transfer/net/url.hpp"
#include "transfer/oci/errors.hpp"

#include "tests/unit/transfer/identity/fake_world.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace ocimirror::transfer;

namespace {
struct world : ocimirror::testing::fake_world {
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
  none.env = {{"HOME", "/h"}, {"AWS_EC2_METADATA_DISABLED", "true"}};  // else IMDS is the last step
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

namespace {
bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST(AwsChain, CredentialProcessInTheConfigFile) {
  world w;
  w.env = {{"HOME", "/h"}, {"AWS_PROFILE", "p"}};
  w.files["/h/.aws/config"] =
      "[default]\ncredential_process = /bin/false\n"
      "[profile p]\nregion = eu-north-1\ncredential_process = /usr/local/bin/aws-creds --profile \"p\" --json\n";
  auto s = w.find();
  ASSERT_TRUE(s.found());
  EXPECT_TRUE(s.temporary());
  EXPECT_FALSE(s.web_identity());
  EXPECT_TRUE(s.keys.empty());
  EXPECT_EQ(s.process, "/usr/local/bin/aws-creds --profile \"p\" --json") << "the whole line, quotes kept";
  EXPECT_EQ(s.region, "eu-north-1");
  EXPECT_EQ(s.where, "/h/.aws/config [profile p] credential_process");
  EXPECT_TRUE(s.imds.empty()) << "found before the host's sources";
  EXPECT_TRUE(s.problem.empty());

  // [p] (without "profile ") is not the config file's section for p.
  w.files["/h/.aws/config"] = "[p]\ncredential_process = /bin/p\n";
  EXPECT_TRUE(w.find().process.empty());
  // The default profile's section is [default].
  world d;
  d.env = {{"HOME", "/h"}, {"AWS_EC2_METADATA_DISABLED", "true"}};
  d.files["/h/.aws/config"] = "[profile default]\ncredential_process = /bin/x\n";
  EXPECT_FALSE(d.find().found());
  d.files["/h/.aws/config"] = "[default]\ncredential_process = /bin/x\n";
  EXPECT_EQ(d.find().process, "/bin/x");
  // Empty is none.
  d.files["/h/.aws/config"] = "[default]\ncredential_process =\n";
  EXPECT_FALSE(d.find().found());
}

TEST(AwsChain, KeysAndFilesComeBeforeAProcess) {
  world w;
  w.env = {{"HOME", "/h"}, {"AWS_PROFILE", "p"}};
  w.files["/h/.aws/config"] =
      "[profile p]\ncredential_process = /bin/creds\naws_access_key_id = K\naws_secret_access_key = S\n";
  auto s = w.find();
  EXPECT_EQ(s.keys.access_key_id, "K") << "a section's own keys first";
  EXPECT_TRUE(s.process.empty());
  // The credentials file before the config file.
  w.files["/h/.aws/config"] = "[profile p]\ncredential_process = /bin/creds\n";
  w.files["/h/.aws/credentials"] = "[p]\naws_access_key_id = FK\naws_secret_access_key = FS\n";
  s = w.find();
  EXPECT_EQ(s.keys.access_key_id, "FK");
  EXPECT_TRUE(s.process.empty());
  // A process in the credentials file is read too.
  w.files["/h/.aws/credentials"] = "[p]\ncredential_process = /bin/other\n";
  s = w.find();
  EXPECT_EQ(s.process, "/bin/other");
  EXPECT_EQ(s.where, "/h/.aws/credentials [p] credential_process");
}

TEST(AwsChain, ContainerEndpointRelative) {
  world w;
  w.env = {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/0b5c1f5e-1111-2222-3333-444455556666"},
           {"AWS_REGION", "us-east-1"}};
  auto s = w.find();
  ASSERT_TRUE(s.found());
  EXPECT_TRUE(s.temporary());
  EXPECT_EQ(s.container_url, "http://169.254.170.2/v2/credentials/0b5c1f5e-1111-2222-3333-444455556666");
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_TRUE(s.imds.empty()) << "the container endpoint, not IMDS";
  EXPECT_TRUE(s.container_token.empty());
  EXPECT_TRUE(s.container_token_file.empty());
  EXPECT_EQ(s.region, "us-east-1");
  EXPECT_TRUE(contains(s.where, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) << s.where;
  // RELATIVE_URI wins over FULL_URI, as in the SDKs.
  w.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.170.23/v1/credentials";
  EXPECT_EQ(w.find().container_url, "http://169.254.170.2/v2/credentials/0b5c1f5e-1111-2222-3333-444455556666");
  // Empty is unset.
  w.env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "";
  EXPECT_EQ(w.find().container_url, "http://169.254.170.23/v1/credentials");
}

TEST(AwsChain, ContainerEndpointRelativeStaysOnTheLinkLocalHost) {
  // The relative URI is appended to "http://169.254.170.2": one that does not start with "/" names another host
  // (or a user name), and the authorization token would go there in clear text. Said as a problem, as FULL_URI's is.
  world w;
  for (const char* relative : {".evil.example/creds", "@evil.example/creds", "0.evil.example/creds",
                               ":80@evil.example/creds", "-evil.example/"}) {
    w.env = {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", relative}, {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "secret"}};
    auto s = w.find();
    std::string host;
    try {
      host = split_url(s.container_url).host;
    } catch (const error&) {}
    EXPECT_TRUE(!s.problem.empty() || host == "169.254.170.2")
        << relative << " gives " << s.container_url << " (host '" << host << "') and no problem";
  }
}

TEST(AwsChain, ContainerEndpointFull) {
  world w;
  auto with = [&](const std::string& url) {
    w.env = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", url}};
    return w.find();
  };
  for (const char* ok :
       {"https://creds.example.com/v1/credentials", "http://127.0.0.1:51679/creds", "http://localhost:8080/creds",
        "http://[::1]:8080/creds", "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials",
        "http://169.254.170.2/v2/credentials/x"}) {
    auto s = with(ok);
    EXPECT_EQ(s.container_url, ok);
    EXPECT_TRUE(s.problem.empty()) << ok << ": " << s.problem;
    EXPECT_TRUE(s.found());
    EXPECT_TRUE(s.imds.empty());
  }
  for (const char* bad :
       {"http://example.com/creds", "http://10.0.0.5/creds", "http://169.254.170.2.evil.example/",
        "http://localhost:1@evil.example/", "https://user:pw@creds.example.com/", "not a url", "file:///etc/shadow"}) {
    auto s = with(bad);
    EXPECT_TRUE(contains(s.problem, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) << bad << ": " << s.problem;
    EXPECT_TRUE(s.found()) << "a source set up wrongly is said, not skipped for IMDS";
    EXPECT_TRUE(s.imds.empty()) << bad;
  }
  // The message quotes the URL printably.
  auto s = with("http://exa\x1b[2Jmple.com/");
  EXPECT_EQ(s.where.find('\x1b'), std::string::npos) << s.where;
  EXPECT_EQ(s.problem.find('\x1b'), std::string::npos) << s.problem;
}

TEST(AwsChain, ContainerAuthorizationTokenOrFile) {
  world w;
  w.env = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
           {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/token"},
           {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "static-token"}};
  auto s = w.find();
  EXPECT_EQ(s.container_token_file, "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/token")
      << "kept as a path: read at each request";
  EXPECT_EQ(s.container_token, "static-token");
  w.env.erase("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  s = w.find();
  EXPECT_TRUE(s.container_token_file.empty());
  EXPECT_EQ(s.container_token, "static-token");
  // Without a container endpoint the token variables mean nothing.
  w.env.erase("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  s = w.find();
  EXPECT_TRUE(s.container_url.empty());
  EXPECT_TRUE(s.container_token.empty());
}

TEST(AwsChain, InstanceMetadataLast) {
  world w;
  auto s = w.find();
  ASSERT_TRUE(s.found());
  EXPECT_TRUE(s.temporary());
  EXPECT_EQ(s.imds, "http://169.254.169.254");
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_TRUE(contains(s.where, "IMDSv2 at http://169.254.169.254")) << s.where;

  for (const char* endpoint : {"http://[fd00:ec2::254]", "http://127.0.0.1:1338", "https://imds.example"}) {
    w.env = {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", std::string(endpoint) + "/"}};
    s = w.find();
    EXPECT_EQ(s.imds, endpoint) << "trailing slash trimmed";
    EXPECT_TRUE(s.problem.empty()) << endpoint << ": " << s.problem;
  }
  for (const char* bad :
       {"http://imds.example", "http://169.254.169.254.evil.example", "http://u@169.254.169.254", "169.254.169.254"}) {
    w.env = {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", bad}};
    s = w.find();
    EXPECT_TRUE(contains(s.problem, "AWS_EC2_METADATA_SERVICE_ENDPOINT")) << bad << ": " << s.problem;
  }
}

TEST(AwsChain, InstanceMetadataTurnedOff) {
  for (const char* off : {"true", "TRUE", "1"}) {
    world w;
    w.env = {{"HOME", "/h"}, {"AWS_EC2_METADATA_DISABLED", off}};
    auto s = w.find();
    EXPECT_FALSE(s.found()) << off;
    EXPECT_TRUE(s.imds.empty());
    EXPECT_TRUE(s.problem.empty());
    // Only IMDS is off: the container endpoint and the files still count.
    w.env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/x";
    EXPECT_TRUE(w.find().found());
    w.env.erase("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    w.files["/h/.aws/config"] = "[default]\ncredential_process = /bin/creds\n";
    EXPECT_TRUE(w.find().found());
  }
  world on;
  on.env = {{"AWS_EC2_METADATA_DISABLED", "false"}};
  EXPECT_EQ(on.find().imds, "http://169.254.169.254");
  on.env = {{"AWS_EC2_METADATA_DISABLED", ""}};
  EXPECT_EQ(on.find().imds, "http://169.254.169.254");
}

TEST(AwsChain, InstanceMetadataTurnedOffIgnoresCase) {
  // The SDKs compare AWS_EC2_METADATA_DISABLED with "true" ignoring case (botocore: .lower() == "true").
  world w;
  w.env = {{"AWS_EC2_METADATA_DISABLED", "True"}};
  EXPECT_FALSE(w.find().found());
}

TEST(AwsChain, EnvironmentKeysStillWinOverEverything) {
  world w;
  w.env = {{"HOME", "/h"},
           {"AWS_PROFILE", "p"},
           {"AWS_ACCESS_KEY_ID", "AKID"},
           {"AWS_SECRET_ACCESS_KEY", "SECRET"},
           {"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
           {"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"},
           {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x"},
           {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/bad"},
           {"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://example.com"}};
  w.files["/h/.aws/credentials"] = "[p]\ncredential_process = /bin/creds\n";
  w.files["/h/.aws/config"] = "[profile p]\ncredential_process = /bin/creds\nregion = sa-east-1\n";
  auto s = w.find();
  EXPECT_EQ(s.keys.access_key_id, "AKID");
  EXPECT_FALSE(s.temporary());
  EXPECT_TRUE(s.process.empty());
  EXPECT_TRUE(s.container_url.empty());
  EXPECT_TRUE(s.imds.empty());
  EXPECT_TRUE(s.problem.empty()) << "the host's sources are not even looked at: " << s.problem;
  EXPECT_EQ(s.region, "sa-east-1");
  // Then the web identity, before the files and the host.
  w.env.erase("AWS_ACCESS_KEY_ID");
  s = w.find();
  EXPECT_TRUE(s.web_identity());
  EXPECT_TRUE(s.process.empty());
  EXPECT_TRUE(s.container_url.empty());
  // Then the files, before the host.
  w.env.erase("AWS_ROLE_ARN");
  s = w.find();
  EXPECT_EQ(s.process, "/bin/creds");
  EXPECT_TRUE(s.container_url.empty());
  // Only a key id is no keys.
  w.env = {{"AWS_ACCESS_KEY_ID", "AKID"}, {"AWS_EC2_METADATA_DISABLED", "true"}};
  EXPECT_FALSE(w.find().found());
}

TEST(AwsChain, JsonCredentials) {
  std::int64_t expires = -1;
  // credential_process output (Version 1) and the container endpoint's: SessionToken.
  auto c = parse_json_credentials(R"({"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"S","SessionToken":"T",
                                      "Expiration":"2026-12-07T21:00:00Z"})",
                                  &expires);
  EXPECT_EQ(c.access_key_id, "ASIA1");
  EXPECT_EQ(c.secret_access_key, "S");
  EXPECT_EQ(c.session_token, "T");
  EXPECT_EQ(expires, 1796677200);
  // IMDS's: Token.
  c = parse_json_credentials(R"({"Code":"Success","LastUpdated":"2026-12-07T20:00:00Z","Type":"AWS-HMAC",
                                 "AccessKeyId":"ASIA2","SecretAccessKey":"S2","Token":"T2",
                                 "Expiration":"2026-12-07T23:00:00+02:00"})",
                             &expires);
  EXPECT_EQ(c.access_key_id, "ASIA2");
  EXPECT_EQ(c.session_token, "T2");
  EXPECT_EQ(expires, 1796677200);
  // SessionToken wins when both are there.
  c = parse_json_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":"ST","Token":"T"})", &expires);
  EXPECT_EQ(c.session_token, "ST");
  EXPECT_EQ(expires, 0) << "no Expiration";
  // Long-term keys from a process: no token, no expiry.
  c = parse_json_credentials(R"({"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"S"})", &expires);
  EXPECT_FALSE(c.empty());
  EXPECT_TRUE(c.session_token.empty());
  EXPECT_EQ(expires, 0);
  c = parse_json_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"})", &expires);
  EXPECT_FALSE(c.empty());
  EXPECT_EQ(expires, 0) << "an unreadable Expiration";
  c = parse_json_credentials(R"({"AccessKeyId":"A","SecretAccessKey":"S","Expiration":1796677200})", &expires);
  EXPECT_EQ(expires, 0) << "a number is not RFC 3339";
}

TEST(AwsChain, JsonCredentialsWithoutKeysAreEmpty) {
  for (const char* text :
       {"", "not json", "[]", "null", R"({"AccessKeyId":"A"})", R"({"SecretAccessKey":"S"})",
        R"({"AccessKeyId":"","SecretAccessKey":"S"})", R"({"AccessKeyId":"A","SecretAccessKey":""})",
        R"({"AccessKeyId":1,"SecretAccessKey":"S"})", R"({"AccessKeyId":"A","SecretAccessKey":{"v":"S"}})",
        R"({"accesskeyid":"A","secretaccesskey":"S"})", R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"denied"})",
        R"({"AccessKeyId":"A","SecretAccessKey":"S")"}) {
    std::int64_t expires = 42;
    auto c = parse_json_credentials(text, &expires);
    EXPECT_TRUE(c.empty()) << text;
    EXPECT_EQ(expires, 0) << text;
  }
  std::int64_t expires = 42;
  auto c = parse_json_credentials(R"({"SessionToken":"T","Expiration":"2026-12-07T21:00:00Z"})", &expires);
  EXPECT_TRUE(c.empty());
  EXPECT_TRUE(c.session_token.empty()) << "nothing of a half answer is kept";
  EXPECT_EQ(expires, 0);
}

TEST(AwsChain, AProfileOfAFormNotReadIsSaidNotSkippedToTheHostsIdentity) {
  world w;
  w.env = {{"HOME", "/h"}, {"AWS_PROFILE", "prod"}};
  w.files["/h/.aws/config"] = "[profile prod]\nrole_arn = arn:aws:iam::1:role/prod\nsource_profile = base\n";
  auto s = w.find();
  EXPECT_TRUE(s.found());
  EXPECT_TRUE(s.imds.empty()) << "the instance role is not what [profile prod] meant";
  EXPECT_NE(s.problem.find("[profile prod]"), std::string::npos) << s.problem;
  EXPECT_NE(s.problem.find("credential_process"), std::string::npos) << s.problem;
  w.files["/h/.aws/config"] = "[profile prod]\nsso_session = corp\nsso_account_id = 1\n";
  EXPECT_FALSE(w.find().problem.empty());
  // A profile with nothing but a region is no identity at all: the chain goes on.
  w.files["/h/.aws/config"] = "[profile prod]\nregion = eu-west-1\n";
  EXPECT_TRUE(w.find().problem.empty());
  EXPECT_FALSE(w.find().imds.empty());
}

TEST(AwsChain, ImdsAtItsDefaultAddressIsAProbe) {
  world w;
  w.env = {{"HOME", "/h"}};
  EXPECT_TRUE(w.find().imds_probe) << "another cloud's answer there means: not EC2";
  w.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://169.254.169.254";
  EXPECT_FALSE(w.find().imds_probe) << "named by the user: its refusals are reported";
}
