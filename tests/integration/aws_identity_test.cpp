// The rest of the AWS chain, for ECR with no keys anywhere: the container endpoint (ECS task roles, EKS Pod
// Identity with its rotated authorization token file), the EC2 instance role through IMDSv2, and a profile's
// credential_process. The test kit's metadata stand-in checks each request as AWS documents it (IMDSv1 refused);
// the ECR API stand-in checks that every call is signed with the temporary keys and their session token.
#include "tests/integration/helpers.hpp"
#include "tests/support/aws_metadata_stand_in.hpp"
#include "tests/support/ecr_api_server.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <filesystem>

using namespace ocimirror::testing;

namespace {

const ocimirror::transfer::aws_credentials long_term{"AKIAOCIMIRRORLONG", "long/term+secret", "", ""};
const ocimirror::transfer::aws_credentials temporary{"ASIAOCIMIRRORHOST", "host/temporary+secret",
                                                     "IQoJb3JpZ2luX2VjEHoaCXVzLWVhc3QtMSJGMEQCIA==", ""};
constexpr const char* password = "ecr-password-for-host-roles";

class AwsIdentity : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline test_ca* ca = nullptr;
  static inline registry_fixture *src = nullptr, *ecr = nullptr;
  static inline pushed image;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-aws-host");
    ca = new test_ca(test_ca::make(dir + "/ca"));
    src = new registry_fixture({});
    ecr = new registry_fixture(
        {.mode = registry_options::kind::htpasswd, .ca = ca, .htpasswd_user = "AWS", .htpasswd_password = password});
    image = seeder({src->host()})
                .image("team/app", "v1",
                       image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "for the AWS host tests"}}});
    std::filesystem::create_directories(dir + "/docker");
    std::filesystem::create_directories(dir + "/home");
  }
  static void TearDownTestSuite() {
    delete src, delete ecr, delete ca;
    std::filesystem::remove_all(dir);
  }

  ecr_api_server api{long_term, "eu-west-1", password};
  aws_metadata_stand_in host{temporary};

  void SetUp() override { api.accept_temporary(temporary); }

  std::map<std::string, std::string> env_with(std::map<std::string, std::string> more) const {
    more.insert({{"AWS_REGION", "eu-west-1"},
                 {"AWS_ENDPOINT_URL_ECR", api.url()},
                 {"DOCKER_CONFIG", dir + "/docker"},
                 {"HOME", dir + "/home"}});
    return more;
  }
  run_result sync(const std::string& name, const std::map<std::string, std::string>& env) const {
    const std::string path = dir + "/" + name + ".yaml";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n  " + src->host() +
                         ": {tls: disabled}\n  " + ecr->host() + ": {profile: ecr, ca_file: " + ca->ca_cert +
                         "}\npolicies:\n  - name: " + name + "\n    from: " + src->host() +
                         "/team\n    to: " + ecr->host() + "/" + name + "\n    repositories: [app]\n");
    return cli({"sync", "-q", "--config", path}, env);
  }
  void expect_mirrored(const run_result& r, const std::string& name) const {
    ASSERT_EQ(r.exit_code, 0) << r.err << "\nmetadata: " << host.last_refusal();
    EXPECT_EQ(api.refused(), 0u) << "every ECR call signed with the host's temporary keys and session token";
    EXPECT_EQ(api.token_calls(), 1u);
    EXPECT_EQ(host.refused(), 0u) << host.last_refusal();
    EXPECT_EQ(skopeo_digest(ecr->host() + "/" + name + "/app:v1",
                            {"--cert-dir", ca->trust_dir, "--creds", std::string("AWS:") + password}),
              image.digest);
  }
};

TEST_F(AwsIdentity, EksPodIdentityContainerEndpointWithItsTokenFile) {
  host.require_authorization("pod-identity-token-rotated-by-eks");
  write_file(dir + "/eks-pod-identity-token", "pod-identity-token-rotated-by-eks\n");
  expect_mirrored(sync("pod", env_with({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", host.url() + host.container_path()},
                                        {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", dir + "/eks-pod-identity-token"}})),
                  "pod");
  EXPECT_EQ(host.container_requests(), 1u);
}

TEST_F(AwsIdentity, Ec2InstanceRoleThroughImdsV2) {
  expect_mirrored(
      sync("ec2", env_with({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", host.url()}, {"AWS_EC2_METADATA_DISABLED", ""}})),
      "ec2");
  EXPECT_EQ(host.imds_token_requests(), 1u) << "a session token first: IMDSv1 is never used";
  EXPECT_GE(host.imds_credential_requests(), 2u) << "the role's name, then its keys";
}

TEST_F(AwsIdentity, CredentialProcessInTheConfigFile) {
  const std::string script = dir + "/creds.sh";
  write_file(script, "#!/bin/sh\nprintf '%s' '{\"Version\": 1, \"AccessKeyId\": \"" + temporary.access_key_id +
                         "\", \"SecretAccessKey\": \"" + temporary.secret_access_key + "\", \"SessionToken\": \"" +
                         temporary.session_token + "\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  write_file(dir + "/aws-config", "[profile mirror]\nregion = eu-west-1\ncredential_process = " + script + "\n");
  expect_mirrored(sync("process", env_with({{"AWS_CONFIG_FILE", dir + "/aws-config"}, {"AWS_PROFILE", "mirror"}})),
                  "process");
}

TEST_F(AwsIdentity, AContainerEndpointOffTheHostOverPlainHttpIsRefused) {
  auto r = sync("far", env_with({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://credentials.example.com/creds"}}));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("AWS_CONTAINER_CREDENTIALS_FULL_URI"), std::string::npos) << r.err;
  EXPECT_EQ(api.token_calls(), 0u);
  // A token the endpoint refuses: named as the container endpoint's answer, never the token.
  host.require_authorization("the-right-token");
  auto wrong = sync("wrong", env_with({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", host.url() + host.container_path()},
                                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "a-wrong-token"}}));
  EXPECT_EQ(wrong.exit_code, 4) << wrong.err;
  EXPECT_NE(wrong.err.find("container credentials endpoint"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find("a-wrong-token"), std::string::npos) << wrong.err;
}

}  // namespace
