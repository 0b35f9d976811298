// `ocimirror push` and `pull` on a real registry: Flux artifacts reproducible to the digest and shaped as `flux push
// artifact` makes them, Helm charts as `helm push` makes them, and hostile layers refused by pull.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "transfer/artifact.hpp"
#include "transfer/tar.hpp"

#include <boost/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

using namespace ocimirror::testing;
namespace fs = std::filesystem;
namespace json = boost::json;
namespace art = ocimirror::transfer::artifact;

namespace {

class Push : public ::testing::Test {
 protected:
  static inline registry_fixture* reg = nullptr;
  static inline std::string dir;
  static void SetUpTestSuite() {
    reg = new registry_fixture({});
    dir = ::testing::TempDir() + "/push";
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  static void TearDownTestSuite() { delete reg; }
  static json::value raw(const std::string& ref) {
    return json::parse(run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref}).out);
  }
};

TEST_F(Push, FluxArtifactIsReproducibleShapedForFluxAndPullsBackIdentical) {
  const std::string a = dir + "/deploy-a", b = dir + "/deploy-b";
  // The same tree written in a different order, with different times.
  write_file(a + "/apps/web.yaml", "kind: Deployment\n");
  write_file(a + "/kustomization.yaml", "resources: [apps/web.yaml]\n");
  write_file(b + "/kustomization.yaml", "resources: [apps/web.yaml]\n");
  write_file(b + "/apps/web.yaml", "kind: Deployment\n");
  fs::last_write_time(b + "/apps/web.yaml", fs::file_time_type::clock::now() - std::chrono::hours(100));
  const std::vector<std::string> meta{"--source", "https://git.example/acme/deploy", "--revision", "main@sha1:4f2c1a9"};
  auto push = [&](const std::string& from, const std::string& tag) {
    std::vector<std::string> args{"push", "--plain-http", from, reg->host() + "/flux/deploy:" + tag};
    args.insert(args.end(), meta.begin(), meta.end());
    return cli(args);
  };
  auto one = push(a, "a"), two = push(b, "b");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(one.out, two.out) << "same input, same digest";
  EXPECT_EQ(skopeo_digest(reg->host() + "/flux/deploy:a"), first_line(one.out));

  auto m = raw(reg->host() + "/flux/deploy:a").as_object();
  EXPECT_EQ(m.at("mediaType").as_string(), "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(m.at("config").at("mediaType").as_string(), "application/vnd.cncf.flux.config.v1+json");
  EXPECT_EQ(m.at("layers").at(0).at("mediaType").as_string(), "application/vnd.cncf.flux.content.v1.tar+gzip");
  const auto& ann = m.at("annotations").as_object();
  EXPECT_EQ(ann.at("org.opencontainers.image.source").as_string(), "https://git.example/acme/deploy");
  EXPECT_EQ(ann.at("org.opencontainers.image.revision").as_string(), "main@sha1:4f2c1a9");
  EXPECT_TRUE(ann.contains("org.opencontainers.image.created"));

  auto pulled = cli({"pull", "--plain-http", reg->host() + "/flux/deploy:a", dir + "/pulled"});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_EQ(run({"diff", "-r", a, dir + "/pulled"}).exit_code, 0);

  // A symlink in the directory is refused, naming it.
  fs::create_symlink("/etc/passwd", a + "/link");
  auto refused = push(a, "c");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("link"), std::string::npos) << refused.err;
}

TEST_F(Push, HelmChartAsHelmPushesIt) {
  write_file(dir + "/chart/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.2.3+build.5\ndescription: A web app\n");
  write_file(dir + "/chart/web/values.yaml", "replicas: 2\n");
  ASSERT_EQ(run({"tar", "czf", dir + "/web.tgz", "-C", dir + "/chart", "web"}).exit_code, 0);
  auto r = cli({"push", "--plain-http", "--helm", dir + "/web.tgz", reg->host() + "/charts"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string ref = reg->host() + "/charts/web:1.2.3_build.5";
  EXPECT_EQ(skopeo_digest(ref), first_line(r.out));
  auto m = raw(ref).as_object();
  EXPECT_EQ(m.at("config").at("mediaType").as_string(), "application/vnd.cncf.helm.config.v1+json");
  EXPECT_EQ(m.at("layers").at(0).at("mediaType").as_string(), "application/vnd.cncf.helm.chart.content.v1.tar+gzip");
  std::ifstream in(dir + "/web.tgz", std::ios::binary);
  const std::string tgz{std::istreambuf_iterator<char>(in), {}};
  EXPECT_EQ(m.at("layers").at(0).at("digest").as_string(), ocimirror::transfer::sha256_digest(tgz)) << "the chart as packaged";
  EXPECT_EQ(m.at("annotations").at("org.opencontainers.image.version").as_string(), "1.2.3+build.5");
  auto pulled = cli({"pull", "--plain-http", ref, dir + "/chart-out"});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_TRUE(fs::exists(dir + "/chart-out/web/Chart.yaml"));
  // Not a chart: named.
  write_file(dir + "/notchart/readme", "x");
  ASSERT_EQ(run({"tar", "czf", dir + "/not.tgz", "-C", dir + "/notchart", "readme"}).exit_code, 0);
  auto bad = cli({"push", "--plain-http", "--helm", dir + "/not.tgz", reg->host() + "/charts"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("Chart.yaml"), std::string::npos) << bad.err;
}

TEST_F(Push, PullRefusesLayersThatWouldEscapeAndWritesNothing) {
  seeder s({reg->host()});
  auto hostile = [&](const std::string& tag, const std::string& name, char type) {
    auto h = ocimirror::transfer::tar::header({"placeholder", ocimirror::transfer::tar::kind::file, 4});
    std::memset(h.data(), 0, 100);
    std::memcpy(h.data(), name.data(), name.size());
    h[156] = type;
    if (type == '2' || type == '1') std::memcpy(h.data() + 157, "/etc/passwd", 11);
    std::memset(h.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (char c : h) sum += static_cast<unsigned char>(c);
    std::snprintf(h.data() + 148, 8, "%06o", sum);
    std::string t(h.data(), h.size());
    t += std::string("evil") + std::string(508, '\0') + std::string(1024, '\0');
    s.image("flux/hostile", tag, image_spec{.config_media_type = "application/vnd.cncf.flux.config.v1+json", .config = "{}",
                                            .layers = {{"application/vnd.cncf.flux.content.v1.tar+gzip", art::gzip(t)}}});
  };
  hostile("dotdot", "../../pull-escape", '0');
  hostile("absolute", "/tmp/pull-escape", '0');
  hostile("symlink", "link", '2');
  hostile("hardlink", "link", '1');
  for (const auto& [tag, words] : std::map<std::string, std::string>{{"dotdot", "'..'"}, {"absolute", "absolute path"},
                                                                      {"symlink", "symbolic link"}, {"hardlink", "hard link"}}) {
    const std::string target = dir + "/hostile-" + tag;
    auto r = cli({"pull", "--plain-http", reg->host() + "/flux/hostile:" + tag, target});
    EXPECT_NE(r.exit_code, 0) << tag;
    EXPECT_NE(r.err.find(words), std::string::npos) << tag << ": " << r.err;
    EXPECT_FALSE(fs::exists(target)) << tag;
  }
  EXPECT_FALSE(fs::exists("/tmp/pull-escape"));
  EXPECT_FALSE(fs::exists(fs::path(dir).parent_path().parent_path() / "pull-escape"));
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
}

}  // namespace
