// Layouts and archives as other tools write them, made by those tools in the test: skopeo (an unnamed entry,
// bare tags, repo:tag, multi-arch, archives), umoci (bare tags), buildah (archives, Docker media types, zstd). Each
// is read by ocimirror, and what ocimirror writes is read back by skopeo, digest for digest.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

using namespace ocimirror::testing;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

class ForeignLayouts : public ::testing::Test {
 protected:
  static inline registry_fixture *src = nullptr, *dst = nullptr;
  static inline std::string dir;
  static inline std::map<std::string, std::string> digest;  // "acme/app:v1" -> digest at the source

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    dir = make_temp_dir("ocimirror-foreign");
    seeder s({src->host()});
    const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
    for (const char* t : {"v1", "v2"})
      digest[std::string("acme/app:") + t] = s.image("acme/app", t, image_spec{.layers = {{gz, t}}}).digest;
    auto a = s.image("acme/multi", "", image_spec{.layers = {{gz, "amd64"}}});
    auto b = s.image("acme/multi", "", image_spec{.layers = {{gz, "arm64"}}});
    digest["acme/multi:v1"] = s.index("acme/multi", "v1", {{a, "linux/amd64"}, {b, "linux/arm64"}}).digest;
    digest["acme/docker:v1"] =
        s.image("acme/docker", "v1",
                image_spec{.docker = true, .layers = {{"application/vnd.docker.image.rootfs.diff.tar.gzip", "d"}}})
            .digest;
  }
  static void TearDownTestSuite() {
    delete src, delete dst;
    fs::remove_all(dir);
  }

  static std::string tool(std::vector<std::string> argv) {
    auto r = run(argv);
    EXPECT_EQ(r.exit_code, 0) << argv[0] << " " << argv[1] << ": " << r.err;
    return r.out;
  }
  /// preserve: digest-exact (skopeo would otherwise re-encode); off where skopeo must convert Docker to OCI.
  static void skopeo_copy(const std::string& from, const std::string& to, bool all = false, bool preserve = true) {
    std::vector<std::string> argv{"skopeo", "copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false"};
    if (preserve) argv.push_back("--preserve-digests");
    if (all) argv.push_back("--all");
    argv.push_back(from);
    argv.push_back(to);
    tool(argv);
  }
  /// sha256 of what skopeo reads as the manifest of a layout reference (oci:DIR:REF, oci-archive:F:REF).
  static std::string skopeo_layout_digest(const std::string& ref) {
    auto r = run({"skopeo", "inspect", "--raw", ref});
    return r.exit_code == 0 ? ocimirror::transfer::sha256_digest(r.out) : "skopeo failed: " + r.err;
  }
  /// The digest of the index.json entry named `name` ("" for the unnamed one) of a layout directory.
  static std::string entry_digest(const std::string& layout, const std::string& name) {
    std::ifstream in(layout + "/index.json");
    auto doc = json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    for (const auto& m : doc.at("manifests").as_array()) {
      const auto* ann = m.as_object().if_contains("annotations");
      const auto* ref = ann ? ann->as_object().if_contains("org.opencontainers.image.ref.name") : nullptr;
      if ((ref ? std::string(ref->as_string()) : std::string()) == name) return std::string(m.at("digest").as_string());
    }
    return "no entry " + name;
  }
  static run_result copy(const std::string& from, const std::string& to) {
    return cli({"copy", "-q", "--plain-http", from, to});
  }
  static std::string at_dst(const std::string& ref) { return skopeo_digest(dst->host() + "/" + ref); }
  static std::string from_src(const std::string& ref) { return "docker://" + src->host() + "/" + ref; }
};

