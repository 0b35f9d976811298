// Three `sync --shard I/3` processes at once, each with its own state_dir, mirror one source: every repository is
// mirrored by exactly one of them and none is missed.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <future>
#include <set>

using namespace ocimirror::testing;
namespace json = boost::json;

TEST(Shard, ThreeReplicasMirrorEveryRepositoryExactlyOnce) {
  registry_fixture src({}), dst({});
  seeder s({src.host()});
  std::set<std::string> repos;
  for (int i = 0; i < 15; ++i) {
    const std::string repo = "acme/team-" + std::to_string(i % 3) + "/app-" + std::to_string(i);
    s.image(repo, "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", repo}}});
    repos.insert(repo);
  }
  const std::string config = dst.dir() + "/mirror.yaml";
  std::ofstream(config) << "registries:\n  " << src.host() << ": {tls: disabled}\n  " << dst.host()
                        << ": {tls: disabled}\n"
                        << "policies:\n  - name: all\n    from: " << src.host() << "/acme\n    to: " << dst.host()
                        << "/mirror\n"
                        << "    repositories: ['**']\n";
  std::vector<std::future<run_result>> replicas;
  for (int i = 0; i < 3; ++i)
    replicas.push_back(std::async(std::launch::async, [&, i] {
      return cli({"sync", "--config", config, "-q", "-o", "json", "--shard", std::to_string(i) + "/3", "--state-dir",
                  dst.dir() + "/state-" + std::to_string(i)});
    }));
  std::map<std::string, int> mirrored_by;  // source repository -> how many replicas copied it
  std::size_t left_to_others = 0;
  for (auto& f : replicas) {
    auto r = f.get();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto p = json::parse(r.out).at("policies").at(0);
    for (const auto& it : p.at("plan").as_array()) {
      EXPECT_EQ(it.at("action").as_string(), "copy");
      std::string source(it.at("source").as_string());
      ++mirrored_by[source.substr(0, source.find(':'))];
    }
    left_to_others += p.at("otherShardRepositories").to_number<std::size_t>();
    EXPECT_TRUE(p.at("warnings").as_array().empty()) << r.out;
  }
  EXPECT_EQ(left_to_others, 2 * repos.size());  // each replica leaves the other two thirds
  ASSERT_EQ(mirrored_by.size(), repos.size());
  for (const auto& repo : repos) {
    EXPECT_EQ(mirrored_by[repo], 1) << repo;
    const std::string rel = repo.substr(5);  // without "acme/"
    EXPECT_EQ(skopeo_digest(dst.host() + "/mirror/" + rel + ":v1"), skopeo_digest(src.host() + "/" + repo + ":v1"))
        << repo;
  }
}
