// Differential tests against Go itself: what `push --helm` and `push` write, compared byte for byte with what
// Go's own libraries make of the same input, as helm and flux call them (tests/support/go: helmmeta runs
// sigs.k8s.io/yaml + encoding/json over helm's Metadata types; fluxtar runs archive/tar the way fluxcd/pkg/tar
// does). Debian's Go 1.19 and golang-k8s-sigs-yaml-dev (install-deps.sh); inputs avoid \b and \f, which Go 1.22+
// (what helm ships with) writes short and 1.19 does not.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "transfer/artifact/artifact.hpp"

#include <boost/json.hpp>

#include <filesystem>

using namespace ocimirror::testing;
namespace fs = std::filesystem;
namespace art = ocimirror::transfer::artifact;

namespace {

class GoCompat : public ::testing::Test {
 protected:
  static inline registry_fixture* reg = nullptr;
  static inline std::string dir, helmmeta, fluxtar;
  static std::map<std::string, std::string> go_env() {
    return {{"GO111MODULE", "off"},
            {"GOPATH", "/usr/share/gocode"},
            {"GOCACHE", dir + "/gocache"},
            {"HOME", dir},
            {"GOFLAGS", ""}};
  }
  static void SetUpTestSuite() {
    dir = make_temp_dir("go-compat");
    reg = new registry_fixture({});
    for (auto [name, out] : {std::pair{"helmmeta", &helmmeta}, std::pair{"fluxtar", &fluxtar}}) {
      *out = dir + "/" + name;
      auto b =
          run({"go", "build", "-o", *out, std::string(OCIMIRROR_SOURCE_DIR) + "/tests/support/go/" + name + "/main.go"},
              go_env());
      if (b.exit_code != 0) out->clear(), std::cerr << "go build " << name << ": " << b.err << "\n";
    }
  }
  static void TearDownTestSuite() {
    delete reg;
    fs::remove_all(dir);
  }
  void SetUp() override {
    if (helmmeta.empty() || fluxtar.empty())
      GTEST_SKIP() << "Go is not installed (scripts/install-deps.sh installs golang-go)";
  }
  static std::string config_of(const std::string& ref) {
    return run({"skopeo", "inspect", "--raw", "--config", "--tls-verify=false", "docker://" + ref}).out;
  }
};

TEST_F(GoCompat, HelmConfigAndAnnotationsAreWhatGoMarshals) {
  const std::vector<std::string> charts{
      "apiVersion: v2\nname: plain\nversion: 1.0.0\n",
      "apiVersion: v2\nname: numbers\nversion: 1.10.0\nappVersion: 1.10\nkubeVersion: 1.2e3\ntags: 0777\ncondition: "
      "0x1f\n"
      "annotations: {replicas: 3, ratio: 0.5, big: 18446744073709551616, flag: yes, 'null': ~, 12: twelve}\n",
      "apiVersion: v2\nname: bools\nversion: 2.0.0\ndeprecated: on\nicon: off\nhome: Y\n",
      "apiVersion: v2\nName: cased\nVERSION: 3.0.0\nAppversion: x\nappVersion: y\nDescription: first\n",
      "apiVersion: v2\nname: text\nversion: 1.0.0-rc.1+build.7\n"
      "description: \"tab\\there, nbsp\\u00a0, zwsp\\u200b, ctrl\\u0001, bidi\\u202e, ls\\u2028, <b>&amp;</b>, "
      "\\u00e9\\u4e2d\\U0001F600\"\n"
      "home: \"  \"\nsources: [\"\\u2029x\", '', https://git.example]\nkeywords: [\"a\\u0085b\", \"\\u00adsoft\", 7]\n",
      "apiVersion: v2\nname: people\nversion: 1.0.0\nmaintainers:\n  - {name: Jane, email: jane@example.com, url: "
      "https://j.example}\n"
      "  - {email: anon@example.com}\n  - {}\n  - {Name: Cased, EMAIL: c@example.com}\n",
      "apiVersion: v2\nname: deps\nversion: 1.0.0\ndependencies:\n"
      "  - {name: a, version: '>=1.0', repository: 'oci://r.example/c', condition: a.enabled, tags: [x, 1], enabled: "
      "true,\n"
      "     import-values: [data, {child: d.e, parent: f}, 5, 1.5, true, ~, [nested]], alias: a_1}\n"
      "  - {name: b, repository: ''}\n",
      "apiVersion: v2\nname: annotated\nversion: 1.0.0\ndescription: d\n"
      "annotations:\n  org.opencontainers.image.title: not-this\n  org.opencontainers.image.description: chart-wins\n"
      "  artifacthub.io/links: |\n    - name: docs\n      url: https://docs.example\n  empty: ''\n",
      "apiVersion: v2\nname: refused\nversion: 1.0.0\ndeprecated: 'true'\n",
      "apiVersion: v2\nname: refused2\nversion: 1.0.0\nsources: one\n",
      "apiVersion: v2\nname: refused3\nversion: 1.0.0\nmaintainers: [~]\n",
      "apiVersion: v2\nname: refused4\nversion: 1.0.0\ntype: plugin\n",
      "apiVersion: v2\nname: refused5\nversion: 1.0.0\ndependencies: [{name: a, alias: 'has space'}]\n",
      "name: helm2\nversion: 0.1.0\n",
  };
  const std::string created = "2026-11-28T09:30:00+01:00";
  for (std::size_t i = 0; i < charts.size(); ++i) {
    SCOPED_TRACE(charts[i]);
    const std::string root = dir + "/chart" + std::to_string(i), name = "c" + std::to_string(i);
    fs::create_directories(root + "/" + name);
    write_file(root + "/" + name + "/Chart.yaml", charts[i]);
    auto oracle = run({helmmeta, root + "/" + name + "/Chart.yaml", created});
    ASSERT_EQ(oracle.exit_code, 0) << oracle.err;
    ASSERT_EQ(run({"tar", "czf", root + ".tgz", "-C", root, name}).exit_code, 0);
    auto pushed = cli({"push", "--plain-http", "--helm", root + ".tgz", "--created", created, reg->host() + "/go"});
    if (oracle.out.starts_with("error:")) {
      EXPECT_NE(pushed.exit_code, 0) << "Go refuses it (" << oracle.out << "), ocimirror pushed it";
      continue;
    }
    ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
    const auto lines = oracle.out;
    const auto config = lines.substr(0, lines.find('\n'));
    const auto annotations = lines.substr(lines.find('\n') + 1, lines.rfind('\n') - lines.find('\n') - 1);
    const auto meta = boost::json::parse(config).as_object();
    std::string tag(meta.at("version").as_string());
    std::replace(tag.begin(), tag.end(), '+', '_');
    const std::string ref = reg->host() + "/go/" + std::string(meta.at("name").as_string()) + ":" + tag;
    EXPECT_EQ(config_of(ref), config);
    const auto manifest = run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref}).out;
    EXPECT_NE(manifest.find("\"annotations\":" + annotations + "}"), std::string::npos)
        << manifest << "\nGo: " << annotations;
  }
}

