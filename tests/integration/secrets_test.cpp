// Secret hygiene at the most verbose log level: a sync and a daemon run from a token-auth registry to an htpasswd
// one (TLS), every HTTP exchange logged, then a run with a wrong password. No password, Basic header value, token
// or admin token appears in any log line, report, metric, status answer, status file or error message.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "tests/support/token_server.hpp"
#include "transfer/registry/credentials.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

using namespace ocimirror::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using ocimirror::transfer::base64_encode;

namespace {

const std::string pull_pw = "pull-Pa55-0xC0FFEE", push_pw = "push-Pa55-0xBEEF", wrong_pw = "wr0ng-Pa55-0xDEAD";
const std::string admin_token = "admin-token-5ecret-0123456789";

class Secrets : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline test_ca* ca = nullptr;
  static inline token_keys* keys = nullptr;
  static inline token_server* tokens = nullptr;
  static inline registry_fixture *src = nullptr, *dst = nullptr;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-secrets");
    ca = new test_ca(test_ca::make(dir + "/ca"));
    keys = new token_keys(token_keys::make(dir + "/token"));
    tokens = new token_server(*keys, {{"admin", "root"}, {"puller", pull_pw}},
                              [](const std::string& user, const std::string& repo, const std::string& action) {
                                return user == "admin" || (user == "puller" && (action == "pull" || repo == "catalog"));
                              });
    src = new registry_fixture({.mode = registry_options::kind::token, .token_realm = tokens->realm(), .keys = keys});
    dst = new registry_fixture(
        {.mode = registry_options::kind::htpasswd, .ca = ca, .htpasswd_user = "pusher", .htpasswd_password = push_pw});
    seeder s({.registry = src->host(), .creds = ocimirror::transfer::credentials{"admin", "root", {}}});
    for (const char* repo : {"team/app", "team/web"})
      for (const char* tag : {"v1", "v2"})
        s.image(repo, tag, {.layers = {{"application/vnd.oci.image.layer.v1.tar+gzip", std::string(repo) + tag}}});
  }
  static void TearDownTestSuite() {
    delete src, delete dst, delete tokens, delete keys, delete ca;
    fs::remove_all(dir);
  }

  /// A docker config for both registries and a mirror configuration (1 s schedule, admin API on listen).
  static std::string setup(const std::string& name, const std::string& push_password,
                           const std::string& listen = "127.0.0.1:0") {
    const std::string d = dir + "/" + name;
    fs::create_directories(d + "/docker");
    std::ofstream(d + "/docker/config.json")
        << R"({"auths":{")" << src->host() << R"(":{"auth":")" << base64_encode("puller:" + pull_pw) << R"("},")"
        << dst->host() << R"(":{"auth":")" << base64_encode("pusher:" + push_password) << "\"}}}";
    std::ofstream(d + "/mirror.yaml") << "state_dir: " << d << "/state\ndaemon: {listen: \"" << listen
                                      << "\", token: \"" << admin_token << "\"}\nregistries:\n  " << src->host()
                                      << ": {tls: disabled}\n  " << tokens->host() << ": {tls: disabled}\n  "
                                      << dst->host() << ": {ca_file: " << ca->ca_cert
                                      << "}\npolicies:\n  - name: team\n"
                                      << "    from: " << src->host() << "/team\n    to: " << dst->host() << "/" << name
                                      << "\n    repositories: ['**']\n    schedule: {every: 1s}\n";
    return d;
  }
  static run_result sync(const std::string& d, std::vector<std::string> extra) {
    std::vector<std::string> a{"sync", "--config", d + "/mirror.yaml", "--log-level", "debug"};
    a.insert(a.end(), extra.begin(), extra.end());
    return cli(a, {{"DOCKER_CONFIG", d + "/docker"}});
  }
  static void expect_no_secret(const std::string& where, const std::string& text) {
    std::vector<std::string> secrets{pull_pw,
                                     push_pw,
                                     wrong_pw,
                                     admin_token,
                                     base64_encode("puller:" + pull_pw),
                                     base64_encode("pusher:" + push_pw),
                                     base64_encode("pusher:" + wrong_pw)};
    for (const auto& t : tokens->issued()) {
      secrets.push_back(t);
      secrets.push_back(t.substr(t.rfind('.') + 1));  // the signature alone
    }
    for (const auto& s : secrets) EXPECT_EQ(text.find(s), std::string::npos) << where << " holds a secret: " << s;
  }
};

TEST_F(Secrets, NoneInLogsReportsMetricsStatusOrErrorsAtTheMostVerboseLevel) {
  const auto d = setup("ok", push_pw);
  auto text = sync(d, {});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  auto js = sync(d, {"-o", "json", "--verify"});
  ASSERT_EQ(js.exit_code, 0) << js.err;
  // The level is really the most verbose one: every exchange and token is traced, without its query.
  EXPECT_NE(text.err.find("http method=GET url=http://" + src->host() + "/v2/team/"), std::string::npos) << text.err;
  EXPECT_NE(text.err.find("token registry=" + src->host()), std::string::npos) << text.err;
  EXPECT_NE(text.err.find("method=PUT url=https://" + dst->host()), std::string::npos) << text.err;
  EXPECT_EQ(text.err.find("_state="), std::string::npos) << "upload URLs are logged without their query";
  ASSERT_FALSE(tokens->issued().empty());
  expect_no_secret("sync (text)", text.out + text.err);
  expect_no_secret("sync (json)", js.out + js.err);

  const auto bad = setup("bad", wrong_pw);
  auto refused = sync(bad, {});
  EXPECT_EQ(refused.exit_code, 4);  // authentication
  EXPECT_NE(refused.err.find("credentials were rejected"), std::string::npos) << refused.err;
  expect_no_secret("failed sync", refused.out + refused.err);
  auto copy = cli({"copy", "--plain-http-host", src->host(), "--plain-http-host", tokens->host(), "--ca-file",
                   ca->ca_cert, src->host() + "/team/app:v1", dst->host() + "/copied/app:v1"},
                  {{"DOCKER_CONFIG", bad + "/docker"}});
  EXPECT_NE(copy.exit_code, 0);
  expect_no_secret("failed copy", copy.out + copy.err);

  const std::string listen = "127.0.0.1:" + std::to_string(free_port());
  const auto dd = setup("daemon", push_pw, listen);
  // env execs the daemon in place: the pid signalled is the daemon's.
  background daemon({"env", "DOCKER_CONFIG=" + dd + "/docker", ocimirror_bin(), "daemon", "--config",
                     dd + "/mirror.yaml", "--log-level", "debug"},
                    dd);
  ASSERT_TRUE(daemon.wait_for_err("policy run success", 20s)) << daemon.err();
  for (const char* path : {"/metrics", "/v1/status", "/healthz", "/readyz"}) {
    auto r = run({"curl", "-s", "-H", "Authorization: Bearer " + admin_token, "http://" + listen + path});
    expect_no_secret(path, r.out);
  }
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(10s), 0);
  expect_no_secret("daemon log", daemon.err());
  EXPECT_NE(daemon.err().find("http method="), std::string::npos);
  std::ifstream status(dd + "/state/daemon-status.json");
  expect_no_secret("daemon-status.json", std::string((std::istreambuf_iterator<char>(status)), {}));
}

}  // namespace
