// The transfer engine against faults a proxy injects in front of a real registry: throttling with Retry-After,
// 5xx, a blob body cut off mid-stream (resumed with Range), bytes flipped in transit (fetched again), mounts the
// registry refuses; and concurrent copies of images sharing layers.
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <mutex>
#include <set>

using namespace ocimirror::testing;
namespace json = boost::json;
namespace http = boost::beast::http;

namespace {

std::string pseudo_random(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (auto& c : s) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

class Engine : public ::testing::Test {
 protected:
  static inline registry_fixture *src = nullptr, *dst = nullptr;
  static inline std::string layer_bytes;
  static inline pushed img, layer;
  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    seeder s({src->host()});
    layer_bytes = pseudo_random(3u << 20, 1);
    img = s.image("faulty/app", "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", layer_bytes}}});
    layer.digest = ocimirror::transfer::sha256_digest(layer_bytes);
  }
  static void TearDownTestSuite() { delete src, delete dst; }

  static bool is_layer_get(const fault_proxy::request& req) {
    return req.method() == http::verb::get && std::string(req.target()).ends_with("/blobs/" + layer.digest);
  }
  static fault_proxy::response answer(http::status st, std::string body = {}) {
    fault_proxy::response res{st, 11};
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  }
};

TEST_F(Engine, ThrottlingAndServerErrorsAreRetried) {
  std::mutex m;
  int manifest_gets = 0, blob_gets = 0;
  fault_proxy proxy("127.0.0.1", src->port(),
                    [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
                      std::lock_guard lock(m);
                      if (req.method() == http::verb::get &&
                          std::string(req.target()) == "/v2/faulty/app/manifests/v1" && manifest_gets++ == 0) {
                        auto res = answer(http::status::too_many_requests,
                                          R"({"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]})");
                        res.set(http::field::retry_after, "1");
                        return res;
                      }
                      if (is_layer_get(req) && blob_gets++ < 2) return answer(http::status::service_unavailable);
                      return std::nullopt;
                    });
  const auto start = std::chrono::steady_clock::now();
  auto r = cli({"copy", "--plain-http", "-q", proxy.host() + "/faulty/app:v1", dst->host() + "/retried/app:v1"});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(first_line(r.out), img.digest);
  EXPECT_EQ(skopeo_digest(dst->host() + "/retried/app:v1"), img.digest);
  EXPECT_GE(took, std::chrono::seconds(1)) << "Retry-After: 1 was not honoured";
  EXPECT_EQ(blob_gets, 3);
}

/// The first `fail_first` GETs of blob `digest` answered 503 with Retry-After: 0 (no waiting between requests).
struct failing_blob_gets {
  std::string digest;
  int fail_first;
  std::mutex m;
  int gets = 0;
  std::optional<fault_proxy::response> operator()(const fault_proxy::request& req) {
    std::lock_guard lock(m);
    if (req.method() != http::verb::get || !std::string(req.target()).ends_with("/blobs/" + digest) ||
        gets++ >= fail_first)
      return std::nullopt;
    fault_proxy::response res{http::status::service_unavailable, 11};
    res.set(http::field::retry_after, "0");
    res.prepare_payload();
    return res;
  }
};

