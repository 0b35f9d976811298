// GHCR organisations: `from: ghcr.io/ORG` without `repositories:` lists the owner's container packages through the
// GitHub REST API (GET /orgs/ORG/packages?package_type=container, Link pagination; /users/USER/packages for a
// user), with GITHUB_TOKEN as the Bearer token. The API is a loopback stand-in that pages two packages at a time as
// GitHub's does with per_page; the registry is the real one behind the GHCR profile proxy (no catalog).
#include "tests/integration/helpers.hpp"
#include "tests/support/loopback_server.hpp"
#include "tests/support/profile_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/request_target.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <filesystem>

using namespace ocimirror::testing;
namespace json = boost::json;
namespace http = boost::beast::http;

namespace {

/// GitHub's package list for two owners: the organisation "acme" (a, b, team/c) and the user "alice" (tool).
class github_api {
 public:
  std::string url() const { return "http://" + server_.host(); }
  std::size_t pages() const { return pages_; }

 private:
  loopback_server::response handle(const loopback_server::request& req) {
    const std::string target(req.target());
    loopback_server::response res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    std::vector<std::string> names;
    if (target.starts_with("/orgs/acme/packages?package_type=container")) names = {"a", "b", "team/c"};
    if (target.starts_with("/users/alice/packages?package_type=container")) names = {"tool"};
    if (req[http::field::authorization] != "Bearer gh-token") {
      res.result(http::status::unauthorized);
      res.body() = R"({"message":"Requires authentication"})";
    } else if (names.empty()) {
      res.result(http::status::not_found);
      res.body() = R"({"message":"Not Found"})";
    } else {
      ++pages_;
      const auto query = target.substr(target.find('?') + 1);
      const auto asked = query_param(query, "page");
      const std::size_t page = asked.empty() ? 1 : std::stoul(asked);
      json::array out;
      for (std::size_t i = (page - 1) * 2; i < names.size() && i < page * 2; ++i)
        out.push_back(json::object{{"id", i}, {"name", names[i]}, {"package_type", "container"}});
      res.body() = json::serialize(out);
      if (page * 2 < names.size())
        res.set(http::field::link, "<" + url() + target.substr(0, target.find("&page=")) +
                                       "&page=" + std::to_string(page + 1) + ">; rel=\"next\"");
    }
    res.prepare_payload();
    return res;
  }
  std::atomic<std::size_t> pages_{0};
  loopback_server server_{[this](loopback_server::request& req) { return handle(req); }};
};

class Ghcr : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline registry_fixture *src = nullptr, *dst = nullptr;
  static inline std::map<std::string, std::string> digests;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-ghcr");
    src = new registry_fixture({});
    dst = new registry_fixture({});
    seeder s({src->host()});
    for (const char* repo : {"acme/a", "acme/b", "acme/team/c", "alice/tool", "other/x"})
      digests[repo] =
          s.image(repo, "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", repo}}}).digest;
  }
  static void TearDownTestSuite() {
    delete src, delete dst;
    std::filesystem::remove_all(dir);
  }

  static run_result sync(const std::string& name, const std::string& proxy, const std::string& owner,
                         const std::map<std::string, std::string>& env) {
    const std::string path = dir + "/" + name + ".yaml";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n  " + proxy +
                         ": {tls: disabled, profile: ghcr}\n  " + dst->host() + ": {tls: disabled}\npolicies:\n" +
                         "  - name: " + name + "\n    from: " + proxy + "/" + owner + "\n    to: " + dst->host() + "/" +
                         name + "\n");
    return cli({"sync", "-q", "--config", path}, env);
  }
};

TEST_F(Ghcr, AnOrganisationsPackagesAreListedThroughTheRestApiPageByPage) {
  profile_proxy proxy("ghcr", "127.0.0.1", src->port());
  github_api api;
  auto r = sync("org", proxy.host(), "acme", {{"GITHUB_API_URL", api.url()}, {"GITHUB_TOKEN", "gh-token"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* repo : {"a", "b", "team/c"})
    EXPECT_EQ(skopeo_digest(dst->host() + "/org/" + repo + ":v1"), digests[std::string("acme/") + repo]) << repo;
  EXPECT_EQ(skopeo_digest(dst->host() + "/org/x:v1"), "") << "nothing of another owner";
  EXPECT_EQ(api.pages(), 2u) << "three packages, two per page, the Link followed";
  EXPECT_EQ(proxy.hits("no_catalog"), 0u) << "the registry's missing catalog was never asked";
}

TEST_F(Ghcr, AUsersPackagesWhenNoOrganisationHasTheName) {
  profile_proxy proxy("ghcr", "127.0.0.1", src->port());
  github_api api;
  auto r = sync("user", proxy.host(), "alice", {{"GITHUB_API_URL", api.url()}, {"GITHUB_TOKEN", "gh-token"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_digest(dst->host() + "/user/tool:v1"), digests["alice/tool"]);
}

TEST_F(Ghcr, WithoutATokenTheErrorSaysWhichOneIsNeeded) {
  profile_proxy proxy("ghcr", "127.0.0.1", src->port());
  github_api api;
  auto r = sync("anonymous", proxy.host(), "acme", {{"GITHUB_API_URL", api.url()}, {"GITHUB_TOKEN", ""}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("GITHUB_TOKEN"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("read:packages"), std::string::npos) << r.err;
  auto plain = sync("plain-api", proxy.host(), "acme",
                    {{"GITHUB_API_URL", "http://api.example.com"}, {"GITHUB_TOKEN", "gh-token"}});
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_NE(plain.err.find("must be an https:// URL"), std::string::npos) << plain.err;
  EXPECT_EQ(plain.err.find("gh-token"), std::string::npos);
}

}  // namespace
