// ECR without extra tools: the registry's password comes from ECR's own API (GetAuthorizationToken), SigV4-signed
// with credentials from the AWS chain (environment keys, or a web identity exchanged at STS as EKS IRSA does), and
// `create_repositories: true` makes each missing repository (CreateRepository) before the first push. The API is the
// test kit's ecr_api_server, which checks every signature; the registry is a real one behind htpasswd with user AWS
// and that password, or a profile proxy that refuses pushes to repositories nobody created.
#include "tests/integration/helpers.hpp"
#include "tests/support/ecr_api_server.hpp"
#include "tests/support/profile_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <filesystem>

using namespace ocimirror::testing;
namespace json = boost::json;

namespace {

const ocimirror::transfer::aws_credentials keys{"AKIAOCIMIRRORTEST", "s3cr3t/K7MDENG+bPxRfiCYEXAMPLEKEY", "", ""};
constexpr const char* password = "ecr-password-from-the-api";

class Ecr : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline test_ca* ca = nullptr;
  static inline registry_fixture *src = nullptr, *ecr = nullptr, *plain = nullptr;
  static inline pushed image;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-ecr");
    ca = new test_ca(test_ca::make(dir + "/ca"));
    src = new registry_fixture({});
    ecr = new registry_fixture(
        {.mode = registry_options::kind::htpasswd, .ca = ca, .htpasswd_user = "AWS", .htpasswd_password = password});
    plain = new registry_fixture({});
    image = seeder({src->host()})
                .image("team/app", "v1",
                       image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "for the ECR tests"}}});
    std::filesystem::create_directories(dir + "/docker");  // no docker config: nothing but the AWS chain
  }
  static void TearDownTestSuite() {
    delete src, delete ecr, delete plain, delete ca;
    std::filesystem::remove_all(dir);
  }

  static std::map<std::string, std::string> aws_env(const ecr_api_server& api) {
    return {{"AWS_ACCESS_KEY_ID", keys.access_key_id},
            {"AWS_SECRET_ACCESS_KEY", keys.secret_access_key},
            {"AWS_REGION", "eu-west-1"},
            {"AWS_ENDPOINT_URL_ECR", api.url()},
            {"DOCKER_CONFIG", dir + "/docker"},
            {"AWS_EC2_METADATA_DISABLED", "true"},  // this machine's own instance role, if any, is not the test's
            {"HOME", dir}};
  }
  static run_result copy_to_ecr(const std::string& tag, const std::map<std::string, std::string>& env) {
    return cli({"copy", "-q", "--plain-http-host", src->host(), "--ca-file", ca->ca_cert, "--registry-profile",
                ecr->host() + "=ecr", src->host() + "/team/app:v1", ecr->host() + "/mirror/app:" + tag},
               env);
  }
  static std::string digest_at_ecr(const std::string& tag) {
    return skopeo_digest(ecr->host() + "/mirror/app:" + tag,
                         {"--cert-dir", ca->trust_dir, "--creds", std::string("AWS:") + password});
  }
};

TEST_F(Ecr, PasswordFromGetAuthorizationTokenSignedWithEnvironmentKeys) {
  ecr_api_server api(keys, "eu-west-1", password);
  auto r = copy_to_ecr("keys", aws_env(api));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(digest_at_ecr("keys"), image.digest);
  EXPECT_EQ(api.token_calls(), 1u) << "one token for the whole run, cached until shortly before it expires";
  EXPECT_EQ(api.refused(), 0u);
  for (const auto& secret : {keys.secret_access_key, std::string(password)})
    EXPECT_EQ((r.out + r.err).find(secret), std::string::npos);
}

TEST_F(Ecr, TagsThatStartTogetherShareOneToken) {
  ecr_api_server api(keys, "eu-west-1", password);
  seeder s({src->host()});
  for (int i = 0; i < 8; ++i)
    s.image("team/many", "v" + std::to_string(i),
            image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "tag " + std::to_string(i)}}});
  const std::string path = dir + "/many.yaml";
  write_file(path, "state_dir: " + dir + "/state-many\nregistries:\n  " + src->host() + ": {tls: disabled}\n  " +
                       ecr->host() + ": {profile: ecr, ca_file: " + ca->ca_cert +
                       "}\npolicies:\n  - name: many\n    from: " + src->host() + "/team\n    to: " + ecr->host() +
                       "/many\n    repositories: [many]\n");
  auto r = cli({"sync", "-q", "--jobs", "8", "--config", path}, aws_env(api));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(api.token_calls(), 1u) << "eight tags starting at once wait for one GetAuthorizationToken";
  EXPECT_FALSE(skopeo_digest(ecr->host() + "/many/many:v7",
                             {"--cert-dir", ca->trust_dir, "--creds", std::string("AWS:") + password})
                   .empty());
}

