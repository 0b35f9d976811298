// `push` and `pull` with what helm and flux users really have: a provenance file beside the chart, names helm's
// packager writes with PAX headers, oci:// references, annotations that replace flux's, ignore patterns, a single
// file, and a static (non-tar) Flux layer.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "transfer/artifact/artifact.hpp"

#include <boost/json.hpp>

#include <filesystem>

using namespace ocimirror::testing;
namespace fs = std::filesystem;
namespace json = boost::json;
namespace art = ocimirror::transfer::artifact;

namespace {

class PushShapes : public ::testing::Test {
 protected:
  static inline registry_fixture* reg = nullptr;
  static inline std::string dir;
  static void SetUpTestSuite() {
    reg = new registry_fixture({});
    dir = make_temp_dir("push-shapes");
  }
  static void TearDownTestSuite() {
    delete reg;
    fs::remove_all(dir);
  }
  static json::object manifest(const std::string& ref) {
    return json::parse(run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref}).out).as_object();
  }
  static run_result push(std::vector<std::string> args) {
    args.insert(args.begin(), {"push", "--plain-http"});
    return cli(args);
  }
};

TEST_F(PushShapes, HelmChartWithProvenancePaxNamesAndOciReference) {
  // What `helm package` writes (Go's archive/tar: PAX for non-ASCII and long names), made here with Python's PAX
  // writer.
  const std::string src = dir + "/web", tgz = dir + "/web-0.3.0.tgz";
  write_file(src + "/Chart.yaml",
             "apiVersion: v2\nname: web\nversion: 0.3.0\nappVersion: 1.10\ndeprecated: true\n"
             "sources: [https://git.example/web]\nmaintainers: [{name: Jane, email: j@example.com}]\n"
             "annotations: {artifacthub.io/license: MIT}\n");
  write_file(src + "/templates/d\xc3\xa9ploiement.yaml", "kind: Deployment\n");
  write_file(src + "/files/" + std::string(140, 'l') + ".txt", "long\n");
  auto py = run({"python3", "-c",
                 "import tarfile,sys\nwith tarfile.open(sys.argv[2], 'w:gz', format=tarfile.PAX_FORMAT) as t: "
                 "t.add(sys.argv[1], arcname='web')\n",
                 src, tgz});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  write_file(tgz + ".prov", "-----BEGIN PGP SIGNED MESSAGE-----\n...\n");
  auto r = push({"--helm", tgz, "oci://" + reg->host() + "/charts"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("provenance"), std::string::npos) << r.err;
  const auto m = manifest(reg->host() + "/charts/web:0.3.0");
  EXPECT_FALSE(m.contains("mediaType")) << "helm's manifest has none";
  const auto& layers = m.at("layers").as_array();
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_LT(layers[0].at("digest").as_string(), layers[1].at("digest").as_string());
  std::set<std::string> types;
  for (const auto& l : layers) types.insert(std::string(l.at("mediaType").as_string()));
  EXPECT_EQ(types, (std::set<std::string>{std::string(art::media::helm_chart), std::string(art::media::helm_prov)}));
  const auto& ann = m.at("annotations").as_object();
  EXPECT_EQ(ann.at("org.opencontainers.image.source").as_string(), "https://git.example/web");
  EXPECT_EQ(ann.at("org.opencontainers.image.authors").as_string(), "Jane (j@example.com)");
  EXPECT_EQ(ann.at("artifacthub.io/license").as_string(), "MIT");
  EXPECT_TRUE(ann.contains("org.opencontainers.image.created"));
  const auto config = json::parse(run({"skopeo", "inspect", "--raw", "--config", "--tls-verify=false",
                                       "docker://" + reg->host() + "/charts/web:0.3.0"})
                                      .out);
  EXPECT_EQ(config.at("deprecated").as_bool(), true);
  EXPECT_EQ(config.at("appVersion").as_string(), "1.1");  // as helm reads an unquoted 1.10
  // Pull takes the chart layer, not the provenance file; names come back whole.
  auto p = cli({"pull", "--plain-http", "oci://" + reg->host() + "/charts/web:0.3.0", dir + "/web-out"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(slurp_file(dir + "/web-out/web/templates/d\xc3\xa9ploiement.yaml"), "kind: Deployment\n");
  EXPECT_EQ(slurp_file(dir + "/web-out/web/files/" + std::string(140, 'l') + ".txt"), "long\n");
  // --prov names another file; a chart helm refuses is refused, naming helm's rule.
  write_file(dir + "/other.prov", "other");
  auto with = push(
      {"--helm", tgz, "--prov", dir + "/other.prov", "--created", "2026-11-28T09:30:00Z", reg->host() + "/charts2"});
  ASSERT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(
      manifest(reg->host() + "/charts2/web:0.3.0").at("annotations").at("org.opencontainers.image.created").as_string(),
      "2026-11-28T09:30:00Z");
  write_file(dir + "/bad/bad/Chart.yaml", "apiVersion: v2\nname: bad\nversion: 1.0.0\ntype: plugin\n");
  ASSERT_EQ(run({"tar", "czf", dir + "/bad.tgz", "-C", dir + "/bad", "bad"}).exit_code, 0);
  auto bad = push({"--helm", dir + "/bad.tgz", reg->host() + "/charts"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("chart.metadata.type must be application or library"), std::string::npos) << bad.err;
}

TEST_F(PushShapes, FluxAnnotationsIgnorePatternsSingleFileAndStaticLayer) {
  const std::string src = dir + "/deploy";
  write_file(src + "/app.yaml", "kind: Deployment\n");
  write_file(src + "/README.md", "# read me\n");
  write_file(src + "/notes.md", "notes\n");
  write_file(src + "/logo.png", "png");
  write_file(src + "/.git/HEAD", "ref: main\n");
  const std::vector<std::string> meta{"--source", "https://git.example/d", "--revision", "main@sha1:1"};
  auto with = [&](std::vector<std::string> a) {
    a.insert(a.end(), meta.begin(), meta.end());
    return push(a);
  };
  auto r = with({src, reg->host() + "/flux/d:v1", "--ignore-paths", "*.md,!README.md", "-a",
                 "org.opencontainers.image.source=https://override.example", "-a", "team=platform"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ann = manifest(reg->host() + "/flux/d:v1").at("annotations").as_object();
  EXPECT_EQ(ann.at("org.opencontainers.image.source").as_string(), "https://override.example");
  EXPECT_EQ(ann.at("team").as_string(), "platform");
  auto p = cli({"pull", "--plain-http", reg->host() + "/flux/d:v1", dir + "/d-out"});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  std::set<std::string> got;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/d-out"))
    got.insert(fs::relative(e.path(), dir + "/d-out").string());
  EXPECT_EQ(got, (std::set<std::string>{"app.yaml", "README.md"}));
  // A created annotation that is not RFC 3339 is refused, as flux refuses it; --reproducible is the epoch.
  auto bad = with({src, reg->host() + "/flux/d:v2", "-a", "org.opencontainers.image.created=last tuesday"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("RFC 3339"), std::string::npos) << bad.err;
  auto rep = with({src, reg->host() + "/flux/d:v3", "--reproducible"});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_EQ(manifest(reg->host() + "/flux/d:v3").at("annotations").at("org.opencontainers.image.created").as_string(),
            "1970-01-01T00:00:00Z");
  // One file, as flux accepts it.
  auto one = with({src + "/app.yaml", reg->host() + "/flux/one:v1"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  auto p1 = cli({"pull", "--plain-http", reg->host() + "/flux/one:v1", dir + "/one-out"});
  ASSERT_EQ(p1.exit_code, 0) << p1.err;
  EXPECT_EQ(slurp_file(dir + "/one-out/app.yaml"), "kind: Deployment\n");
  // A static layer (fluxcd/pkg LayerTypeStatic: the file as it is, not a tar.gz) is pulled as one file.
  seeder s({reg->host()});
  s.image("flux/static", "v1",
          image_spec{.config_media_type = std::string(art::media::flux_config),
                     .config = "{}",
                     .layers = {{"application/vnd.cncf.flux.content.v1.yaml", "kind: ConfigMap\n"}}});
  auto st = cli({"pull", "--plain-http", reg->host() + "/flux/static:v1", dir + "/static.yaml"});
  ASSERT_EQ(st.exit_code, 0) << st.err;
  EXPECT_EQ(slurp_file(dir + "/static.yaml"), "kind: ConfigMap\n");
}

}  // namespace