TEST_F(GoCompat, FluxTarIsWhatArchiveTarWrites) {
  const std::string tree = dir + "/tree";
  const std::string hundred(96, 'h');
  for (const auto& [name, body] : std::vector<std::pair<std::string, std::string>>{
           {"kustomization.yaml", "resources: []\n"},
           {"a/x.yaml", std::string(512, 'x')},
           {"a-b.yaml", ""},
           {hundred + ".yml", "exactly 100 bytes of name\n"},
           {hundred + ".yaml", "101: no prefix split possible\n"},
           {std::string(120, 'p') + "/split.yaml", "prefix and name\n"},
           {"d\xc3\xa9ploiement/\xe5\xba\x94\xe7\x94\xa8.yaml", "non-ASCII\n"},
           {std::string(160, 'q') + "/" + std::string(110, 'r') + ".yaml", "PAX for a long path\n"},
           {"bin/hook.sh", "#!/bin/sh\n"}}) {
    write_file(tree + "/" + name, body);
  }
  fs::permissions(tree + "/bin/hook.sh", fs::perms(0750));
  fs::permissions(tree + "/a", fs::perms(0700));
  fs::create_directories(tree + "/empty/inner");
  fs::create_symlink("kustomization.yaml", tree + "/link.yaml");
  const std::string go_tar = dir + "/go.tar";
  auto oracle = run({fluxtar, tree, go_tar});
  ASSERT_EQ(oracle.exit_code, 0) << oracle.err;
  auto pushed = cli({"push", "--plain-http", tree, reg->host() + "/go/flux:v1", "--source", "s", "--revision", "r"});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  const auto config = boost::json::parse(config_of(reg->host() + "/go/flux:v1"));
  EXPECT_EQ(config.at("rootfs").at("diff_ids").at(0).as_string(),
            ocimirror::transfer::sha256_digest(slurp_file(go_tar)))
      << "the uncompressed layer differs from Go's archive/tar output";
  // And what Go wrote, pushed as flux would push it, pulls back as the tree (the symlink aside, as flux skips it).
  seeder s({reg->host()});
  s.image("go/flux-go", "v1",
          image_spec{.config_media_type = std::string(art::media::flux_config),
                     .config = "{}",
                     .layers = {{std::string(art::media::flux_content), art::gzip(slurp_file(go_tar))}}});
  auto pulled = cli({"pull", "--plain-http", reg->host() + "/go/flux-go:v1", dir + "/go-pulled"});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  fs::remove(tree + "/link.yaml");
  auto diff = run({"diff", "-r", tree, dir + "/go-pulled"});
  EXPECT_EQ(diff.exit_code, 0) << diff.out;
  EXPECT_EQ(fs::status(dir + "/go-pulled/bin/hook.sh").permissions(), fs::perms(0750));
  EXPECT_EQ(fs::status(dir + "/go-pulled/a").permissions(), fs::perms(0700));
  EXPECT_TRUE(fs::is_directory(dir + "/go-pulled/empty/inner"));
}

}  // namespace
