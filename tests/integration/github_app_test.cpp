// A GitHub App instead of a personal token: its id and private key sign a JWT, which buys an installation token at
// the GitHub API (the test kit's stand-in checks the JWT's signature and claims as GitHub documents them); the one
// token then lists the organisation's packages through the API and reads ghcr.io — here a real registry behind
// htpasswd with user x-access-token and that token.
#include "tests/integration/helpers.hpp"
#include "tests/support/github_app_stand_in.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <filesystem>

using namespace ocimirror::testing;

namespace {

constexpr const char* installation_token = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";

class GithubApp : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline test_ca* ca = nullptr;
  static inline registry_fixture *ghcr = nullptr, *dst = nullptr;
  static inline std::map<std::string, std::string> digests;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-github-app");
    ca = new test_ca(test_ca::make(dir + "/ca"));
    ghcr = new registry_fixture({.mode = registry_options::kind::htpasswd,
                                 .ca = ca,
                                 .htpasswd_user = "x-access-token",
                                 .htpasswd_password = installation_token});
    dst = new registry_fixture({});
    seeder s(
        {ghcr->host(), false, ca->ca_cert, ocimirror::transfer::credentials{"x-access-token", installation_token, ""}});
    for (const char* repo : {"acme/a", "acme/team/b"})
      digests[repo] =
          s.image(repo, "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", repo}}}).digest;
    std::filesystem::create_directories(dir + "/docker");
  }
  static void TearDownTestSuite() {
    delete ghcr, delete dst, delete ca;
    std::filesystem::remove_all(dir);
  }

  github_app_stand_in api{"123456", "7890123", "acme", installation_token};

  std::map<std::string, std::string> env() const {
    return {{"GITHUB_API_URL", api.url()},
            {"GITHUB_APP_ID", "123456"},
            {"GITHUB_APP_PRIVATE_KEY_FILE", dir + "/app.pem"},
            {"GITHUB_TOKEN", ""},
            {"DOCKER_CONFIG", dir + "/docker"},
            {"HOME", dir}};
  }
  run_result sync(const std::string& name, const std::map<std::string, std::string>& e) const {
    const std::string path = dir + "/" + name + ".yaml";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n  " + ghcr->host() +
                         ": {profile: ghcr, ca_file: " + ca->ca_cert + "}\n  " + dst->host() +
                         ": {tls: disabled}\npolicies:\n  - name: " + name + "\n    from: " + ghcr->host() +
                         "/acme\n    to: " + dst->host() + "/" + name + "\n");
    return cli({"sync", "-q", "--config", path}, e);
  }
};

TEST_F(GithubApp, OneInstallationTokenListsPackagesAndReadsTheRegistry) {
  api.write_private_key(dir + "/app.pem");
  api.packages({"a", "team/b"});
  auto r = sync("app", env());
  ASSERT_EQ(r.exit_code, 0) << r.err << "\nGitHub: " << api.last_refusal();
  EXPECT_EQ(api.refused(), 0u) << api.last_refusal();
  EXPECT_EQ(api.tokens_issued(), 1u) << "one installation token for the listing and the registry";
  for (const char* repo : {"a", "team/b"})
    EXPECT_EQ(skopeo_digest(dst->host() + "/app/" + repo + ":v1"), digests[std::string("acme/") + repo]) << repo;
  EXPECT_EQ((r.out + r.err).find(installation_token), std::string::npos);
}

TEST_F(GithubApp, AKeyTheAppDoesNotHaveIsRefusedAndNamed) {
  api.write_private_key(dir + "/app.pem");
  api.write_private_key(dir + "/other.pem");  // the stand-in now accepts only this newer key
  auto e = env();
  e["GITHUB_APP_PRIVATE_KEY_FILE"] = dir + "/app.pem";
  auto r = sync("stale", e);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("GitHub App 123456"), std::string::npos) << r.err;
  e["GITHUB_APP_ID"] = "not-a-number";
  auto bad = sync("bad", e);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("GITHUB_APP_ID"), std::string::npos) << bad.err;
}

}  // namespace
