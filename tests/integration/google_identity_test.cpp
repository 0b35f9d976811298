// Artifact Registry with Google's Application Default Credentials and no password anywhere: a service-account key
// (an RS256 assertion), gcloud's authorized_user file, workload identity federation (a subject token from a file,
// or from a URL and then a service account impersonated) and the GKE/GCE metadata server, each through the test
// kit's Google stand-in, which checks every request as Google documents it. The registry is a real one behind
// htpasswd with user oauth2accesstoken and the token the stand-in hands out.
#include "tests/integration/helpers.hpp"
#include "tests/support/google_stand_in.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <filesystem>

using namespace ocimirror::testing;

namespace {

constexpr const char* access_token = "ya29.c.b0Aaekm1-ocimirror-test-token";

class GoogleIdentity : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline test_ca* ca = nullptr;
  static inline registry_fixture *src = nullptr, *gar = nullptr;
  static inline pushed image;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-google");
    ca = new test_ca(test_ca::make(dir + "/ca"));
    src = new registry_fixture({});
    gar = new registry_fixture({.mode = registry_options::kind::htpasswd,
                                .ca = ca,
                                .htpasswd_user = "oauth2accesstoken",
                                .htpasswd_password = access_token});
    image = seeder({src->host()})
                .image("team/app", "v1",
                       image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "for the GAR tests"}}});
    std::filesystem::create_directories(dir + "/docker");
  }
  static void TearDownTestSuite() {
    delete src, delete gar, delete ca;
    std::filesystem::remove_all(dir);
  }

  google_stand_in google{access_token};

  std::map<std::string, std::string> env_with(std::map<std::string, std::string> more) const {
    more.insert({{"DOCKER_CONFIG", dir + "/docker"}, {"HOME", dir + "/home"}, {"NO_GCE_CHECK", "true"}});
    return more;
  }
  run_result sync(const std::string& name, const std::map<std::string, std::string>& env) const {
    const std::string path = dir + "/" + name + ".yaml";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n  " + src->host() +
                         ": {tls: disabled}\n  " + gar->host() + ": {profile: gar, ca_file: " + ca->ca_cert +
                         "}\npolicies:\n  - name: " + name + "\n    from: " + src->host() +
                         "/team\n    to: " + gar->host() + "/" + name + "\n    repositories: [app]\n");
    return cli({"sync", "-q", "--config", path}, env);
  }
  void expect_mirrored(const run_result& r, const std::string& name) const {
    ASSERT_EQ(r.exit_code, 0) << r.err << "\nGoogle: " << google.last_refusal();
    EXPECT_EQ(google.refused(), 0u) << google.last_refusal();
    EXPECT_EQ(skopeo_digest(gar->host() + "/" + name + "/app:v1",
                            {"--cert-dir", ca->trust_dir, "--creds", std::string("oauth2accesstoken:") + access_token}),
              image.digest);
  }
};

TEST_F(GoogleIdentity, ServiceAccountKey) {
  google.write_service_account_key(dir + "/sa.json", "mirror@test-project.iam.gserviceaccount.com");
  auto r = sync("sa", env_with({{"GOOGLE_APPLICATION_CREDENTIALS", dir + "/sa.json"}}));
  expect_mirrored(r, "sa");
  EXPECT_EQ(google.grants(), 1u) << "one token for the whole sync";
  EXPECT_EQ((r.out + r.err).find(access_token), std::string::npos);
}

TEST_F(GoogleIdentity, GcloudAuthorizedUserFile) {
  std::filesystem::create_directories(dir + "/gcloud");
  const std::string file = dir + "/gcloud/application_default_credentials.json";
  google.write_authorized_user(file);
  // gcloud writes no token_uri (Google's own endpoint is meant); google-auth honours one when present, as here.
  auto doc = boost::json::parse(slurp_file(file)).as_object();
  doc["token_uri"] = google.token_uri();
  write_file(file, boost::json::serialize(doc));
  expect_mirrored(sync("user", env_with({{"CLOUDSDK_CONFIG", dir + "/gcloud"}})), "user");
  EXPECT_EQ(google.grants(), 1u);
}

TEST_F(GoogleIdentity, WorkloadIdentityFederationFromAFile) {
  google.write_external_account(dir + "/wif.json", "subject-token-from-a-file", false, dir + "/subject", false);
  expect_mirrored(sync("wif", env_with({{"GOOGLE_APPLICATION_CREDENTIALS", dir + "/wif.json"}})), "wif");
}

TEST_F(GoogleIdentity, WorkloadIdentityFederationFromAUrlImpersonatingAServiceAccount) {
  google.write_external_account(dir + "/wif-url.json", "subject-token-from-a-url", true, "", true);
  expect_mirrored(sync("wifurl", env_with({{"GOOGLE_APPLICATION_CREDENTIALS", dir + "/wif-url.json"}})), "wifurl");
  EXPECT_EQ(google.grants(), 2u) << "STS's federated token, then the service account's";
}

TEST_F(GoogleIdentity, MetadataServerOnGke) {
  auto env = env_with({{"GCE_METADATA_HOST", google.metadata_host()}});
  env["NO_GCE_CHECK"] = "";  // empty: the metadata server is looked for
  expect_mirrored(sync("metadata", env), "metadata");
  EXPECT_GE(google.metadata_requests(), 1u);
}

TEST_F(GoogleIdentity, AKeyFileThatCannotBeUsedIsNamed) {
  write_file(dir + "/broken.json", R"({"type": "service_account", "client_email": "x@y", "private_key": "nope"})");
  auto r = sync("broken", env_with({{"GOOGLE_APPLICATION_CREDENTIALS", dir + "/broken.json"}}));
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find(dir + "/broken.json"), std::string::npos) << r.err;
  auto missing = sync("missing", env_with({{"GOOGLE_APPLICATION_CREDENTIALS", dir + "/nowhere.json"}}));
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
  EXPECT_NE(missing.err.find("GOOGLE_APPLICATION_CREDENTIALS"), std::string::npos) << missing.err;
}

}  // namespace
