// Registries behind TLS with a self-signed CA, htpasswd Basic auth, and token auth with ES256 JWTs.
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "tests/support/token_server.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>

using namespace ocimirror::testing;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const image_spec small_image{.layers = {{"application/vnd.oci.image.layer.v1.tar+gzip", "tls and auth layer"}}};

class Secured : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline test_ca* ca = nullptr;
  static inline token_keys* keys = nullptr;
  static inline token_server* tokens = nullptr;
  static inline registry_fixture *plain = nullptr, *tls = nullptr, *basic = nullptr, *token = nullptr;
  static inline pushed image;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-secured");
    ca = new test_ca(test_ca::make(dir + "/ca"));
    keys = new token_keys(token_keys::make(dir + "/token"));
    // alice may pull src/*, and push and pull dst/*: a mount from src to dst needs both in one token.
    tokens = new token_server(*keys, {{"alice", "wonderland"}, {"admin", "root"}},
                              [](const std::string& user, const std::string& repo, const std::string& action) {
                                if (user == "admin") return true;
                                if (user != "alice") return false;
                                if (repo.starts_with("src/")) return action == "pull";
                                return repo.starts_with("dst/");
                              });
    plain = new registry_fixture({});
    tls = new registry_fixture({.mode = registry_options::kind::tls, .ca = ca});
    basic = new registry_fixture(
        {.mode = registry_options::kind::htpasswd, .ca = ca, .htpasswd_user = "bob", .htpasswd_password = "builder"});
    token = new registry_fixture({.mode = registry_options::kind::token, .token_realm = tokens->realm(), .keys = keys});
    image = seeder({plain->host()}).image("app", "v1", small_image);
    seeder admin({.registry = token->host(), .creds = ocimirror::transfer::credentials{"admin", "root", {}}});
    admin.image("dst/seed", "v1", small_image);
    admin.image("src/app", "v1", small_image);
  }
  static void TearDownTestSuite() {
    delete plain, delete tls, delete basic, delete token, delete tokens, delete keys, delete ca;
    fs::remove_all(dir);
  }

  // Each test logs in into its own docker config.
  std::string docker_config = make_temp_dir("ocimirror-dockercfg");
  std::map<std::string, std::string> env{{"DOCKER_CONFIG", docker_config}};
  void TearDown() override { fs::remove_all(docker_config); }
  run_result login(const std::string& host, const std::string& user, const std::string& password,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> a{"login", host, "-u", user, "--password-stdin"};
    a.insert(a.end(), extra.begin(), extra.end());
    return cli(a, env, password + "\n");
  }
};