TEST_F(Ecr, WebIdentityIsExchangedAtStsFirst) {
  ecr_api_server api(keys, "eu-west-1", password);
  const ocimirror::transfer::aws_credentials temporary{"ASIATEMPORARY", "temporary-secret", "session-token-xyz", ""};
  api.accept_web_identity("eyJhbGciOiJSUzI1NiJ9.projected.token", temporary);
  write_file(dir + "/token", "eyJhbGciOiJSUzI1NiJ9.projected.token\n");
  auto env = aws_env(api);
  env.erase("AWS_ACCESS_KEY_ID");
  env.erase("AWS_SECRET_ACCESS_KEY");
  env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/mirror";
  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = dir + "/token";
  env["AWS_ENDPOINT_URL_STS"] = api.url();
  auto r = copy_to_ecr("irsa", env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(digest_at_ecr("irsa"), image.digest);
  EXPECT_EQ(api.refused(), 0u) << "the ECR call was signed with the temporary key and its session token";
  write_file(dir + "/token", "a stale token");
  auto stale = copy_to_ecr("stale", env);
  EXPECT_EQ(stale.exit_code, 4) << stale.err;
  EXPECT_NE(stale.err.find("AssumeRoleWithWebIdentity"), std::string::npos) << stale.err;
  EXPECT_NE(stale.err.find("the token is not valid"), std::string::npos) << stale.err;
}

TEST_F(Ecr, AWrongKeyIsAnAuthErrorThatNamesTheApiNotTheSecret) {
  ecr_api_server api(keys, "eu-west-1", password);
  auto env = aws_env(api);
  env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";
  auto r = copy_to_ecr("wrong", env);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("ECR API GetAuthorizationToken at " + api.url()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("InvalidSignatureException"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not-the-secret"), std::string::npos);
  // No AWS credentials at all: asked anonymously, the registry's 401 is the error.
  auto none = aws_env(api);
  none.erase("AWS_ACCESS_KEY_ID");
  none.erase("AWS_SECRET_ACCESS_KEY");
  auto anonymous = copy_to_ecr("anonymous", none);
  EXPECT_EQ(anonymous.exit_code, 4) << anonymous.err;
  EXPECT_EQ(api.token_calls(), 0u);
}

TEST_F(Ecr, CreateRepositoriesMakesEachMissingRepositoryBeforeItsFirstPush) {
  ecr_api_server api(keys, "eu-west-1", password);
  profile_proxy proxy("ecr", "127.0.0.1", plain->port());
  proxy.require_repositories();
  api.on_create([&](const std::string& repo) { proxy.create_repository(repo); });
  auto config = [&](const std::string& name, const std::string& extra) {
    const std::string path = dir + "/" + name + ".yaml";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n  " + src->host() +
                         ": {tls: disabled}\n  " + proxy.host() + ":\n    tls: disabled\n    profile: ecr\n" + extra +
                         "policies:\n  - name: " + name + "\n    from: " + src->host() +
                         "/team\n    to: " + proxy.host() + "/" + name + "\n    repositories: [app]\n");
    return cli({"sync", "-q", "--config", path}, aws_env(api));
  };
  auto without = config("without", "");
  EXPECT_NE(without.exit_code, 0);
  EXPECT_NE(without.err.find("create_repositories: true"), std::string::npos) << without.err;
  auto with =
      config("with",
             "    create_repositories: true\n    ecr_repository: {tag_mutability: IMMUTABLE, scan_on_push: true, "
             "encryption: KMS, kms_key: alias/mirror}\n");
  ASSERT_EQ(with.exit_code, 0) << with.err << "\nquirks: " << proxy.summary();
  EXPECT_EQ(skopeo_digest(proxy.host() + "/with/app:v1"), image.digest);
  const auto bodies = api.create_bodies();
  ASSERT_EQ(bodies.size(), 1u) << "asked once for the repository";
  const auto ask = json::parse(bodies[0]).as_object();
  EXPECT_EQ(ask.at("repositoryName").as_string(), "with/app");
  EXPECT_EQ(ask.at("imageTagMutability").as_string(), "IMMUTABLE");
  EXPECT_EQ(ask.at("imageScanningConfiguration").at("scanOnPush").as_bool(), true);
  EXPECT_EQ(ask.at("encryptionConfiguration").at("kmsKey").as_string(), "alias/mirror");
}

}  // namespace
