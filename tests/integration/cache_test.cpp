// The digest cache on real registries whose access logs count every request: layers shared by two policies are
// mounted across their repositories, a warm run asks the destination nothing and the source one HEAD per tag,
// what was deleted behind the cache's back is found by `cache verify` and repaired by `sync --verify`, a damaged
// cache is rebuilt with a warning, and a chunked upload killed with SIGKILL is continued by the next run.
#include "daemon/cli/flags.hpp"
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <fstream>
#include <thread>

using namespace ocimirror::testing;
namespace json = boost::json;
namespace http = boost::beast::http;

namespace {

const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
const std::string shared_layer(512u << 10, 's');

json::object policy_named(const json::value& doc, const std::string& name) {
  for (const auto& p : doc.at("policies").as_array())
    if (p.at("name").as_string() == name) return p.as_object();
  ADD_FAILURE() << "no policy " << name << " in " << json::serialize(doc);
  return {};
}

std::size_t count(const json::object& p, const char* group, const char* key) {
  return p.at(group).at(key).to_number<std::size_t>();
}

class Cache : public ::testing::Test {
 protected:
  static inline registry_fixture* src = nullptr;
  static inline registry_fixture* dst = nullptr;
  static inline std::string config_path, state_dir;
  static inline std::atomic<bool> hold_patches{false};
  static inline std::atomic<int> patches{0};
  static inline std::unique_ptr<fault_proxy> proxy;
  static inline pushed big_layer;

  static void SetUpTestSuite() {
    src = new registry_fixture({.access_log = true});
    dst = new registry_fixture({.access_log = true});
    seeder s({src->host()});
    for (int i = 1; i <= 3; ++i)
      for (const char* tag : {"v1", "v2"}) {
        const std::string repo = "acme/a/app-" + std::to_string(i);
        s.image(repo, tag, image_spec{.layers = {{gz, shared_layer}, {gz, repo + tag}}});
      }
    for (int i = 1; i <= 2; ++i) {
      const std::string repo = "acme/b/app-" + std::to_string(i);
      s.image(repo, "v1", image_spec{.layers = {{gz, shared_layer}, {gz, repo}}});
    }
    big_layer = s.big_blob("acme/big/app", gz, 40u << 20, 11);
    auto cfg = s.blob("acme/big/app", "application/vnd.oci.image.config.v1+json", "{}");
    s.manifest("acme/big/app", "v1", seeder::image_json({}, cfg, {big_layer}),
               "application/vnd.oci.image.manifest.v1+json");

    // PATCHes to the destination of policy `big` pass a proxy that can hold them (while the client is killed).
    const std::string dst_port = dst->port();
    proxy = std::make_unique<fault_proxy>("127.0.0.1", dst_port,
                                          [](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
                                            if (req.method() != http::verb::patch) return std::nullopt;
                                            if (++patches <= 2 || !hold_patches) return std::nullopt;
                                            for (int i = 0; i < 600 && hold_patches; ++i)
                                              std::this_thread::sleep_for(std::chrono::milliseconds(50));
                                            fault_proxy::response res{http::status::service_unavailable, 11};
                                            res.prepare_payload();
                                            return res;
                                          });

    const std::string S = src->host(), D = dst->host(), P = proxy->host();
    state_dir = dst->dir() + "/state";
    config_path = dst->dir() + "/mirror.yaml";
    std::ofstream(config_path) << "state_dir: " << state_dir << "\nregistries:\n  " << S << ": {tls: disabled}\n  " << D
                               << ": {tls: disabled}\n  " << P << ": {tls: disabled}\npolicies:\n"
                               << "  - name: a\n    from: " << S << "/acme/a\n    to: " << D
                               << "/mirror-a\n    repositories: ['**']\n"
                               << "  - name: b\n    from: " << S << "/acme/b\n    to: " << D
                               << "/mirror-b\n    repositories: ['**']\n"
                               << "  - name: big\n    from: " << S << "/acme/big\n    to: " << P
                               << "/big\n    repositories: [app]\n";
  }
  static void TearDownTestSuite() {
    hold_patches = false;
    proxy.reset();
    delete src;
    delete dst;
  }

