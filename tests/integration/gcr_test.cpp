// gcr.io answers an unauthenticated request with 401 but without WWW-Authenticate; only the API root (/v2/)
// challenges. The GAR profile proxy reproduces that in front of a real registry with token auth: ocimirror must read
// the challenge from /v2/ and go on with a token.
#include "tests/integration/helpers.hpp"
#include "tests/support/profile_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "tests/support/token_server.hpp"

#include "transfer/net/headers.hpp"

#include <filesystem>

using namespace ocimirror::testing;

TEST(GcrChallenge, A401WithoutChallengeIsAnsweredFromTheApiRoot) {
  const std::string dir = make_temp_dir("ocimirror-gcr");
  const auto keys = token_keys::make(dir + "/token");
  token_server tokens(keys, {{"puller", "pull-pw"}},
                      [](const std::string& user, const std::string&, const std::string&) { return user == "puller"; });
  registry_fixture src({.mode = registry_options::kind::token, .token_realm = tokens.realm(), .keys = &keys});
  registry_fixture dst({});
  const auto image =
      seeder({.registry = src.host(), .creds = ocimirror::transfer::credentials{"puller", "pull-pw", {}}})
          .image("project/app", "v1",
                 image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "from gcr.io"}}});
  profile_proxy proxy("gar", "127.0.0.1", src.port());
  std::filesystem::create_directories(dir + "/docker");
  write_file(dir + "/docker/config.json", R"({"auths":{")" + proxy.host() + R"(":{"auth":")" +
                                              ocimirror::transfer::base64_encode("puller:pull-pw") + "\"}}}");
  auto r = cli({"copy", "-q", "--plain-http", proxy.host() + "/project/app:v1", dst.host() + "/gcr/app:v1"},
               {{"DOCKER_CONFIG", dir + "/docker"}});
  ASSERT_EQ(r.exit_code, 0) << r.err << "\nquirks: " << proxy.summary();
  EXPECT_EQ(skopeo_digest(dst.host() + "/gcr/app:v1"), image.digest);
  EXPECT_GT(proxy.hits("401_without_challenge"), 0u) << proxy.summary();
  EXPECT_GT(tokens.requests(), 0) << "a token was fetched from the realm /v2/ named";
  std::filesystem::remove_all(dir);
}
