// Every seed artifact kind, copied between two plain-HTTP registries and read back digest-identical by skopeo.
#include "daemon/cli/flags.hpp"
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include "transfer/endpoint/layout.hpp"

#include <boost/json.hpp>

#include <filesystem>

using namespace ocimirror::testing;
namespace json = boost::json;

namespace {

class CopyKinds : public ::testing::Test {
 protected:
  static inline registry_fixture* src = nullptr;
  static inline registry_fixture* dst = nullptr;
  static inline std::map<std::string, pushed> seeded;  // tag in src "kinds/<name>" -> top manifest

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    seeder s({src->host()});
    const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";

    // OCI index with two platforms sharing a base layer.
    image_spec amd{.layers = {{gz, "base layer"}, {gz, "amd64 layer"}}};
    image_spec arm{.layers = {{gz, "base layer"}, {gz, "arm64 layer"}}};
    arm.config = R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    auto a = s.image("kinds/multi", "", amd);
    auto r = s.image("kinds/multi", "", arm);
    seeded["multi"] = s.index("kinds/multi", "v1", {{a, "linux/amd64"}, {r, "linux/arm64/v8"}});

    // Docker schema2 manifest and manifest list.
    const std::string dgz = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    auto d1 = s.image("kinds/docker", "single", image_spec{.docker = true, .layers = {{dgz, "docker layer 1"}}});
    seeded["docker"] = d1;
    auto d2 = s.image("kinds/docker", "", image_spec{.docker = true, .layers = {{dgz, "docker layer arm"}}});
    seeded["docker-list"] = s.index("kinds/docker", "list", {{d1, "linux/amd64"}, {d2, "linux/arm/v7"}}, true);

    // Helm chart.
    seeded["helm"] =
        s.image("kinds/charts/web", "1.2.3",
                image_spec{.config_media_type = "application/vnd.cncf.helm.config.v1+json",
                           .config = R"({"apiVersion":"v2","name":"web","version":"1.2.3"})",
                           .layers = {{"application/vnd.cncf.helm.chart.content.v1.tar+gzip", "chart tgz"}}});
    // Flux artifact, and Kustomize / OPA bundles pushed the way Flux pushes artifacts.
    auto flux = [&](const std::string& repo, const std::string& content) {
      return s.image(
          repo, "main",
          image_spec{.config_media_type = "application/vnd.cncf.flux.config.v1+json",
                     .config = "{}",
                     .layers = {{"application/vnd.cncf.flux.content.v1.tar+gzip", content}},
                     .annotations = {{"org.opencontainers.image.created", "2026-11-22T00:00:00Z"},
                                     {"org.opencontainers.image.revision", "main@sha1:abc123"},
                                     {"org.opencontainers.image.source", "https://git.example/acme/deploy"}}});
    };
    seeded["flux"] = flux("kinds/flux/manifests", "k8s manifests tgz");
    seeded["kustomize"] = flux("kinds/flux/overlay", "kustomization.yaml overlay tgz");
    seeded["opa"] = flux("kinds/flux/policies", "rego policy bundle tgz");