  static json::value sync(std::vector<std::string> extra, int expect_exit = 0) {
    std::vector<std::string> args{"sync", "--config", config_path, "-q", "-o", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, expect_exit) << r.err << r.out;
    return r.out.empty() ? json::value() : json::parse(r.out);
  }
  /// Policies a and b mirrored once in this process (each case may run alone, in its own process).
  static inline bool mirrored = false;
  static void mirror_ab_once() {
    if (std::exchange(mirrored, true)) return;
    sync({"--policy", "a"});
    sync({"--policy", "b"});
  }
  static json::value ab(std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--policy", "a", "--policy", "b"});
    return sync(extra);
  }
  static bool dst_has_blob(const std::string& repo, const std::string& digest) {
    auto r = run({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-I",
                  "http://" + dst->host() + "/v2/" + repo + "/blobs/" + digest});
    return r.out == "200";
  }
  static std::string layer_digest(const std::string& src_ref, std::size_t i) {
    auto raw = json::parse(
        run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + src->host() + "/" + src_ref}).out);
    return std::string(raw.at("layers").at(i).at("digest").as_string());
  }
};

// The tests build on each other in order; each also runs alone (mirror_ab_once).
TEST_F(Cache, SharedLayersAreMountedAcrossPoliciesFromTheCache) {
  mirrored = true;
  auto a = policy_named(sync({"--policy", "a"}), "a");
  EXPECT_EQ(count(a, "tags", "copied"), 6u);
  // Another process, another policy: what `a` wrote is known from the cache alone.
  auto b = policy_named(sync({"--policy", "b"}), "b");
  EXPECT_EQ(count(b, "tags", "copied"), 2u);
  EXPECT_GE(count(b, "blobs", "mounted"), 2u);  // the shared layer into both repositories (and the shared config)
  EXPECT_LT(b.at("bytes").to_number<std::uint64_t>(), shared_layer.size())
      << "the shared layer was copied, not mounted";
  for (const char* ref : {"mirror-b/app-1:v1", "mirror-b/app-2:v1"})
    EXPECT_FALSE(skopeo_digest(dst->host() + "/" + ref).empty()) << ref;

  auto stats = json::parse(cli({"cache", "stats", "--config", config_path, "-o", "json"}).out);
  EXPECT_EQ(stats.at("tags").at("a").to_number<int>(), 6);
  EXPECT_EQ(stats.at("tags").at("b").to_number<int>(), 2);
  EXPECT_GE(stats.at("blobLocations").to_number<int>(), 8);
}

TEST_F(Cache, WarmRunAsksTheDestinationNothingAndTheSourceOneHeadPerTag) {
  mirror_ab_once();
  const auto src_before = src->requests().size(), dst_before = dst->requests().size();
  auto doc = ab();
  for (const char* name : {"a", "b"}) {
    auto p = policy_named(doc, name);
    EXPECT_EQ(count(p, "tags", "copied"), 0u);
    EXPECT_EQ(count(p, "tags", "cacheHits"), count(p, "tags", "unchanged"));
  }
  EXPECT_EQ(dst->requests().size(), dst_before) << "requests to the destination on a warm run";
  auto seen = src->requests();
  std::size_t heads = 0, other_manifest_or_blob = 0;
  for (auto i = src_before; i < seen.size(); ++i) {
    if (seen[i].starts_with("HEAD ") && seen[i].find("/manifests/") != std::string::npos)
      ++heads;
    else if (seen[i].find("/manifests/") != std::string::npos || seen[i].find("/blobs/") != std::string::npos)
      ++other_manifest_or_blob;
  }
  EXPECT_EQ(heads, 8u);
  EXPECT_EQ(other_manifest_or_blob, 0u);
}

TEST_F(Cache, DeletedBehindItsBackIsFoundByVerifyAndRepaired) {
  mirror_ab_once();
  ocimirror::daemon::network_flags f;
  f.plain_http = true;
  ocimirror::daemon::session s = ocimirror::daemon::session_for(f);
  auto& d = s.client({dst->host(), "x", {}, {}});
  const std::string gone_tag_digest = skopeo_digest(dst->host() + "/mirror-a/app-1:v1");
  const std::string gone_blob = layer_digest("acme/a/app-2:v1", 1);
  s.run(
      [&]() -> ocimirror::transfer::awaitable<void> { co_await d.delete_manifest("mirror-a/app-1", gone_tag_digest); });
  ASSERT_EQ(
      run({"curl", "-sf", "-X", "DELETE", "http://" + dst->host() + "/v2/mirror-a/app-2/blobs/" + gone_blob}).exit_code,
      0);
  ASSERT_FALSE(dst_has_blob("mirror-a/app-2", gone_blob));

  // The cache still believes: a plain run trusts it and asks the destination nothing.
  EXPECT_EQ(count(policy_named(ab(), "a"), "tags", "copied"), 0u);

  auto v = cli({"cache", "verify", "--config", config_path, "-o", "json"});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  auto vd = json::parse(v.out);
  EXPECT_EQ(vd.at("staleTags").to_number<int>(), 1);
  EXPECT_GE(vd.at("staleBlobLocations").to_number<int>(), 1);

  // The stale tag record is gone, so the next run asks and copies that tag again.
  EXPECT_EQ(count(policy_named(ab(), "a"), "tags", "copied"), 1u);
  EXPECT_EQ(skopeo_digest(dst->host() + "/mirror-a/app-1:v1"), gone_tag_digest);

  // A blob under a tag that still resolves is found only by looking under it: --verify.
  auto a = policy_named(ab({"--verify"}), "a");
  EXPECT_EQ(count(a, "tags", "verified"), 6u);
  EXPECT_EQ(count(a, "tags", "repaired"), 1u);
  EXPECT_TRUE(dst_has_blob("mirror-a/app-2", gone_blob));
  EXPECT_EQ(cli({"cache", "verify", "--config", config_path}).exit_code, 0);
  EXPECT_EQ(count(policy_named(ab({"--verify"}), "a"), "tags", "repaired"), 0u);
}

