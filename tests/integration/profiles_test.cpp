// Every registry family ocimirror knows, reproduced by the test kit's profile_proxy in front of the real
// distribution registry: a sync of every artifact kind (OCI and Docker images, a multi-arch index, a Helm chart, a
// Flux artifact, a cosign signature tag, an SBOM referrer, a 40 MiB layer) goes through each family as destination,
// and as source where the family's quirk is on reads. Each must end with exit 0, every tag digest-identical by
// skopeo, the quirk exercised and no refused request repeated. With the profile switched off (`profile: generic`)
// the same sync must fail: that proves the profile is what handles the quirk.
#include "tests/integration/helpers.hpp"
#include "tests/support/profile_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include "transfer/registry/referrers.hpp"

#include <boost/json.hpp>

#include <filesystem>

using namespace ocimirror::testing;
namespace json = boost::json;
namespace refs = ocimirror::transfer::referrers;

namespace {

constexpr const char* gz = "application/vnd.oci.image.layer.v1.tar+gzip";
constexpr const char* oci_manifest = "application/vnd.oci.image.manifest.v1+json";

class Profiles : public ::testing::Test {
 protected:
  static inline registry_fixture *src = nullptr, *dst = nullptr;
  static inline std::string dir;
  static inline std::map<std::string, std::string> tags;  // "repo:tag" at the source -> digest

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    dir = make_temp_dir("ocimirror-profiles");
    seeder s({src->host()});
    auto keep = [](const std::string& repo, const std::string& tag, const pushed& p) {
      tags[repo + ":" + tag] = p.digest;
      return p;
    };
    image_spec arm{.layers = {{gz, "base"}, {gz, "arm64"}}};
    arm.config = R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    auto a = s.image("kinds/multi", "", image_spec{.layers = {{gz, "base"}, {gz, "amd64"}}});
    auto r = s.image("kinds/multi", "", arm);
    auto multi = keep("kinds/multi", "v1", s.index("kinds/multi", "v1", {{a, "linux/amd64"}, {r, "linux/arm64"}}));
    const std::string dgz = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    keep("kinds/docker", "v1",
         s.image("kinds/docker", "v1", image_spec{.docker = true, .layers = {{dgz, "docker layer"}}}));
    keep("kinds/chart", "1.0.0",
         s.image("kinds/chart", "1.0.0",
                 image_spec{.config_media_type = "application/vnd.cncf.helm.config.v1+json",
                            .config = R"({"apiVersion":"v2","name":"chart","version":"1.0.0"})",
                            .layers = {{"application/vnd.cncf.helm.chart.content.v1.tar+gzip", "chart tgz"}}}));
    keep("kinds/flux", "main",
         s.image("kinds/flux", "main",
                 image_spec{.config_media_type = "application/vnd.cncf.flux.config.v1+json",
                            .config = "{}",
                            .layers = {{"application/vnd.cncf.flux.content.v1.tar+gzip", "manifests"}}}));
    // 40 MiB: over ACR's request limit, over GHCR's PATCH limit, over the default monolithic PUT (32 MiB).
    auto cfg = s.blob("kinds/big", "application/vnd.oci.image.config.v1+json",
                      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})");
    auto big = s.big_blob("kinds/big", gz, 40u << 20, 7);
    keep("kinds/big", "v1", s.manifest("kinds/big", "v1", seeder::image_json({}, cfg, {big}), oci_manifest));
    // A cosign signature tag and an SBOM referrer (with the fallback index a registry without the API needs).
    auto sig_layer = s.blob("kinds/multi", "application/vnd.dev.cosign.simplesigning.v1+json", "{\"critical\":{}}");
    auto empty = s.blob("kinds/multi", "application/vnd.oci.empty.v1+json", "{}");
    const std::string sig_tag = refs::cosign_tags(multi.digest)[0];
    keep("kinds/multi", sig_tag,
         s.manifest("kinds/multi", sig_tag, seeder::image_json({}, empty, {sig_layer}), oci_manifest));
    s.referrers_index("kinds/multi", multi, {s.sbom("kinds/multi", multi, R"({"spdxVersion":"SPDX-2.3"})")});
    // 120 tags: more than GHCR's page of 100 and Quay's 50.
    auto many_cfg = s.blob("kinds/many", "application/vnd.oci.image.config.v1+json", "{}");
    for (int i = 0; i < 120; ++i) {
      const std::string tag = "t" + std::to_string(i);
      keep("kinds/many", tag, s.manifest("kinds/many", tag, seeder::image_json({}, many_cfg, {}), oci_manifest));
    }
  }
  static void TearDownTestSuite() {
    delete src;
    delete dst;
    std::filesystem::remove_all(dir);
  }

  /// Syncs kinds/* from `from` to `to`/<name>/ with `profile` for the proxy host.
  static run_result sync(const std::string& name, const std::string& from, const std::string& to,
                         const std::string& proxy, const std::string& profile) {
    const std::string path = dir + "/" + name + ".yaml";
    std::string registries;
    for (const auto& h : {src->host(), dst->host(), proxy})
      registries += "  " + h + ": {tls: disabled" + (h == proxy ? ", profile: " + profile : "") + "}\n";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n" + registries +
                         "policies:\n  - name: " + name + "\n    from: " + from + "/kinds\n    to: " + to + "/" + name +
                         "\n    repositories: [multi, docker, chart, flux, big, many]\n");
    return cli({"sync", "-q", "-o", "json", "--config", path});
  }

  /// Every seeded tag at `registry`/<name>/..., read back by skopeo.
  static void expect_all_there(const std::string& registry, const std::string& name) {
    for (const auto& [ref, digest] : tags) {
      const auto repo = ref.substr(6, ref.find(':') - 6);  // after "kinds/"
      EXPECT_EQ(skopeo_digest(registry + "/" + name + "/" + repo + ref.substr(ref.find(':'))), digest) << ref;
    }
  }
};