    // An artifact with an unknown config media type and an artifactType.
    seeded["unknown"] = s.image("kinds/things", "v1",
                                image_spec{.config_media_type = "application/vnd.example.thing.config.v1+json",
                                           .config = R"({"thing":true})",
                                           .layers = {{"application/vnd.example.thing.layer.v1", "thing payload"}},
                                           .artifact_type = "application/vnd.example.thing.v1"});
    // A cosign-style signature tag next to its subject, and an image with a 0-byte blob.
    seeded["sig"] = s.image("kinds/multi", "sha256-" + seeded["multi"].digest.substr(7) + ".sig",
                            image_spec{.layers = {{"application/vnd.dev.cosign.simplesigning.v1+json",
                                                   R"({"critical":{"image":{"docker-manifest-digest":")" +
                                                       seeded["multi"].digest + R"("}}})"}},
                                       .annotations = {}});
    seeded["empty"] = s.image("kinds/empty", "v1", image_spec{.layers = {{gz, ""}}});
  }
  static void TearDownTestSuite() {
    delete src;
    delete dst;
  }

  static std::string tag_of(const std::string& kind) {
    static const std::map<std::string, std::string> refs{{"multi", "kinds/multi:v1"},
                                                         {"docker", "kinds/docker:single"},
                                                         {"docker-list", "kinds/docker:list"},
                                                         {"helm", "kinds/charts/web:1.2.3"},
                                                         {"flux", "kinds/flux/manifests:main"},
                                                         {"kustomize", "kinds/flux/overlay:main"},
                                                         {"opa", "kinds/flux/policies:main"},
                                                         {"unknown", "kinds/things:v1"},
                                                         {"empty", "kinds/empty:v1"}};
    if (kind == "sig") return "kinds/multi:sha256-" + seeded["multi"].digest.substr(7) + ".sig";
    return refs.at(kind);
  }

  void expect_copied(const std::string& kind) {
    const std::string from = src->host() + "/" + tag_of(kind);
    const std::string to = dst->host() + "/mirror/" + tag_of(kind);
    auto r = cli({"copy", "--plain-http", "-q", from, to});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(first_line(r.out), seeded[kind].digest);
    EXPECT_EQ(skopeo_digest(to), seeded[kind].digest) << "skopeo sees different bytes at " << to;
  }
};

TEST_F(CopyKinds, OciIndexWithTwoPlatforms) {
  expect_copied("multi");
  // The children arrived too, and the shared base layer was pushed once, then found.
  auto children = json::parse(
      run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + dst->host() + "/mirror/kinds/multi:v1"})
          .out);
  for (const auto& c : children.at("manifests").as_array()) {
    std::string d(c.at("digest").as_string());
    EXPECT_EQ(skopeo_digest(dst->host() + "/mirror/kinds/multi@" + d), d);
  }
}
TEST_F(CopyKinds, DockerSchema2Manifest) { expect_copied("docker"); }
TEST_F(CopyKinds, DockerManifestList) { expect_copied("docker-list"); }
TEST_F(CopyKinds, HelmChart) { expect_copied("helm"); }
TEST_F(CopyKinds, FluxArtifact) { expect_copied("flux"); }
TEST_F(CopyKinds, KustomizeOverlayAsFluxArtifact) { expect_copied("kustomize"); }
TEST_F(CopyKinds, OpaBundleAsFluxArtifact) { expect_copied("opa"); }
TEST_F(CopyKinds, UnknownConfigTypeWithArtifactType) { expect_copied("unknown"); }
TEST_F(CopyKinds, CosignSignatureTag) { expect_copied("sig"); }
TEST_F(CopyKinds, ZeroByteBlob) { expect_copied("empty"); }

TEST_F(CopyKinds, SecondCopySkipsEverything) {
  const std::string from = src->host() + "/" + tag_of("helm");
  const std::string to = dst->host() + "/again/" + tag_of("helm");
  ASSERT_EQ(cli({"copy", "--plain-http", from, to}).exit_code, 0);
  auto r = cli({"copy", "--plain-http", "-o", "json", from, to});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = json::parse(r.out).as_object();
  EXPECT_EQ(o["manifests"].as_object()["skipped"].as_int64(), 1);
  EXPECT_EQ(o["manifests"].as_object()["pushed"].as_int64(), 0);
  EXPECT_EQ(o["bytes"].as_int64(), 0);
}

TEST_F(CopyKinds, SameRegistryCopyMountsBlobs) {
  const std::string a = dst->host() + "/mount-src/web:1";
  ASSERT_EQ(cli({"copy", "--plain-http", src->host() + "/" + tag_of("helm"), a}).exit_code, 0);
  auto r = cli({"copy", "--plain-http", "-o", "json", a, dst->host() + "/mount-dst/web:1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = json::parse(r.out).as_object();
  EXPECT_EQ(o["blobs"].as_object()["mounted"].as_int64(), 2);
  EXPECT_EQ(o["blobs"].as_object()["copied"].as_int64(), 0);
}

TEST_F(CopyKinds, PlatformSelectionWritesAFilteredIndex) {
  const std::string to = dst->host() + "/arm-only/multi:v1";
  auto r =
      cli({"copy", "--plain-http", "-o", "json", "--platform", "linux/arm64", src->host() + "/" + tag_of("multi"), to});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = json::parse(r.out).as_object();
  EXPECT_EQ(o["sourceDigest"].as_string(), seeded["multi"].digest);
  EXPECT_NE(o["digest"].as_string(), seeded["multi"].digest);
  auto idx = json::parse(run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + to}).out).as_object();
  ASSERT_EQ(idx["manifests"].as_array().size(), 1u);
  EXPECT_EQ(idx["manifests"].as_array()[0].at("platform").at("architecture").as_string(), "arm64");
  EXPECT_EQ(idx["annotations"].at("io.ocimirror.source.digest").as_string(), seeded["multi"].digest);
  EXPECT_EQ(skopeo_digest(to), std::string(o["digest"].as_string()));

  auto none = cli({"copy", "--plain-http", "--platform", "windows/amd64", src->host() + "/" + tag_of("multi"), to});
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_NE(none.err.find("linux/amd64, linux/arm64/v8"), std::string::npos) << none.err;
}

