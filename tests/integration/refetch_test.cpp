// Bodies that arrive whole but garbled are fetched again, whatever they are: a manifest with a flipped byte (by tag
// and by digest), a catalog that is no longer JSON, a tag list whose flipped byte still parses (v1 becomes V1). And
// a garbled tag list never makes a prune delete a tag the source still has.
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <mutex>
#include <set>

using namespace ocimirror::testing;
namespace json = boost::json;
namespace http = boost::beast::http;

namespace {

/// Garbles the first response to each GET target that `pick` chooses, with `how`; counts what it garbled.
struct first_time_garbler {
  std::function<bool(const std::string&)> pick;
  std::function<void(std::string&)> how;
  std::mutex m;
  std::set<std::string> done;
  std::size_t garbled = 0;
  void operator()(const fault_proxy::request& req, fault_proxy::response& res) {
    const std::string target(req.target());
    if (req.method() != http::verb::get || res.result_int() != 200 || !pick(target)) return;
    std::lock_guard lock(m);
    if (!done.insert(target).second) return;
    how(res.body());
    ++garbled;
  }
};

void flip_middle(std::string& b) { b[b.size() / 2] = static_cast<char>(b[b.size() / 2] ^ 0x20); }

class Refetch : public ::testing::Test {
 protected:
  static inline registry_fixture *src = nullptr, *dst = nullptr;
  static inline std::map<std::string, std::string> digests;  // tag -> digest

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    seeder s({src->host()});
    const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
    for (const char* t : {"v1", "v2", "v3"})
      digests[t] = s.image("team/app", t, image_spec{.layers = {{gz, t}}}).digest;
  }
  static void TearDownTestSuite() { delete src, delete dst; }

  static std::string config(const std::string& via, const std::string& name) {
    const std::string path = dst->dir() + "/" + name + ".yaml";
    std::ofstream(path) << "state_dir: " << dst->dir() << "/state-" << name << "\nregistries:\n  " << via
                        << ": {tls: disabled}\n  " << dst->host()
                        << ": {tls: disabled}\npolicies:\n  - name: p\n    from: " << via
                        << "/team\n    to: " << dst->host() << "/" << name
                        << "\n    repositories: ['**']\n    prune: true\n";
    return path;
  }
  static void expect_all(const std::string& prefix) {
    for (const auto& [tag, digest] : digests)
      EXPECT_EQ(skopeo_digest(dst->host() + "/" + prefix + "/app:" + tag), digest) << tag;
  }
};

TEST_F(Refetch, GarbledManifestsCatalogAndTagListsAreFetchedAgain) {
  first_time_garbler g{[](const std::string& t) {
                         return t.find("/manifests/") != std::string::npos || t.find("/_catalog") != std::string::npos;
                       },
                       flip_middle};
  // The tag list: "v1" becomes "V1", which parses and is a valid tag the source does not have.
  first_time_garbler tags{[](const std::string& t) { return t.find("/tags/list") != std::string::npos; },
                          [](std::string& b) {
                            if (auto at = b.find("\"v1\""); at != std::string::npos) b[at + 1] = 'V';
                          }};
  fault_proxy proxy(
      "127.0.0.1", src->port(), [](const fault_proxy::request&) { return std::optional<fault_proxy::response>{}; },
      [&](const fault_proxy::request& req, fault_proxy::response& res) {
        g(req, res);
        tags(req, res);
      });
  auto r = cli({"sync", "--config", config(proxy.host(), "garbled"), "-q", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_GE(g.garbled, 4u);  // the catalog, three manifests by tag (and children by digest, if any)
  EXPECT_EQ(tags.garbled, 1u);
  EXPECT_EQ(json::parse(r.out).at("policies").at(0).at("tags").at("copied").to_number<int>(), 3) << r.out;
  expect_all("garbled");
}

TEST_F(Refetch, AGarbledTagListNeverPrunesATagTheSourceStillHas) {
  const auto path = config(src->host(), "prune");
  auto r = cli({"sync", "--config", path, "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Every later tag list says V2 instead of v2: the listing itself is wrong every time, not only once.
  fault_proxy proxy(
      "127.0.0.1", src->port(), [](const fault_proxy::request&) { return std::optional<fault_proxy::response>{}; },
      [](const fault_proxy::request& req, fault_proxy::response& res) {
        if (std::string(req.target()).find("/tags/list") == std::string::npos) return;
        if (auto at = res.body().find("\"v2\""); at != std::string::npos) res.body()[at + 1] = 'V';
      });
  std::string text;
  {
    std::ifstream in(path);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  for (std::size_t at; (at = text.find(src->host())) != std::string::npos;)
    text.replace(at, src->host().size(), proxy.host());
  std::ofstream(path) << text;
  r = cli({"sync", "--config", path, "-q", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  expect_all("prune");
  EXPECT_NE(r.out.find("the source still has it"), std::string::npos) << r.out;
}

}  // namespace