struct family_case {
  const char* family;
  const char* dest_quirk;    ///< a quirk the proxy applies with ocimirror handling it, as destination (or null)
  const char* source_quirk;  ///< the same as source; null: the family's quirks are on writes only
  const char* off_breaks;    ///< "dest" or "source": where switching the profile off must break the sync; null: the
                             ///< quirks are handled for every registry, so there is no switch
};

class ProfileFamilies : public Profiles, public ::testing::WithParamInterface<family_case> {};

TEST_P(ProfileFamilies, EveryKindSurvivesAsDestination) {
  const auto c = GetParam();
  profile_proxy proxy(c.family, "127.0.0.1", dst->port());
  const std::string name = std::string("to-") + c.family;
  auto r = sync(name, src->host(), proxy.host(), proxy.host(), c.family);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out << "\nquirks: " << proxy.summary();
  expect_all_there(dst->host(), name);
  if (c.dest_quirk) {
    EXPECT_GT(proxy.hits(c.dest_quirk), 0u) << proxy.summary();
  }
  // Only ECR's validator lag is refused on purpose (once per manifest at most); nothing else is.
  EXPECT_LE(proxy.refused(), std::string(c.family) == "ecr" ? 130u : 0u) << proxy.summary();
}

TEST_P(ProfileFamilies, EveryKindSurvivesAsSource) {
  const auto c = GetParam();
  if (!c.source_quirk) GTEST_SKIP() << c.family << "'s quirks are on writes";
  // Docker Hub's limit, scaled down: 40 manifest GETs per 2 s where the real one is 100 (or 200) per 6 hours.
  const bool limited = std::string(c.family) == "dockerhub";
  profile_proxy proxy(c.family, "127.0.0.1", src->port(),
                      limited ? rate_window{40, std::chrono::milliseconds(2000)} : rate_window{});
  const std::string name = std::string("from-") + c.family;
  auto r = sync(name, proxy.host(), dst->host(), proxy.host(), c.family);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out << "\nquirks: " << proxy.summary();
  expect_all_there(dst->host(), name);
  EXPECT_GT(proxy.hits(c.source_quirk), 0u) << proxy.summary();
  EXPECT_EQ(proxy.refused(), 0u) << "paced before the limit, never refused: " << proxy.summary();
  if (limited) {
    auto report = json::parse(r.out).at("policies").at(0).as_object();
    ASSERT_TRUE(report.at("waitedSeconds").as_object().contains(proxy.host())) << r.out;
    EXPECT_GT(report.at("waitedSeconds").at(proxy.host()).as_double(), 0.5) << "the report says how long it waited";
  }
}