TEST_F(CopyKinds, CopyByDigestAndDefaultDestinationTag) {
  const std::string by_digest = src->host() + "/kinds/things@" + seeded["unknown"].digest;
  auto r = cli({"copy", "--plain-http", "-q", by_digest, dst->host() + "/bydigest/things"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_digest(dst->host() + "/bydigest/things@" + seeded["unknown"].digest), seeded["unknown"].digest);
  auto t = cli({"copy", "--plain-http", "-q", src->host() + "/" + tag_of("unknown"), dst->host() + "/deftag/things"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(skopeo_digest(dst->host() + "/deftag/things:v1"), seeded["unknown"].digest);
}

TEST_F(CopyKinds, InspectAndTags) {
  auto r = cli({"inspect", "--plain-http", "-o", "json", src->host() + "/" + tag_of("multi")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = json::parse(r.out).as_object();
  EXPECT_EQ(o["digest"].as_string(), seeded["multi"].digest);
  EXPECT_EQ(o["mediaType"].as_string(), "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(o["manifests"].as_array()[1].at("platform").as_string(), "linux/arm64/v8");
  auto text = cli({"inspect", "--plain-http", src->host() + "/" + tag_of("flux")});
  EXPECT_NE(text.out.find("org.opencontainers.image.revision: main@sha1:abc123"), std::string::npos) << text.out;
  auto raw = cli({"inspect", "--plain-http", "--raw", src->host() + "/" + tag_of("helm")});
  EXPECT_EQ(ocimirror::transfer::sha256_digest(raw.out), seeded["helm"].digest);
  auto tags = cli({"tags", "--plain-http", src->host() + "/kinds/multi"});
  ASSERT_EQ(tags.exit_code, 0) << tags.err;
  EXPECT_NE(tags.out.find("v1\n"), std::string::npos);
  EXPECT_NE(tags.out.find(".sig\n"), std::string::npos);
}

// The air-gap round trip: a policy exports every kind to one archive, another imports it into a second registry.
// Every reference arrives digest-identical, and skopeo reads the archive ocimirror wrote.
TEST_F(CopyKinds, EveryKindSurvivesRegistryToArchiveToRegistry) {
  const std::string dir = make_temp_dir("ocimirror-kinds-airgap");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  write_file(dir + "/export.yaml", "state_dir: " + dir + "/state-out\nregistries:\n  " + src->host() +
                                       ": {tls: disabled}\npolicies:\n  - name: out\n    from: " + src->host() +
                                       "/kinds\n    to: oci-archive:bundle.tar\n");
  write_file(dir + "/import.yaml",
             "state_dir: " + dir + "/state-in\nregistries:\n  " + dst->host() +
                 ": {tls: disabled}\npolicies:\n  - name: in\n    from: oci-archive:bundle.tar\n    to: " +
                 dst->host() + "/airgap\n");
  auto out = cli({"sync", "-q", "--config", dir + "/export.yaml"});
  ASSERT_EQ(out.exit_code, 0) << out.err << out.out;
  auto in = cli({"sync", "-q", "--config", dir + "/import.yaml"});
  ASSERT_EQ(in.exit_code, 0) << in.err << in.out;
  for (const auto& [kind, top] : seeded) {
    const std::string rel = tag_of(kind).substr(6);  // without "kinds/"
    EXPECT_EQ(skopeo_digest(dst->host() + "/airgap/" + rel), top.digest) << kind;
    // skopeo 1.9 looks up only OCI-typed entries of a layout's index by name; Docker-typed ones are ocimirror's alone.
    if (kind.starts_with("docker")) continue;
    auto sk = run({"skopeo", "inspect", "--raw", "oci-archive:" + dir + "/bundle.tar:" + rel});
    EXPECT_EQ(sk.exit_code, 0) << sk.err;
    EXPECT_EQ(ocimirror::transfer::sha256_digest(sk.out), top.digest) << kind << " as skopeo reads the archive";
  }
}

// Directories both ways with skopeo: what ocimirror writes skopeo reads (oci: transport), and the reverse.
TEST_F(CopyKinds, LayoutDirectoriesInteroperateWithSkopeo) {
  const std::string ours = make_temp_dir("ocimirror-kinds-ours"), theirs = make_temp_dir("ocimirror-kinds-theirs");
  std::filesystem::remove_all(ours);
  std::filesystem::remove_all(theirs);
  for (const char* kind : {"multi", "helm", "flux", "empty"}) {
    const std::string rel = tag_of(kind);
    auto w = cli({"copy", "-q", "--plain-http", src->host() + "/" + rel, "oci:" + ours});  // stored as rel
    ASSERT_EQ(w.exit_code, 0) << w.err;
    auto sk = run({"skopeo", "inspect", "--raw", "oci:" + ours + ":" + rel});
    ASSERT_EQ(sk.exit_code, 0) << sk.err;
    EXPECT_EQ(ocimirror::transfer::sha256_digest(sk.out), seeded[kind].digest) << kind;
    // skopeo writes its own layout; ocimirror reads it back into a registry.
    auto sw = run({"skopeo", "copy", "-q", "--all", "--src-tls-verify=false", "docker://" + src->host() + "/" + rel,
                   "oci:" + theirs + ":" + rel});
    ASSERT_EQ(sw.exit_code, 0) << sw.err;
    const std::string to = dst->host() + "/from-skopeo/" + rel;
    auto r = cli({"copy", "-q", "--plain-http", "oci:" + theirs + ":" + rel, to});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // skopeo may rewrite what it stores (it did for the index); what it wrote arrives byte for byte.
    auto written = run({"skopeo", "inspect", "--raw", "oci:" + theirs + ":" + rel});
    EXPECT_EQ(skopeo_digest(to), ocimirror::transfer::sha256_digest(written.out)) << kind;
  }
  // One layout, many repositories, one shared blobs/ directory.
  auto repos =
      ocimirror::transfer::layout_dir(ours, ocimirror::transfer::layout_dir::mode::read).index().repositories();
  EXPECT_EQ(repos.size(), 4u);
}

TEST_F(CopyKinds, TagsAndCatalogFollowLinkPagination) {
  seeder s({src->host()});
  auto cfg = s.blob("paged/app", "application/vnd.oci.image.config.v1+json", "{}");
  auto layer = s.blob("paged/app", "application/vnd.oci.image.layer.v1.tar", "x");
  const auto bytes = seeder::image_json({}, cfg, {layer});
  for (int i = 0; i < 7; ++i)
    s.manifest("paged/app", "t" + std::to_string(i), bytes, std::string(ocimirror::transfer::media::oci_manifest));
  // Pages of 2 make the registry answer with Link headers that must be followed to the end.
  ocimirror::daemon::network_flags f;
  f.plain_http = true;
  ocimirror::daemon::session sess = ocimirror::daemon::session_for(f);
  auto& c = sess.client({src->host(), "paged/app", {}, {}});
  std::vector<std::string> tags, repos;
  sess.run([&]() -> ocimirror::transfer::awaitable<void> {
    tags = co_await c.list_tags("paged/app", 2);
    repos = co_await c.catalog(2);
  });
  EXPECT_EQ(tags.size(), 7u);
  EXPECT_NE(std::find(repos.begin(), repos.end(), "paged/app"), repos.end());
  EXPECT_NE(std::find(repos.begin(), repos.end(), "kinds/charts/web"), repos.end());
  EXPECT_GE(repos.size(), 9u);
}

}  // namespace