TEST_F(Cache, DamagedCacheIsMovedAsideRebuiltAndTheRunStillCorrect) {
  mirror_ab_once();
  std::ofstream(state_dir + "/cache/CURRENT", std::ios::trunc) << "not a manifest name";
  auto r = cli({"sync", "--config", config_path, "-q", "--policy", "a", "--policy", "b"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("moved to"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("tags 0 copied, 6 unchanged (0 by cache)"), std::string::npos) << r.out;
  auto again = policy_named(ab(), "a");
  EXPECT_EQ(count(again, "tags", "cacheHits"), 6u);  // rebuilt by the run that found it damaged
}

TEST_F(Cache, ChunkedUploadKilledMidwayIsContinuedByTheNextRun) {
  const std::vector<std::string> chunks{"--chunk-size", std::to_string(8u << 20), "--monolithic-max",
                                        std::to_string(4u << 20)};
  hold_patches = true;
  std::vector<std::string> killed{"timeout",   "-s", "KILL",     "8",  ocimirror_bin(), "sync", "--config",
                                  config_path, "-q", "--policy", "big"};
  killed.insert(killed.end(), chunks.begin(), chunks.end());
  auto first = run(killed);
  hold_patches = false;
  EXPECT_NE(first.exit_code, 0) << first.err;
  EXPECT_GE(patches.load(), 3);
  EXPECT_TRUE(skopeo_digest(proxy->host() + "/big/app:v1").empty()) << "nothing is tagged before its blobs are whole";

  auto stats = json::parse(cli({"cache", "stats", "--config", config_path, "-o", "json"}).out);
  EXPECT_EQ(stats.at("uploadSessions").to_number<int>(), 1);
  std::vector<std::string> extra{"--policy", "big"};
  extra.insert(extra.end(), chunks.begin(), chunks.end());
  auto big = policy_named(sync(extra), "big");
  EXPECT_EQ(count(big, "blobs", "resumedUploads"), 1u);
  const auto bytes = big.at("bytes").to_number<std::uint64_t>();
  EXPECT_GE(bytes, big_layer.size - (16u << 20));
  EXPECT_LT(bytes, big_layer.size - (16u << 20) + 1024) << "the 16 MiB the registry held were sent again";
  EXPECT_EQ(skopeo_digest(proxy->host() + "/big/app:v1"), skopeo_digest(src->host() + "/acme/big/app:v1"));
  EXPECT_TRUE(storage_has_blob(dst->storage(), big_layer.digest));
  stats = json::parse(cli({"cache", "stats", "--config", config_path, "-o", "json"}).out);
  EXPECT_EQ(stats.at("uploadSessions").to_number<int>(), 0);
}

}  // namespace

namespace {
// A state_dir the cache cannot be written in (here one under /proc, which refuses new files even to root, as a
// full disk refuses them): the run goes on without the cache, with a warning, and mirrors everything.
TEST_F(Cache, AStateDirThatCannotBeWrittenCostsSpeedNotTheRun) {
  auto doc = ab({"--state-dir", "/proc/self/ocimirror-state"});
  for (const char* name : {"a", "b"})
    EXPECT_EQ(count(policy_named(doc, name), "tags", "failed"), 0u) << json::serialize(doc);
  EXPECT_NE(json::serialize(policy_named(doc, "a").at("warnings")).find("is unusable"), std::string::npos)
      << json::serialize(doc);
}
}  // namespace