TEST_F(ForeignLayouts, SkopeoUnnamedLayoutsAndArchivesMeanTheirOnlyImage) {
  const std::string d = dir + "/unnamed", tar = dir + "/unnamed.tar";
  skopeo_copy(from_src("acme/app:v1"), "oci:" + d);
  skopeo_copy(from_src("acme/multi:v1"), "oci-archive:" + tar, true);
  ASSERT_EQ(entry_digest(d, ""), digest["acme/app:v1"]);
  auto r = copy("oci:" + d, dst->host() + "/u/app:v1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(at_dst("u/app:v1"), digest["acme/app:v1"]);
  r = copy("oci-archive:" + tar, dst->host() + "/u/multi:v1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(at_dst("u/multi:v1"), digest["acme/multi:v1"]);
  r = cli({"inspect", "oci:" + d});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(digest["acme/app:v1"]), std::string::npos) << r.out;

  // A second unnamed image: no longer one, so an error that lists both; a digest still selects either.
  skopeo_copy(from_src("acme/app:v2"), "oci:" + d);
  r = copy("oci:" + d, dst->host() + "/u/app:which");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("holds 2 images"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(digest["acme/app:v2"]), std::string::npos) << r.err;
  r = copy("oci:" + d + "@" + digest["acme/app:v2"], dst->host() + "/u/app:v2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(at_dst("u/app:v2"), digest["acme/app:v2"]);
}

TEST_F(ForeignLayouts, BareTagsAndRepoTagsMapThroughAPolicyAndUnnamedEntriesAreReported) {
  const std::string l = dir + "/mixed";
  skopeo_copy(from_src("acme/app:v1"), "oci:" + l + ":v1.0.0");
  skopeo_copy(from_src("acme/app:v2"), "oci:" + l + ":v2.0.0");
  skopeo_copy(from_src("acme/multi:v1"), "oci:" + l + ":acme/multi:v1", true);
  skopeo_copy(from_src("acme/docker:v1"), "oci:" + l, false, false);  // unnamed (and converted): no policy can map it
  const std::string u = dir + "/umoci";
  tool({"umoci", "init", "--layout", u});
  tool({"umoci", "new", "--image", u + ":latest"});
  tool({"umoci", "config", "--image", u + ":latest", "--tag", "edge", "--config.label", "a=b"});
  const std::string cfg = dir + "/mixed.yaml";
  write_file(cfg, "state_dir: " + dir + "/state-mixed\nregistries:\n  " + dst->host() +
                      ": {tls: disabled}\npolicies:\n"
                      "  - name: skopeo\n    from: oci:" +
                      l + "\n    to: " + dst->host() +
                      "/imported\n"
                      "  - name: umoci\n    from: oci:" +
                      u + "\n    to: " + dst->host() + "/umoci\n");
  auto r = cli({"sync", "--config", cfg, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(at_dst("imported:v1.0.0"), entry_digest(l, "v1.0.0"));
  EXPECT_EQ(at_dst("imported:v2.0.0"), entry_digest(l, "v2.0.0"));
  EXPECT_EQ(at_dst("imported/acme/multi:v1"), digest["acme/multi:v1"]);
  EXPECT_NE(r.err.find("entry " + entry_digest(l, "") + " (no org.opencontainers.image.ref.name) cannot be mapped"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(at_dst("umoci:latest"), entry_digest(u, "latest"));
  EXPECT_EQ(at_dst("umoci:edge"), entry_digest(u, "edge"));
  // `to` without a repository cannot hold bare tags: a failure that says so, not a silent skip.
  const std::string bad = dir + "/bare-to-registry.yaml";
  write_file(bad, "state_dir: " + dir + "/state-bad\nregistries:\n  " + dst->host() +
                      ": {tls: disabled}\npolicies:\n"
                      "  - name: nowhere\n    from: oci:" +
                      u + "\n    to: " + dst->host() + "\n");
  r = cli({"sync", "--config", bad, "-q"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("names no repository"), std::string::npos) << r.err;
}

TEST_F(ForeignLayouts, BuildahArchivesDockerMediaTypesAndZstd) {
  const std::string root = dir + "/buildah";
  const std::vector<std::string> b{"buildah",     "--root",           root + "/root", "--runroot",
                                   root + "/run", "--storage-driver", "vfs"};
  auto with = [&](std::vector<std::string> more) {
    auto argv = b;
    argv.insert(argv.end(), more.begin(), more.end());
    return tool(argv);
  };
  std::string c = with({"from", "scratch"});
  c = c.substr(0, c.find('\n'));
  write_file(root + "/hello.txt", "hello from buildah\n");
  with({"copy", c, root + "/hello.txt", "/hello.txt"});
  with({"commit", "-q", c, "made-by-buildah"});
  with({"push", "-q", "made-by-buildah", "oci-archive:" + root + "/img.tar"});
  with({"push", "-q", "--format", "docker", "made-by-buildah", "oci:" + root + "/docker:dock"});
  with({"push", "-q", "--compression-format", "zstd", "made-by-buildah", "oci:" + root + "/zstd:z"});
  auto r = copy("oci-archive:" + root + "/img.tar", dst->host() + "/b/img:oci");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(at_dst("b/img:oci"), skopeo_layout_digest("oci-archive:" + root + "/img.tar"));
  r = copy("oci:" + root + "/docker:dock", dst->host() + "/b/img:docker");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(at_dst("b/img:docker"), entry_digest(root + "/docker", "dock"));
  r = copy("oci:" + root + "/zstd:z", dst->host() + "/b/img:zstd");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(at_dst("b/img:zstd"), entry_digest(root + "/zstd", "z"));
}

TEST_F(ForeignLayouts, WhatOcimirrorWritesSkopeoReadsUnderTheSameName) {
  const std::string w = dir + "/written";
  // oci:DIR:REF is the ref name REF in both directions: a bare name stays bare.
  auto r = copy(from_src("acme/app:v1").substr(9), "oci:" + w + ":plain");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_layout_digest("oci:" + w + ":plain"), digest["acme/app:v1"]);
  r = copy(from_src("acme/docker:v1"), "oci:" + w + ":docker");  // docker:// accepted, as skopeo spells it
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Docker media types are kept (skopeo 1.9 looks up only OCI-typed entries by name, so the index is read here).
  EXPECT_EQ(entry_digest(w, "docker"), digest["acme/docker:v1"]);
  r = copy(src->host() + "/acme/multi:v1", "oci:" + w);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_layout_digest("oci:" + w + ":acme/multi:v1"), digest["acme/multi:v1"]);
  r = copy(src->host() + "/acme/app:v2", "oci-archive:" + dir + "/written.tar:v2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_layout_digest("oci-archive:" + dir + "/written.tar:v2"), digest["acme/app:v2"]);
  // skopeo copies the whole multi-arch image out of it, blobs included.
  skopeo_copy("oci:" + w + ":acme/multi:v1", "docker://" + dst->host() + "/back/multi:v1", true);
  EXPECT_EQ(at_dst("back/multi:v1"), digest["acme/multi:v1"]);
  // skopeo's other transports get an error that says what they are.
  r = copy(src->host() + "/acme/app:v1", "docker-archive:" + dir + "/x.tar");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("docker save"), std::string::npos) << r.err;
}

}  // namespace
