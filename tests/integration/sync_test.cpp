// `ocimirror sync` on real registries: 24 repositories across namespaces (images, multi-arch indexes, Helm charts,
// Flux artifacts), mirrored by five policies with filters; exact destination contents, digest-identical by skopeo;
// a second run copies nothing; prune removes exactly what left the source; dry-run changes nothing.
#include "daemon/cli/flags.hpp"
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <fstream>

using namespace ocimirror::testing;
namespace json = boost::json;

namespace {

using snapshot_t = std::map<std::string, std::string>;  // "repo:tag" -> digest

/// What a registry holds: every tag of every repository in its catalog, with its digest.
snapshot_t snapshot(const registry_fixture& r) {
  ocimirror::daemon::network_flags f;
  f.plain_http = true;
  ocimirror::daemon::session s = ocimirror::daemon::session_for(f);
  auto& c = s.client({r.host(), "x", {}, {}});
  snapshot_t out;
  s.run([&]() -> ocimirror::transfer::awaitable<void> {
    for (const auto& repo : co_await c.catalog()) {
      std::vector<std::string> tags;
      try {
        tags = co_await c.list_tags(repo);
      } catch (const ocimirror::transfer::error&) {
        continue;  // a repository whose last tag was deleted
      }
      for (const auto& t : tags)
        if (auto h = co_await c.head_manifest(repo, t)) out[repo + ":" + t] = h->digest;
    }
  });
  return out;
}

class Sync : public ::testing::Test {
 protected:
  static inline registry_fixture* src = nullptr;
  static inline registry_fixture* dst = nullptr;
  static inline std::string config_path, state_dir;
  static inline std::map<std::string, pushed> multi;  // repo -> index

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    seeder s({src->host()});
    const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
    for (int i = 1; i <= 10; ++i) {  // acme/app-N: five tags each, sharing a base layer
      const std::string repo = "acme/app-" + std::to_string(i);
      for (const char* tag : {"v1.0.0", "v1.1.0", "v1.2.0-rc.1", "v2.0.0", "latest"})
        s.image(repo, tag, image_spec{.layers = {{gz, "base"}, {gz, repo + tag}}});
    }
    for (const char* chart : {"web", "api", "db", "team/cache"})
      for (const char* v : {"1.0.0", "1.2.3", "2.0.0"})
        s.image(
            std::string("acme/charts/") + chart, v,
            image_spec{.config_media_type = "application/vnd.cncf.helm.config.v1+json",
                       .config = std::string(R"({"name":")") + chart + R"(","version":")" + v + R"("})",
                       .layers = {{"application/vnd.cncf.helm.chart.content.v1.tar+gzip", std::string(chart) + v}}});
    for (const char* f : {"infra", "apps", "tenants"})
      for (const char* tag : {"main", "v1.0.0"})
        s.image(std::string("acme/flux/") + f, tag,
                image_spec{.config_media_type = "application/vnd.cncf.flux.config.v1+json",
                           .config = "{}",
                           .layers = {{"application/vnd.cncf.flux.content.v1.tar+gzip", std::string(f) + tag}}});
    for (int i = 1; i <= 3; ++i) {
      const std::string repo = "acme/multi/base-" + std::to_string(i);
      auto a = s.image(repo, "", image_spec{.layers = {{gz, repo + "amd64"}}});
      auto b = s.image(repo, "", image_spec{.layers = {{gz, repo + "arm64"}}});
      multi[repo] = s.index(repo, "v1", {{a, "linux/amd64"}, {b, "linux/arm64"}});
    }
    for (const char* other : {"other/unrelated-1", "other/unrelated-2", "acmex/lookalike", "acme"})
      s.image(other, "v1.0.0", image_spec{.layers = {{gz, other}}});

    const std::string dir = dst->dir();
    state_dir = dir + "/state";
    config_path = dir + "/mirror.yaml";
    const std::string S = src->host(), D = dst->host();
    std::ofstream(config_path) << "state_dir: " << state_dir << "\n"
                               << "registries:\n  " << S << ": {tls: disabled}\n  " << D
                               << ": {tls: disabled, max_concurrency: 4}\n"
                               << "policies:\n"
                               << "  - name: apps\n    from: " << S << "/acme\n    to: " << D << "/mirror\n"
                               << "    repositories: [\"app-*\"]\n"
                               << "    tags: {include: ['^v'], exclude: ['-rc'], semver: '>=1.1.0', latest: 2}\n"
                               << "    prune: true\n"
                               << "  - name: charts\n    from: " << S << "/acme/charts\n    to: " << D
                               << "/mirror/charts\n"
                               << "    repositories: [\"**\"]\n    tags: {semver: '^1'}\n    prune: true\n"
                               << "  - name: flux\n    from: " << S << "/acme\n    to: " << D << "/mirror\n"
                               << "    repositories: ['regex:^flux/(infra|apps)$']\n"
                               << "  - name: multi\n    from: " << S << "/acme/multi\n    to: " << D << "/multi\n"
                               << "    platforms: [linux/amd64]\n"
                               << "  - name: no-helm\n    from: " << S << "/acme\n    to: " << D << "/nohelm\n"
                               << "    repositories: [\"charts/**\", flux/infra]\n"
                               << "    artifact_types: {exclude: [application/vnd.cncf.helm.config.v1+json]}\n";
  }
  static void TearDownTestSuite() {
    delete src;
    delete dst;
  }