TEST_F(Secured, TlsWithCaFileWorksAndWithoutIsRefused) {
  const std::string from = plain->host() + "/app:v1", to = tls->host() + "/app:v1";
  auto refused = cli({"copy", "--plain-http-host", plain->host(), from, to}, env);
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("certificate verify failed"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(tls->host()), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--ca-file"), std::string::npos) << refused.err;

  auto ok = cli({"copy", "--plain-http-host", plain->host(), "--ca-file", ca->ca_cert, from, to}, env);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(skopeo_digest(to, {"--cert-dir", ca->trust_dir}), image.digest);
  auto insecure = cli(
      {"copy", "--plain-http-host", plain->host(), "--insecure-host", tls->host(), from, tls->host() + "/insecure:v1"},
      env);
  EXPECT_EQ(insecure.exit_code, 0) << insecure.err;
}

TEST_F(Secured, HtpasswdBasicAuthThroughLogin) {
  const std::string from = plain->host() + "/app:v1", to = basic->host() + "/app:v1";
  const std::vector<std::string> net{"--plain-http-host", plain->host(), "--ca-file", ca->ca_cert};
  auto anon = cli({"copy", net[0], net[1], net[2], net[3], from, to}, env);
  EXPECT_EQ(anon.exit_code, 4) << anon.err;
  EXPECT_NE(anon.err.find("ocimirror login " + basic->host()), std::string::npos) << anon.err;

  auto wrong = login(basic->host(), "bob", "not-the-password", {"--ca-file", ca->ca_cert});
  EXPECT_EQ(wrong.exit_code, 4) << wrong.err;
  EXPECT_FALSE(fs::exists(docker_config + "/config.json"));
  EXPECT_EQ(wrong.err.find("not-the-password"), std::string::npos);

  auto good = login(basic->host(), "bob", "builder", {"--ca-file", ca->ca_cert});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(fs::status(docker_config + "/config.json").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto ok = cli({"copy", net[0], net[1], net[2], net[3], from, to}, env);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(skopeo_digest(to, {"--cert-dir", ca->trust_dir, "--creds", "bob:builder"}), image.digest);
}

TEST_F(Secured, TokenAuthCopyIntoRegistry) {
  ASSERT_EQ(login(token->host(), "alice", "wonderland", {"--plain-http"}).exit_code, 0);
  const std::string to = token->host() + "/dst/app:v1";
  auto r = cli({"copy", "--plain-http", plain->host() + "/app:v1", to}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_digest(to, {"--tls-verify=false", "--creds", "alice:wonderland"}), image.digest);
}

TEST_F(Secured, TokenAuthMountNeedsPushAndPullScopesInOneToken) {
  ASSERT_EQ(login(token->host(), "alice", "wonderland", {"--plain-http"}).exit_code, 0);
  auto r = cli({"copy", "--plain-http", "-o", "json", token->host() + "/src/app:v1", token->host() + "/dst/mounted:v1"},
               env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = json::parse(r.out).as_object();
  EXPECT_EQ(o["blobs"].as_object()["mounted"].as_int64(), 2) << r.out;
  EXPECT_EQ(skopeo_digest(token->host() + "/dst/mounted:v1", {"--tls-verify=false", "--creds", "alice:wonderland"}),
            image.digest);

  // Pull-only on the source repository is enough to read it; pushing there is denied.
  auto denied = cli({"copy", "--plain-http", plain->host() + "/app:v1", token->host() + "/src/other:v1"}, env);
  EXPECT_EQ(denied.exit_code, 4) << denied.err;
}

TEST_F(Secured, TokenAuthWrongPasswordAndAnonymous) {
  auto wrong = login(token->host(), "alice", "queen-of-hearts", {"--plain-http"});
  EXPECT_EQ(wrong.exit_code, 4) << wrong.err;
  EXPECT_NE(wrong.err.find("alice"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find("queen-of-hearts"), std::string::npos) << wrong.err;
  auto anon = cli({"inspect", "--plain-http", token->host() + "/dst/seed:v1"}, env);
  EXPECT_EQ(anon.exit_code, 4) << anon.err;
}

TEST_F(Secured, CredentialsFromDockerConfigAuths) {
  std::ofstream(docker_config + "/config.json") << R"({"auths":{")" << token->host() << R"(":{"auth":")"
                                                << ocimirror::transfer::base64_encode("alice:wonderland") << R"("}}})";
  auto r = cli({"inspect", "--plain-http", "-o", "json", token->host() + "/dst/seed:v1"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).at("mediaType").as_string(), "application/vnd.oci.image.manifest.v1+json");
}

// Registries hand blob downloads to storage hosts by redirect; the registry's credentials must not follow.
TEST_F(Secured, BlobRedirectToAnotherHostCarriesNoAuthorization) {
  namespace http = boost::beast::http;
  std::map<std::string, std::string> blobs;  // what the "storage host" serves, by digest
  blobs[ocimirror::transfer::sha256_digest(small_image.layers[0].second)] = small_image.layers[0].second;
  blobs[ocimirror::transfer::sha256_digest(small_image.config)] = small_image.config;
  std::atomic<int> storage_requests{0}, storage_with_auth{0};
  fault_proxy storage("127.0.0.1", "1", [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
    ++storage_requests;
    if (!req[http::field::authorization].empty()) ++storage_with_auth;
    std::string target(req.target());
    fault_proxy::response res{http::status::ok, 11};
    res.body() = blobs[target.substr(target.rfind('/') + 1)];
    return res;
  });
  const auto port = token->port();
  std::atomic<int> authorized_blob_gets{0};
  fault_proxy front("127.0.0.1", port, [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
    std::string target(req.target());
    auto at = target.find("/blobs/sha256:");
    if (req.method() != http::verb::get || at == std::string::npos || req[http::field::authorization].empty())
      return std::nullopt;  // unauthenticated requests go on to get the registry's 401 challenge
    ++authorized_blob_gets;
    fault_proxy::response res{http::status::temporary_redirect, 11};
    res.set(http::field::location, "http://" + storage.host() + "/bucket/" + target.substr(at + 7));
    return res;
  });
  std::ofstream(docker_config + "/config.json") << R"({"auths":{")" << front.host() << R"(":{"auth":")"
                                                << ocimirror::transfer::base64_encode("alice:wonderland") << R"("}}})";
  auto r = cli({"copy", "--plain-http", front.host() + "/dst/seed:v1", plain->host() + "/redirected:v1"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_digest(plain->host() + "/redirected:v1"), image.digest);
  EXPECT_EQ(authorized_blob_gets.load(), 2);
  EXPECT_EQ(storage_requests.load(), 2);
  EXPECT_EQ(storage_with_auth.load(), 0) << "the registry's Authorization header was sent to the storage host";
}

}  // namespace
