// Repository include/exclude and `rename:` on real registries: what lands where, digest-identical by skopeo; a
// rename that would send two repositories to one name is refused before anything is written; a policy moved to
// another destination registry copies everything there, whatever its records say about the old one.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <fstream>

using namespace ocimirror::testing;

namespace {

class Rename : public ::testing::Test {
 protected:
  static inline registry_fixture* src = nullptr;
  static inline registry_fixture* dst = nullptr;

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    seeder s({src->host()});
    const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
    for (const char* repo : {"acme/app", "acme/team/web", "acme/team/api", "acme/cache/x", "acme/web"})
      s.image(repo, "v1", image_spec{.layers = {{gz, repo}}});
  }
  static void TearDownTestSuite() {
    delete src;
    delete dst;
  }

  /// The policies, with the registries they name in plain HTTP and a state_dir of the suite's own.
  static run_result sync(const std::string& policy, const std::string& also = {}) {
    const std::string file = dst->dir() + "/rename.yaml";
    std::ofstream(file) << "state_dir: " << dst->dir() << "/state\nregistries:\n  " << src->host()
                        << ": {tls: disabled}\n  " << dst->host() << ": {tls: disabled}\n"
                        << (also.empty() ? "" : "  " + also + ": {tls: disabled}\n") << "policies:\n"
                        << policy;
    return cli({"sync", "--config", file, "-q"});
  }
};

}  // namespace

TEST_F(Rename, ExcludedStayBehindRenamedLandUnderTheirNewNames) {
  auto r = sync("  - name: r\n    from: " + src->host() + "/acme\n    to: " + dst->host() +
                "/mirror\n    repositories: {include: [app, 'team/**', 'cache/**'], exclude: ['cache/**']}\n"
                "    rename:\n      - {from: app, to: application}\n      - {from: team/, to: teams/}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (auto [from, to] : {std::pair{"acme/app", "mirror/application"}, std::pair{"acme/team/web", "mirror/teams/web"},
                          std::pair{"acme/team/api", "mirror/teams/api"}}) {
    const auto want = skopeo_digest(src->host() + "/" + from + ":v1");
    ASSERT_FALSE(want.empty());
    EXPECT_EQ(skopeo_digest(dst->host() + "/" + to + ":v1"), want) << to;
  }
  for (const char* absent : {"mirror/app", "mirror/team/web", "mirror/cache/x", "mirror/web"})
    EXPECT_TRUE(skopeo_digest(dst->host() + "/" + absent + ":v1").empty()) << absent << " should not exist";
}

TEST_F(Rename, TwoRepositoriesOntoOneNameAreRefusedAndNothingIsWritten) {
  // Flattening team/ sends acme/team/web onto acme/web's name.
  auto r = sync("  - name: flat\n    from: " + src->host() + "/acme\n    to: " + dst->host() +
                "/flat\n    rename: [{from: team/, to: ''}]\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("would both land at " + dst->host() + "/flat/web"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("acme/team/web"), std::string::npos) << r.err;
  for (const char* absent : {"flat/web", "flat/app", "flat/api"})
    EXPECT_TRUE(skopeo_digest(dst->host() + "/" + absent + ":v1").empty()) << absent << " was written";
}

TEST_F(Rename, APolicyMovedToAnotherRegistryCopiesEverythingThere) {
  const std::string policy = "  - name: moved\n    from: " + src->host() + "/acme\n    to: ";
  const std::string rest = "/m\n    repositories: [app]\n    prune: true\n";
  ASSERT_EQ(sync(policy + dst->host() + rest).exit_code, 0);
  registry_fixture other({});
  auto r = sync(policy + other.host() + rest, other.host());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_digest(other.host() + "/m/app:v1"), skopeo_digest(src->host() + "/acme/app:v1"))
      << "the records of the old destination answered for the new one";
  EXPECT_FALSE(skopeo_digest(dst->host() + "/m/app:v1").empty()) << "the old destination is left as it was";
}
