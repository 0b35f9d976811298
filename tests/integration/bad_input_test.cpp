// Bad input: each a one-line error naming the reference or registry, a documented exit code, and nothing pushed
// under a wrong digest. Hostile sources are real registries whose storage the test edited behind their back.
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <map>
#include <optional>

using namespace ocimirror::testing;
namespace json = boost::json;

namespace {

class BadInput : public ::testing::Test {
 protected:
  static inline registry_fixture *src = nullptr, *dst = nullptr;
  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
  }
  static void TearDownTestSuite() { delete src, delete dst; }

  static std::string blob_path(const registry_fixture& r, const std::string& digest) {
    std::string hex = digest.substr(7);
    return r.storage() + "/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex + "/data";
  }
  static void expect_one_line(const run_result& r) {
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.err.starts_with("ocimirror: error: ")) << r.err;
  }
};

TEST_F(BadInput, MalformedReference) {
  auto r = cli({"copy", "--plain-http", "localhost:5000/Bad_Name:v1", dst->host() + "/x:v1"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_line(r);
  EXPECT_NE(r.err.find("'localhost:5000/Bad_Name:v1'"), std::string::npos) << r.err;
  EXPECT_EQ(cli({"copy", "only-one-arg/x"}).exit_code, 2);
  EXPECT_EQ(cli({"copy", "--no-such-flag", "a/b", "c/d"}).exit_code, 2);
  EXPECT_EQ(cli({"frobnicate"}).exit_code, 2);
  auto login = cli({"login", "bad host/path", "-u", "u", "--password-stdin"}, {}, "pw\n");
  EXPECT_EQ(login.exit_code, 2);
  EXPECT_NE(login.err.find("invalid registry host 'bad host/path'"), std::string::npos) << login.err;
}

TEST_F(BadInput, UnknownHost) {
  auto r = cli({"inspect", "--timeout", "10", "no-such-registry.invalid/app:v1"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  expect_one_line(r);
  EXPECT_NE(r.err.find("no-such-registry.invalid"), std::string::npos) << r.err;
}

TEST_F(BadInput, RefusedConnection) {
  const std::string host = "127.0.0.1:" + std::to_string(free_port());
  auto r = cli({"copy", "--plain-http", host + "/app:v1", dst->host() + "/app:v1"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  expect_one_line(r);
  EXPECT_NE(r.err.find("cannot connect to " + host), std::string::npos) << r.err;
}

TEST_F(BadInput, MissingTag) {
  seeder({src->host()}).image("present", "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "p"}}});
  auto r = cli({"copy", "--plain-http", src->host() + "/present:v2", dst->host() + "/present:v2"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  expect_one_line(r);
  EXPECT_NE(r.err.find(src->host() + "/present:v2 not found"), std::string::npos) << r.err;
  auto j = cli({"copy", "--plain-http", "--output=json", src->host() + "/present:v2", dst->host() + "/present:v2"});
  EXPECT_EQ(json::parse(j.out).at("exitCode").as_int64(), 3);
}

// distribution refuses to store or serve manifests over 4 MiB, so a proxy in front of the real source answers
// this one manifest itself; everything else (the config blob) comes from the registry.
TEST_F(BadInput, ManifestsOverTheCaps) {
  seeder s({src->host()});
  auto cfg = s.blob("huge", "application/vnd.oci.image.config.v1+json", R"({"huge":1})");
  std::map<std::string, std::string> planted;
  for (auto [tag, size] : {std::pair{"v1", 5u << 20}, std::pair{"v2", 9u << 20}}) {
    image_spec spec;
    spec.annotations = {{"padding", std::string(size, 'x')}};
    planted[std::string("/v2/huge/manifests/") + tag] = seeder::image_json(spec, cfg, {});
  }
  const auto port = src->port();
  fault_proxy proxy("127.0.0.1", port, [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
    auto it = planted.find(std::string(req.target()));
    if (it == planted.end()) return std::nullopt;
    fault_proxy::response res{boost::beast::http::status::ok, 11};
    res.set(boost::beast::http::field::content_type, "application/vnd.oci.image.manifest.v1+json");
    res.set("Docker-Content-Digest", ocimirror::transfer::sha256_digest(it->second));
    res.body() = it->second;
    return res;
  });

  auto r = cli({"copy", "--plain-http", proxy.host() + "/huge:v1", dst->host() + "/huge:v1"});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  expect_one_line(r);
  EXPECT_NE(r.err.find("over the 4 MiB"), std::string::npos) << r.err;
  EXPECT_FALSE(storage_has_blob(dst->storage(), cfg.digest)) << "blobs of a manifest that cannot be pushed were copied";
  EXPECT_EQ(skopeo_digest(dst->host() + "/huge:v1"), "");

  auto pull = cli({"inspect", "--plain-http", proxy.host() + "/huge:v2"});
  EXPECT_EQ(pull.exit_code, 6) << pull.err;
  expect_one_line(pull);
  EXPECT_NE(pull.err.find("larger than the 8 MiB"), std::string::npos) << pull.err;
}

TEST_F(BadInput, BlobWhoseBytesDoNotMatchItsDigest) {
  seeder s({src->host()});
  const std::string original(100000, 'o');
  auto img = s.image("corrupt", "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", original}}});
  auto layer = ocimirror::transfer::sha256_digest(original);
  std::string flipped = original;
  flipped[50000] = 'X';
  std::ofstream(blob_path(*src, layer), std::ios::binary | std::ios::trunc) << flipped;

  // Both upload paths: one monolithic PUT, and a streamed PATCH then PUT.
  for (std::string mono : {"33554432", "0"}) {
    auto r = cli(
        {"copy", "--plain-http", "--monolithic-max", mono, src->host() + "/corrupt:v1", dst->host() + "/corrupt:v1"});
    EXPECT_EQ(r.exit_code, 6) << r.err;
    expect_one_line(r);
    EXPECT_NE(r.err.find(layer), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("nothing was pushed"), std::string::npos) << r.err;
    EXPECT_FALSE(storage_has_blob(dst->storage(), layer));
    EXPECT_FALSE(storage_has_blob(dst->storage(), ocimirror::transfer::sha256_digest(flipped)));
    EXPECT_EQ(skopeo_digest(dst->host() + "/corrupt:v1"), "") << "a manifest was pushed over a bad blob";
  }
  (void)img;
}

TEST_F(BadInput, TruncatedBlob) {
  seeder s({src->host()});
  const std::string original(70000, 't');
  s.image("short", "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", original}}});
  auto layer = ocimirror::transfer::sha256_digest(original);
  std::ofstream(blob_path(*src, layer), std::ios::binary | std::ios::trunc) << original.substr(0, 1000);
  auto r = cli({"copy", "--plain-http", src->host() + "/short:v1", dst->host() + "/short:v1"});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  expect_one_line(r);
  EXPECT_FALSE(storage_has_blob(dst->storage(), layer));
}

}  // namespace