  static run_result sync(std::vector<std::string> extra) {
    std::vector<std::string> args{"sync", "--config", config_path, "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(args);
  }

  /// The first run, once in this process (each case may run alone, in its own process).
  static inline bool mirrored = false;
  static void mirror_once() {
    if (std::exchange(mirrored, true)) return;
    auto r = sync({});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  /// What the five policies select, as destination "repo:tag" -> source "repo:tag" (multi is checked apart).
  static std::map<std::string, std::string> expected() {
    std::map<std::string, std::string> e;
    for (int i = 1; i <= 10; ++i)
      for (const char* t : {"v1.1.0", "v2.0.0"})
        e["mirror/app-" + std::to_string(i) + ":" + t] = "acme/app-" + std::to_string(i) + ":" + t;
    for (const char* chart : {"web", "api", "db", "team/cache"})
      for (const char* v : {"1.0.0", "1.2.3"})
        e[std::string("mirror/charts/") + chart + ":" + v] = std::string("acme/charts/") + chart + ":" + v;
    for (const char* f : {"infra", "apps"})
      for (const char* t : {"main", "v1.0.0"})
        e[std::string("mirror/flux/") + f + ":" + t] = std::string("acme/flux/") + f + ":" + t;
    for (const char* t : {"main", "v1.0.0"})
      e[std::string("nohelm/flux/infra:") + t] = std::string("acme/flux/infra:") + t;
    return e;
  }
};

// The tests build on each other in order (gtest runs a suite's tests in declaration order); each also runs alone.
TEST_F(Sync, CheckAcceptsTheConfig) {
  auto r = cli({"check", "--config", config_path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("5 policies"), std::string::npos) << r.out;
}

TEST_F(Sync, DryRunPlansEverythingAndChangesNothing) {
  auto r = sync({"--dry-run", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = json::parse(r.out).as_object();
  std::size_t to_copy = 0;
  for (const auto& p : doc.at("policies").as_array()) to_copy += p.at("planned").at("copy").to_number<std::size_t>();
  EXPECT_EQ(to_copy, expected().size() + multi.size());
  EXPECT_TRUE(snapshot(*dst).empty());
  EXPECT_FALSE(std::filesystem::exists(state_dir + "/cache"));
  auto table = sync({"--dry-run", "--policy", "charts"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("copy       acme/charts/team/cache:1.2.3"), std::string::npos) << table.out;
}

TEST_F(Sync, MirrorsExactlyTheSelectionDigestIdentical) {
  mirrored = true;
  auto r = sync({"-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto snap = snapshot(*dst);
  auto want = expected();
  const auto from = snapshot(*src);
  std::map<std::string, std::string> got;
  for (const auto& [ref, digest] : snap)
    if (!ref.starts_with("multi/")) got[ref] = digest;
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [to, source] : want) {
    ASSERT_TRUE(got.count(to)) << to << " missing at the destination";
    EXPECT_EQ(got[to], from.at(source)) << to;
    EXPECT_EQ(skopeo_digest(dst->host() + "/" + to), from.at(source)) << "skopeo disagrees on " << to;
  }
  // Platform-filtered indexes: a new digest per index, reported, with the source digest in an annotation.
  auto doc = json::parse(r.out).as_object();
  const json::object* mp = nullptr;
  for (const auto& p : doc.at("policies").as_array())
    if (p.at("name").as_string() == "multi") mp = &p.as_object();
  ASSERT_NE(mp, nullptr);
  EXPECT_EQ(mp->at("remapped").as_array().size(), 3u);
  // 20 app tags copied at once, all sharing one config and one base layer: each shared blob crosses the wire
  // once, is mounted into the nine other repositories, and found by the second tag of each repository.
  for (const auto& p : doc.at("policies").as_array())
    if (p.at("name").as_string() == "apps") {
      EXPECT_EQ(p.at("blobs").at("copied").to_number<int>(), 22) << json::serialize(p.at("blobs"));
      EXPECT_EQ(p.at("blobs").at("mounted").to_number<int>(), 18);
      EXPECT_EQ(p.at("blobs").at("skipped").to_number<int>(), 20);
    }
  for (const auto& [repo, idx] : multi) {
    const std::string ref = "multi/" + repo.substr(std::string("acme/multi/").size()) + ":v1";
    ASSERT_TRUE(snap.count(ref)) << ref;
    EXPECT_NE(snap[ref], idx.digest);
    auto raw = json::parse(
        run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + dst->host() + "/" + ref}).out);
    EXPECT_EQ(raw.at("manifests").as_array().size(), 1u);
    EXPECT_EQ(raw.at("annotations").at("io.ocimirror.source.digest").as_string(), idx.digest);
  }
}

TEST_F(Sync, SecondRunCopiesNothing) {
  mirror_once();
  auto r = sync({"-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = json::parse(r.out).as_object();
  std::size_t unchanged = 0;
  for (const auto& p : doc.at("policies").as_array()) {
    EXPECT_EQ(p.at("tags").at("copied").to_number<int>(), 0) << p.at("name").as_string();
    EXPECT_EQ(p.at("bytes").to_number<int>(), 0);
    unchanged += p.at("tags").at("unchanged").to_number<std::size_t>();
  }
  EXPECT_EQ(unchanged, expected().size() + multi.size());  // filtered indexes too, through the sync state
}

TEST_F(Sync, PruneRemovesExactlyWhatLeftTheSource) {
  mirror_once();
  // At the source: one app tag deleted, a new newest tag pushes v1.1.0 out of latest-2 for app-2, one chart deleted.
  seeder s({src->host()});
  const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
  s.image("acme/app-2", "v3.0.0", image_spec{.layers = {{gz, "base"}, {gz, "app-2 v3"}}});
  ocimirror::daemon::network_flags f;
  f.plain_http = true;
  ocimirror::daemon::session sess = ocimirror::daemon::session_for(f);
  auto& c = sess.client({src->host(), "x", {}, {}});
  const auto before_src = snapshot(*src);
  sess.run([&]() -> ocimirror::transfer::awaitable<void> {
    co_await c.delete_manifest("acme/app-1", before_src.at("acme/app-1:v2.0.0"));
    co_await c.delete_manifest("acme/charts/db", before_src.at("acme/charts/db:1.0.0"));
  });
  // At the destination: a tag nobody's policy wrote, in a mirrored repository.
  seeder d({dst->host()});
  d.image("mirror/app-3", "hand-pushed", image_spec{.layers = {{gz, "by hand"}}});
  const auto before = snapshot(*dst);

  auto r = sync({"-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto after = snapshot(*dst);
  std::set<std::string> gone, added;
  for (const auto& [ref, digest] : before)
    if (!after.count(ref)) gone.insert(ref);
  for (const auto& [ref, digest] : after)
    if (!before.count(ref)) added.insert(ref);
  EXPECT_EQ(gone, (std::set<std::string>{"mirror/app-1:v2.0.0", "mirror/app-2:v1.1.0", "mirror/charts/db:1.0.0"}));
  EXPECT_EQ(added, (std::set<std::string>{"mirror/app-2:v3.0.0"}));
  EXPECT_TRUE(after.count("mirror/app-3:hand-pushed"));
  EXPECT_TRUE(after.count("mirror/app-1:v1.1.0"));
}

TEST_F(Sync, ErrorsAndExitCodes) {
  // A configuration error: exit 2, nothing done, every problem named with its line.
  const std::string bad = dst->dir() + "/bad.yaml";
  std::ofstream(bad) << "policies:\n  - name: x\n    from: " << src->host()
                     << "/acme\n    to: nowhere//x\n    prune: maybe\n";
  auto r = cli({"sync", "--config", bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(bad + ":5:12: policies[0].prune: must be true or false"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ":4:9: policies[0].to: 'nowhere//x' is not REGISTRY[/PATH]"), std::string::npos) << r.err;
  // An unknown policy name: exit 2 naming the ones there are.
  r = sync({"--policy", "nope"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("apps, charts, flux, multi, no-helm"), std::string::npos) << r.err;
  // A destination that cannot be reached: every tag fails, each named; exit 5 (network, as every failure is).
  const std::string down = dst->dir() + "/down.yaml", nobody = "127.0.0.1:" + std::to_string(free_port());
  std::ofstream(down) << "state_dir: " << dst->dir() << "/state-down\nregistries:\n  " << nobody
                      << ": {tls: disabled}\n  " << src->host()
                      << ": {tls: disabled}\npolicies:\n  - name: down\n    from: " << src->host()
                      << "/acme/flux\n    to: " << nobody << "/m\n    repositories: [infra]\n";
  r = cli({"sync", "--config", down, "--timeout", "5"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("acme/flux/infra:main -> "), std::string::npos) << r.err;
  // A policy that selects nothing is not a success: exit 3, saying which policy and what matched nothing.
  const std::string empty = dst->dir() + "/empty.yaml";
  std::ofstream(empty) << "state_dir: " << dst->dir() << "/state-empty\nregistries:\n  " << src->host()
                       << ": {tls: disabled}\n  " << dst->host()
                       << ": {tls: disabled}\npolicies:\n  - name: none\n    from: " << src->host()
                       << "/acme\n    to: " << dst->host() << "/none\n    repositories: ['nothing-*']\n";
  r = cli({"sync", "--config", empty});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("error: policy none (line 6) selected nothing at " + src->host() +
                       "/acme: no repository matches `repositories:`"),
            std::string::npos)
      << r.err;
}

}  // namespace
