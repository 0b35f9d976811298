// `ocimirror push` and `pull` on a real registry: Flux artifacts reproducible to the digest and shaped as `flux push
// artifact` makes them, Helm charts as `helm push` makes them, and hostile layers refused by pull.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "transfer/artifact/artifact.hpp"
#include "transfer/oci/tar.hpp"

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
    dir = make_temp_dir("ocimirror-push");  // per process: ctest -j runs each case in its own
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  static void TearDownTestSuite() {
    delete reg;
    fs::remove_all(dir);
  }
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

  // A symlink is skipped as flux skips it, with a warning naming it: the digest is the one without it.
  fs::create_symlink("/etc/passwd", a + "/link");
  auto linked = push(a, "c");
  ASSERT_EQ(linked.exit_code, 0) << linked.err;
  EXPECT_NE(linked.err.find("skipped link"), std::string::npos) << linked.err;
  EXPECT_EQ(linked.out, one.out);
}

TEST_F(Push, HelmChartAsHelmPushesIt) {
  write_file(dir + "/chart/web/Chart.yaml",
             "apiVersion: v2\nname: web\nversion: 1.2.3+build.5\ndescription: A web app\n");
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
  EXPECT_EQ(m.at("layers").at(0).at("digest").as_string(), ocimirror::transfer::sha256_digest(tgz))
      << "the chart as packaged";
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
    s.image("flux/hostile", tag,
            image_spec{.config_media_type = "application/vnd.cncf.flux.config.v1+json",
                       .config = "{}",
                       .layers = {{"application/vnd.cncf.flux.content.v1.tar+gzip", art::gzip(t)}}});
  };
  hostile("dotdot", "../../pull-escape", '0');
  hostile("absolute", "/tmp/pull-escape", '0');
  hostile("symlink", "link", '2');
  hostile("hardlink", "link", '1');
  for (const auto& [tag, words] : std::map<std::string, std::string>{{"dotdot", "'..'"},
                                                                     {"absolute", "absolute path"},
                                                                     {"symlink", "symbolic link"},
                                                                     {"hardlink", "hard link"}}) {
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

TEST_F(Push, PushStreamsADirectoryThroughAFileNotMemory) {
  // 40 MiB that do not compress: held whole, the tar and its gzip alone were 80 MiB (100 MiB peak measured).
  fs::create_directories(dir + "/big-tree");
  ASSERT_EQ(run({"bash", "-c", "head -c 41943040 /dev/urandom > '" + dir + "/big-tree/blob.bin'"}).exit_code, 0);
  write_file(dir + "/big-tree/app.yaml", "kind: ConfigMap\n");
  auto r = run({"bash", "-c",
                "/usr/bin/time -f 'rss=%M' '" + ocimirror_bin() + "' push --plain-http --source git@example:x " +
                    "--revision main@sha1:0 '" + dir + "/big-tree' " + reg->host() + "/flux/big:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(std::stol(r.err.substr(r.err.rfind("rss=") + 4)), 48 * 1024) << "KiB peak";
  // What arrived is the directory, byte for byte.
  auto pulled = cli({"pull", "--plain-http", reg->host() + "/flux/big:v1", dir + "/big-back"});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_EQ(run({"cmp", dir + "/big-tree/blob.bin", dir + "/big-back/blob.bin"}).exit_code, 0);
  fs::remove_all(dir + "/big-tree");
  fs::remove_all(dir + "/big-back");
}

TEST_F(Push, PullStreamsALayerAndRefusesABombWithFlatMemory) {
  seeder s({reg->host()});
  namespace tar = ocimirror::transfer::tar;
  // 300 MiB of one file, gzipped to ~300 KiB: refused at the 100 MiB default while inflating, nothing written.
  std::string bomb(tar::header({"zeros", tar::kind::file, 300ull << 20}).data(), tar::block);
  bomb += std::string(300ull << 20, '\0') + std::string(1024, '\0');
  const std::string flux_config = "application/vnd.cncf.flux.config.v1+json";
  const std::string flux_layer = "application/vnd.cncf.flux.content.v1.tar+gzip";
  s.image("flux/bomb", "v1",
          image_spec{.config_media_type = flux_config, .config = "{}", .layers = {{flux_layer, art::gzip(bomb)}}});
  bomb.clear();
  bomb.shrink_to_fit();
  const std::string target = dir + "/bomb";
  auto r = run({"bash", "-c",
                "/usr/bin/time -f 'rss=%M' '" + ocimirror_bin() + "' pull --plain-http " + reg->host() +
                    "/flux/bomb:v1 '" + target + "'"});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_NE(r.err.find("unpacks to more than 100 MiB (member 'zeros' at byte 512); raise --max-size"),
            std::string::npos)
      << r.err;
  const auto rss = r.err.substr(r.err.rfind("rss=") + 4);
  EXPECT_LT(std::stol(rss), 64 * 1024) << "KiB: nothing spooled, nothing held";
  EXPECT_FALSE(fs::exists(target));
  // With room for it, the same layer arrives, streamed: one file of 300 MiB.
  r = cli({"pull", "--plain-http", "--max-size", "400MiB", reg->host() + "/flux/bomb:v1", target});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fs::file_size(target + "/zeros"), 300ull << 20);
  fs::remove_all(target);
  // A small tar followed by 300 MiB of zeros after its end: the inflating itself is bounded.
  std::string trailer(tar::header({"small", tar::kind::file, 0}).data(), tar::block);
  trailer += std::string(1024, '\0') + std::string(300ull << 20, '\0');
  s.image("flux/trailer", "v1",
          image_spec{.config_media_type = flux_config, .config = "{}", .layers = {{flux_layer, art::gzip(trailer)}}});
  trailer = std::string();
  r = cli({"pull", "--plain-http", reg->host() + "/flux/trailer:v1", target});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_NE(r.err.find("inflates to more than 100 MiB; raise --max-size"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(target));
  // Many entries: bounded too (100,000), named.
  std::string many;
  for (int i = 0; i < 100'001; ++i)
    many += std::string(tar::header({"f" + std::to_string(i), tar::kind::file, 0}).data(), tar::block);
  many += std::string(1024, '\0');
  s.image("flux/many", "v1",
          image_spec{.config_media_type = flux_config, .config = "{}", .layers = {{flux_layer, art::gzip(many)}}});
  r = cli({"pull", "--plain-http", reg->host() + "/flux/many:v1", target});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_NE(r.err.find("holds more than 100000 entries"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(target));
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    EXPECT_TRUE(name.find(".partial-") == std::string::npos && name.find(".layer-") == std::string::npos) << name;
  }
}

}  // namespace

namespace {

// What Go's archive/tar (and so `flux push artifact` and `helm package`) writes: a root "./" entry, PAX headers
// for long and non-ASCII names, real modes, empty directories. Made here with Python's tarfile in PAX format.
TEST_F(Push, PullReadsWhatFluxAndHelmWriteRootEntryPaxModesEmptyDirsLegacyChartLayer) {
  const std::string tree = dir + "/go-tree", tgz = dir + "/go.tar.gz";
  const std::string long_name = "manifests/" + std::string(120, 'n') + "/d\xc3\xa9ploiement.yaml";
  write_file(tree + "/" + long_name, "kind: Deployment\n");
  write_file(tree + "/bin/hook.sh", "#!/bin/sh\necho hi\n");
  fs::permissions(tree + "/bin/hook.sh", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  fs::create_directories(tree + "/empty/inside");
  auto py = run({"python3", "-c",
                 "import tarfile,sys\n"
                 "with tarfile.open(sys.argv[2], 'w:gz', format=tarfile.PAX_FORMAT) as t:\n"
                 "    t.add(sys.argv[1], arcname='.')\n",
                 tree, tgz});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  seeder s({reg->host()});
  std::ifstream in(tgz, std::ios::binary);
  const std::string layer_bytes((std::istreambuf_iterator<char>(in)), {});
  for (const auto& [repo, config_type, layer_type] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"go/flux", std::string(art::media::flux_config), std::string(art::media::flux_content)},
           {"go/legacy-chart", std::string(art::media::helm_config), "application/tar+gzip"}}) {
    auto cfg = s.blob(repo, config_type, "{}");
    auto layer = s.blob(repo, layer_type, layer_bytes);
    s.manifest(repo, "v1", seeder::image_json({.config_media_type = config_type}, cfg, {layer}),
               "application/vnd.oci.image.manifest.v1+json");
    const std::string out = dir + "/pulled-" + repo.substr(3);
    auto r = cli({"pull", "--plain-http", reg->host() + "/" + repo + ":v1", out});
    ASSERT_EQ(r.exit_code, 0) << repo << ": " << r.err;
    EXPECT_EQ(slurp_file(out + "/" + long_name), "kind: Deployment\n");
    EXPECT_EQ(fs::status(out + "/bin/hook.sh").permissions() & fs::perms::all,
              fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    EXPECT_TRUE(fs::is_directory(out + "/empty/inside")) << "empty directories are kept";
  }
  // helm's spelling of a chart reference.
  auto r = cli({"pull", "--plain-http", "oci://" + reg->host() + "/go/flux:v1", dir + "/pulled-oci"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