TEST_F(Engine, ARequestsRetriesAndTheBlobsShareOneBudget) {
  // One request gives up after 5 retries; the blob then tries again within what its budget of 10 has left.
  failing_blob_gets seven{layer.digest, 7};
  fault_proxy proxy("127.0.0.1", src->port(), std::ref(seven));
  auto r = cli({"copy", "--plain-http", "-q", proxy.host() + "/faulty/app:v1", dst->host() + "/outlasted/app:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_digest(dst->host() + "/outlasted/app:v1"), img.digest);
  EXPECT_EQ(seven.gets, 8) << "6 GETs of the first request, 2 of the blob's second attempt";

  // A source that never recovers: the retries of the requests, of the reads and of the whole blob together stop at
  // the blob's 10, instead of 6 requests × 6 blob attempts = 36 GETs.
  failing_blob_gets always{layer.digest, 1 << 30};
  fault_proxy down("127.0.0.1", src->port(), std::ref(always));
  auto f = cli({"copy", "--plain-http", "-q", down.host() + "/faulty/app:v1", dst->host() + "/gaveup/app:v1"});
  EXPECT_EQ(f.exit_code, 1) << f.err;
  EXPECT_EQ(always.gets, 11) << "the first GET and the blob's 10 retries";
  EXPECT_NE(f.err.find("503"), std::string::npos) << f.err;
  EXPECT_EQ(skopeo_digest(dst->host() + "/gaveup/app:v1"), "") << "nothing is tagged when a blob is missing";
}

TEST_F(Engine, BrokenBlobBodyResumesWithRange) {
  std::mutex m;
  int gets = 0;
  std::set<std::string> ranges;
  fault_proxy proxy("127.0.0.1", src->port(),
                    [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
                      std::lock_guard lock(m);
                      if (!is_layer_get(req)) return std::nullopt;
                      if (auto range = req[http::field::range]; !range.empty()) ranges.insert(std::string(range));
                      if (gets++ > 0) return std::nullopt;
                      // The whole length announced, a third of it sent, then the connection closes.
                      fault_proxy::response res{http::status::ok, 11};
                      res.set(http::field::content_type, "application/octet-stream");
                      res.body() = layer_bytes;
                      res.prepare_payload();
                      res.set(loopback_server::truncate_after, std::to_string(1u << 20));
                      return res;
                    });
  auto r = cli({"copy", "--plain-http", "-q", proxy.host() + "/faulty/app:v1", dst->host() + "/resumed/app:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_digest(dst->host() + "/resumed/app:v1"), img.digest);
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_TRUE(ranges.begin()->starts_with("bytes=") && *ranges.begin() != "bytes=0-") << *ranges.begin();
  EXPECT_TRUE(storage_has_blob(dst->storage(), layer.digest));
}

TEST_F(Engine, FlippedBytesAreFetchedAgainAndNeverLand) {
  std::mutex m;
  int gets = 0;
  fault_proxy proxy("127.0.0.1", src->port(),
                    [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
                      std::lock_guard lock(m);
                      if (!is_layer_get(req) || gets++ > 0) return std::nullopt;
                      std::string bad = layer_bytes;
                      bad[bad.size() / 2] ^= 0x40;
                      auto res = answer(http::status::ok, bad);
                      res.set(http::field::content_type, "application/octet-stream");
                      return res;
                    });
  auto r = cli({"copy", "--plain-http", "-q", proxy.host() + "/faulty/app:v1", dst->host() + "/refetched/app:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(gets, 2);
  EXPECT_EQ(skopeo_digest(dst->host() + "/refetched/app:v1"), img.digest);
}

TEST_F(Engine, RangedReadsOfALargeBlobWithChunkedUpload) {
  auto r = cli({"copy", "--plain-http", "-q", "-o", "json", "--ranged-threshold", "1048576", "--part-size", "524288",
                "--ranged-parallel", "3", "--chunk-size", "1048576", "--monolithic-max", "0",
                src->host() + "/faulty/app:v1", dst->host() + "/ranged/app:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).at("digest").as_string(), img.digest);
  EXPECT_EQ(skopeo_digest(dst->host() + "/ranged/app:v1"), img.digest);
}

TEST_F(Engine, ARegistryThatIgnoresRangeGetsOneGet) {
  std::mutex m;
  int ranged = 0, whole = 0;
  fault_proxy proxy("127.0.0.1", src->port(),
                    [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
                      std::lock_guard lock(m);
                      if (!is_layer_get(req)) return std::nullopt;
                      if (req[http::field::range].empty()) {
                        ++whole;
                        return std::nullopt;
                      }
                      ++ranged;  // the whole body, 200, as a registry without Range support answers
                      auto res = answer(http::status::ok, layer_bytes);
                      res.set(http::field::content_type, "application/octet-stream");
                      return res;
                    });
  auto r = cli({"copy", "--plain-http", "-q", "--ranged-threshold", "1048576", "--part-size", "524288",
                proxy.host() + "/faulty/app:v1", dst->host() + "/norange/app:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_digest(dst->host() + "/norange/app:v1"), img.digest);
  EXPECT_GE(ranged, 1);
  EXPECT_EQ(whole, 1);
}

TEST_F(Engine, RefusedMountsFallBackToCopying) {
  ASSERT_EQ(
      cli({"copy", "--plain-http", "-q", src->host() + "/faulty/app:v1", dst->host() + "/mount-a/app:v1"}).exit_code,
      0);
  std::mutex m;
  int mounts = 0;
  fault_proxy proxy(
      "127.0.0.1", dst->port(), [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
        std::lock_guard lock(m);
        if (req.method() != http::verb::post || std::string(req.target()).find("mount=") == std::string::npos)
          return std::nullopt;
        ++mounts;
        return answer(http::status::method_not_allowed,
                      R"({"errors":[{"code":"UNSUPPORTED","message":"no mounts here"}]})");
      });
  auto r = cli(
      {"copy", "--plain-http", "-q", "-o", "json", proxy.host() + "/mount-a/app:v1", proxy.host() + "/mount-b/app:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = json::parse(r.out).as_object();
  EXPECT_EQ(o.at("blobs").at("mounted").to_number<int>(), 0);
  EXPECT_EQ(o.at("blobs").at("copied").to_number<int>(), 2);
  EXPECT_EQ(mounts, 2);
  EXPECT_EQ(skopeo_digest(dst->host() + "/mount-b/app:v1"), img.digest);
}

}  // namespace