TEST_P(ProfileFamilies, SwitchedOffTheSameSyncFails) {
  const auto c = GetParam();
  if (!c.off_breaks) GTEST_SKIP() << c.family << "'s quirks are handled for every registry";
  const bool as_source = std::string(c.off_breaks) == "source";
  profile_proxy proxy(c.family, "127.0.0.1", as_source ? src->port() : dst->port());
  const std::string name = std::string("off-") + c.family;
  auto r = as_source ? sync(name, proxy.host(), dst->host(), proxy.host(), "generic")
                     : sync(name, src->host(), proxy.host(), proxy.host(), "generic");
  EXPECT_NE(r.exit_code, 0) << "without the " << c.family
                            << " profile the quirk should break the sync; quirks: " << proxy.summary();
  const auto quirk = as_source ? proxy.hits(c.source_quirk) : proxy.refused();
  EXPECT_GT(quirk, 0u) << "the failure came from the quirk: " << proxy.summary();
  const auto failures = json::parse(r.out).at("policies").at(0).at("failures").as_array();
  ASSERT_FALSE(failures.empty()) << r.out;
  std::cerr << c.family << " without its profile: " << failures[0].at("error").as_string().c_str() << "\n";
}

// GitLab's alias (the tag sha256-<hex> read as the digest) is on reads: as a destination it is met only where a
// sync reads a referrers tag back, which it does not when it carries that tag as an ordinary one.
INSTANTIATE_TEST_SUITE_P(, ProfileFamilies,
                         ::testing::Values(family_case{"ecr", "manifest_lag", nullptr, "dest"},
                                           family_case{"acr", nullptr, nullptr, "dest"},
                                           family_case{"ghcr", nullptr, "tag_page", "dest"},
                                           family_case{"dockerhub", nullptr, "rate_limit", nullptr},
                                           family_case{"gar", nullptr, nullptr, "dest"},
                                           family_case{"quay", nullptr, "tag_page", nullptr},
                                           family_case{"harbor", nullptr, nullptr, nullptr},
                                           family_case{"artifactory", nullptr, "digest_in_tags", "source"},
                                           family_case{"gitlab", nullptr, "digest_tag", nullptr}),
                         [](const auto& p) { return std::string(p.param.family); });

// ECR refuses a PUT to an existing immutable tag even with the same digest (aws/containers-roadmap#2380). A
// platform-filtered copy always pushes its (new) index, so copying it twice meets the refusal: the profile reads
// the tag back and finds its own digest; without the profile the second copy fails.
TEST_F(Profiles, EcrImmutableTagHoldingTheSameDigestIsDone) {
  profile_proxy proxy("ecr", "127.0.0.1", dst->port());
  const std::string to = proxy.host() + "/immutable/multi:v1";
  auto copy = [&](const std::string& profile) {
    return cli({"copy", "-q", "--plain-http", "--registry-profile", proxy.host() + "=" + profile, "--platform",
                "linux/arm64", src->host() + "/kinds/multi:v1", to});
  };
  auto first = copy("ecr");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto again = copy("ecr");
  EXPECT_EQ(again.exit_code, 0) << again.err << "\nquirks: " << proxy.summary();
  EXPECT_GT(proxy.hits("tag_invalid"), 0u) << proxy.summary();
  auto off = copy("generic");
  EXPECT_NE(off.exit_code, 0);
  EXPECT_NE(off.err.find("TAG_INVALID"), std::string::npos) << off.err;
}

}  // namespace
