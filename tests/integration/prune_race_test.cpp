// Prune after copy: a tag deleted at the source while a new tag with the same digest appears (a rename) must not
// take the new tag with it at the destination. distribution 2.8 deletes manifests by digest, which removes every
// tag on that digest, so the prune has to wait for the copies and decide from what the destination then holds.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <fstream>

using namespace ocimirror::testing;
namespace json = boost::json;

namespace {

TEST(PruneRace, RenamedTagSurvivesThePruneOfItsOldName) {
  registry_fixture src({}), dst({});
  seeder s({src.host()});
  const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
  for (const char* t : {"a", "b", "c"}) s.image("team/app", t, image_spec{.layers = {{gz, std::string("layer ") + t}}});
  const auto x = s.image("team/app", "t0", image_spec{.layers = {{gz, "the renamed one"}}});
  std::string bytes;
  auto& c = s.session().client({src.host(), "team/app", {}, {}});
  s.session().run(
      [&]() -> ocimirror::transfer::awaitable<void> { bytes = (co_await c.get_manifest("team/app", x.digest)).bytes; });

  const std::string config = dst.dir() + "/mirror.yaml";
  std::ofstream(config) << "state_dir: " << dst.dir() << "/state\nregistries:\n  " << src.host()
                        << ": {tls: disabled}\n  " << dst.host()
                        << ": {tls: disabled}\npolicies:\n  - name: p\n    from: " << src.host()
                        << "/team\n    to: " << dst.host() << "/m\n    repositories: [app]\n    prune: true\n";
  auto r = cli({"sync", "--config", config, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(skopeo_digest(dst.host() + "/m/app:t0"), x.digest);

  // Each round renames the tag at the source (the old name deleted, the same manifest pushed under a new one),
  // then syncs: the new name must be at the destination, and stay there through a second run and a cache check.
  for (int i = 1; i <= 8; ++i) {
    const std::string old_tag = "t" + std::to_string(i - 1), new_tag = "t" + std::to_string(i);
    s.session().run(
        [&]() -> ocimirror::transfer::awaitable<void> { co_await c.delete_manifest("team/app", x.digest); });
    s.manifest("team/app", new_tag, bytes, x.media_type);
    r = cli({"sync", "--config", config, "-q", "-o", "json"});
    ASSERT_EQ(r.exit_code, 0) << "round " << i << ": " << r.err << r.out;
    auto p = json::parse(r.out).at("policies").at(0);
    EXPECT_EQ(p.at("tags").at("copied").to_number<int>(), 1) << r.out;
    ASSERT_EQ(skopeo_digest(dst.host() + "/m/app:" + new_tag), x.digest)
        << "round " << i << ": " << new_tag << " lost; " << r.out;
    // The old name shares the digest: a registry that deletes only by digest keeps it, and the report says why.
    EXPECT_NE(json::serialize(p.at("warnings")).find("not pruned: " + dst.host() + "/m/app:" + old_tag),
              std::string::npos)
        << r.out;
    for (const char* t : {"a", "b", "c"}) EXPECT_FALSE(skopeo_digest(dst.host() + "/m/app:" + t).empty()) << t;
    r = cli({"sync", "--config", config, "-q", "-o", "json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out).at("policies").at(0).at("tags").at("copied").to_number<int>(), 0) << r.out;
    EXPECT_EQ(skopeo_digest(dst.host() + "/m/app:" + new_tag), x.digest);
  }
  r = cli({"cache", "verify", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
