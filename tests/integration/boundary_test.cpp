// What comes from outside cannot freeze, inject or overwrite (issue 33): a credential helper that hangs or floods,
// a FIFO planted as a layout's index.json, a token service whose token carries CR LF, a realm naming the daemon's
// own admin API. Each case ran against the previous binary and broke it; each is shown held here.
#include "tests/integration/helpers.hpp"
#include "tests/support/loopback_server.hpp"
#include "tests/support/realm_registry.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>

using namespace ocimirror::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

class Boundary : public ::testing::Test {
 protected:
  static inline realm_registry* evil = nullptr;
  static inline registry_fixture* dst = nullptr;
  static inline std::string dir;
  static void SetUpTestSuite() {
    evil = new realm_registry();
    dst = new registry_fixture({});
    dir = make_temp_dir("ocimirror-boundary");
    fs::create_directories(dir + "/bin");
    // Helpers as docker runs them: docker-credential-NAME in PATH, the server URL on stdin, JSON on stdout.
    helper("sleepy", "sleep 30\n");
    helper("chatty", "head -c 3000000 /dev/zero | tr '\\0' 'x'\n");
    helper("ok", "echo '{\"Username\":\"u\",\"Secret\":\"p\"}'\n");
    helper("crlf", "printf '{\"Username\":\"u\",\"Secret\":\"p\\\\r\\\\nX-Injected: yes\"}'\n");
    // An OCI layout whose index.json is a FIFO: open() on it would wait for a writer forever.
    fs::create_directories(dir + "/fifo-layout/blobs/sha256");
    std::ofstream(dir + "/fifo-layout/oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
    ::mkfifo((dir + "/fifo-layout/index.json").c_str(), 0600);
    ::mkfifo((dir + "/fifo.tar").c_str(), 0600);
  }
  static void TearDownTestSuite() {
    delete evil, delete dst;
    fs::remove_all(dir);
  }
  static void helper(const std::string& name, const std::string& body) {
    const std::string path = dir + "/bin/docker-credential-" + name;
    std::ofstream(path) << "#!/bin/sh\ncat >/dev/null\n" << body;
    fs::permissions(path, fs::perms::owner_all);
  }
  /// A docker config whose credHelpers send evil's host to `name`.
  static std::map<std::string, std::string> env_with_helper(const std::string& name) {
    const std::string d = dir + "/docker-" + name;
    fs::create_directories(d);
    std::ofstream(d + "/config.json") << R"({"credHelpers":{")" << evil->host() << R"(":")" << name << R"("}})";
    return {{"DOCKER_CONFIG", d}, {"PATH", dir + "/bin:" + std::string(std::getenv("PATH"))}};
  }
};

TEST_F(Boundary, ATokenWithCRLFIsRefusedAndNoForgedHeaderIsSent) {
  auto r = cli({"tags", "--plain-http", evil->host() + "/inject/app"}, {{"DOCKER_CONFIG", dir + "/none"}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("token service of " + evil->host()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("RFC 6750"), std::string::npos) << r.err;
  EXPECT_FALSE(evil->saw_injected()) << "no request carried the token service's header";
}

TEST_F(Boundary, ATokenServiceOrRealmFailureIsNamedAsSuchWithItsOwnExitCode) {
  // A 3 MiB token answer: the token service's failure (exit 1), not "manifest ... larger than" (exit 6).
  auto r = cli({"inspect", "--plain-http", evil->host() + "/big/app:v1"}, {{"DOCKER_CONFIG", dir + "/none"}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(
      r.err.find("token service of " + evil->host() + " (http://" + evil->host() + ") answered more than 1024 KiB"),
      std::string::npos)
      << r.err;
  // A file:// realm: the registry's protocol failure (exit 1), not a TLS one (exit 5).
  r = cli({"inspect", "--plain-http", evil->host() + "/file/app:v1"}, {{"DOCKER_CONFIG", dir + "/none"}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("sent a token realm ocimirror will not use"), std::string::npos) << r.err;
}

/// An AWS stand-in that checks nothing and answers what a hostile or broken one might: GetAuthorizationToken with
/// the given expiresAt, STS with HTTP 200 and XML that holds no credentials.
class careless_aws {
 public:
  explicit careless_aws(std::string expires_at)
      : expires_at_(std::move(expires_at)), server_([this](loopback_server::request& req) {
          loopback_server::response res{http::status::ok, 11};
          if (std::string(req["X-Amz-Target"]).ends_with("GetAuthorizationToken")) {
            ++token_calls_;
            res.body() = R"({"authorizationData":[{"authorizationToken":"QVdTOnB3","expiresAt":)" + expires_at_ + "}]}";
          } else {
            res.body() = "<AssumeRoleWithWebIdentityResponse><Oops/></AssumeRoleWithWebIdentityResponse>";
          }
          res.prepare_payload();
          return res;
        }) {}
  std::string url() const { return "http://" + server_.host(); }
  int token_calls() const { return token_calls_; }

 private:
  std::string expires_at_;
  std::atomic<int> token_calls_{0};
  loopback_server server_;
};

TEST_F(Boundary, AbsurdExpiriesFromECRAreClampedAndMalformedSTSIsNamed) {
  seeder s({dst->host()});
  s.image("seed/app", "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "ecr numbers"}}});
  for (const std::string at : {"0", "-1e300", "1e300", "1.5", "\"soon\""}) {
    careless_aws aws(at);
    auto r = cli({"copy", "-q", "--plain-http", "--registry-profile", dst->host() + "=ecr",
                  dst->host() + "/seed/app:v1", dst->host() + "/copied/app:v1"},
                 {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                  {"AWS_SECRET_ACCESS_KEY", "secret"},
                  {"AWS_REGION", "eu-west-1"},
                  {"AWS_ENDPOINT_URL_ECR", aws.url()},
                  {"DOCKER_CONFIG", dir + "/none"}});
    EXPECT_EQ(r.exit_code, 0) << at << ": " << r.err;
    EXPECT_EQ(aws.token_calls(), 1) << "expiresAt " << at << ": one password for the run, not one per request";
  }
  careless_aws sts("0");
  std::ofstream(dir + "/jwt") << "header.payload.signature";
  auto r = cli({"copy", "-q", "--plain-http", "--registry-profile", dst->host() + "=ecr", dst->host() + "/seed/app:v1",
                dst->host() + "/copied/app:v2"},
               {{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/mirror"},
                {"AWS_WEB_IDENTITY_TOKEN_FILE", dir + "/jwt"},
                {"AWS_REGION", "eu-west-1"},
                {"AWS_ENDPOINT_URL", sts.url()},
                {"DOCKER_CONFIG", dir + "/none"}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("STS AssumeRoleWithWebIdentity at " + sts.url() + " for role " +
                       "arn:aws:iam::123456789012:role/mirror answered HTTP 200 without credentials"),
            std::string::npos)
      << r.err;
}

TEST_F(Boundary, CredentialHelpersAreBoundedNamedAndChecked) {
  // Hung: killed at the timeout, named.
  const auto start = std::chrono::steady_clock::now();
  auto r = cli({"tags", "--plain-http", "--credential-helper-timeout", "2s", evil->host() + "/helper/app"},
               env_with_helper("sleepy"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
  EXPECT_NE(r.err.find("credential helper 'docker-credential-sleepy get' did not finish within 2 s"), std::string::npos)
      << r.err;
  // A flood of output: cut at 1 MiB, named.
  r = cli({"tags", "--plain-http", evil->host() + "/helper/app"}, env_with_helper("chatty"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("docker-credential-chatty get' printed more than 1024 KiB"), std::string::npos) << r.err;
  // A name docker would not run: never a path.
  r = cli({"tags", "--plain-http", evil->host() + "/helper/app"}, env_with_helper("../../bin/ok"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("is not one docker allows"), std::string::npos) << r.err;
  // A secret with CR LF: refused where it enters, the secret not shown.
  r = cli({"tags", "--plain-http", evil->host() + "/helper/app"}, env_with_helper("crlf"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("the Secret that credential helper 'docker-credential-crlf' answered holds a control"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(evil->saw_injected());
  // A sound one still works.
  r = cli({"tags", "--plain-http", evil->host() + "/helper/app"}, env_with_helper("ok"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "v1\n");
}

TEST_F(Boundary, AFIFOInALayoutOrAsAnArchiveIsRefusedAtOnce) {
  for (const std::string& ref : {"oci:" + dir + "/fifo-layout:v1", "oci-archive:" + dir + "/fifo.tar:v1"}) {
    const auto start = std::chrono::steady_clock::now();
    auto r = cli({"inspect", ref});
    EXPECT_NE(r.exit_code, 0) << ref;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s) << ref;
    EXPECT_NE(r.err.find("is not a regular file"), std::string::npos) << r.err;
  }
}

TEST_F(Boundary, LinksPlantedAtTemporaryNamesAreNeverWrittenThrough) {
  // The names the previous binary used, one per likely process id: /tmp/ocimirror-chart-PID (push --helm),
  // DIR.layer-PID and DIR.layer-PID.tar (pull), DIR.partial-PID (pull's extraction), CONFIG.tmp.PID (login).
  const std::string victim = dir + "/victim", out = dir + "/pulled";
  std::ofstream(victim) << "precious";
  fs::create_directories(dir + "/chart/web");
  std::ofstream(dir + "/chart/web/Chart.yaml") << "apiVersion: v2\nname: web\nversion: 0.1.0\n";
  ASSERT_EQ(run({"tar", "czf", dir + "/web.tgz", "-C", dir + "/chart", "web"}).exit_code, 0);
  std::vector<std::string> planted;
  const int near = ::getpid();
  for (int pid = near; pid < near + 400; ++pid) {
    const std::string p = std::to_string(pid);
    for (const std::string& at : {"/tmp/ocimirror-chart-" + p, out + ".layer-" + p, out + ".layer-" + p + ".tar",
                                  dir + "/docker-login/config.json.tmp." + p})
      planted.push_back(at);
  }
  fs::create_directories(dir + "/docker-login");
  for (const auto& at : planted) {
    std::error_code ec;
    fs::create_symlink(victim, at, ec);
  }
  auto r = cli({"push", "--plain-http", "--helm", dir + "/web.tgz", dst->host() + "/charts"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = cli({"pull", "--plain-http", dst->host() + "/charts/web:0.1.0", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out + "/web/Chart.yaml"));
  r = run({"bash", "-c",
           "printf 'pw\\n' | '" + ocimirror_bin() + "' login --plain-http -u someone --password-stdin " + dst->host()},
          {{"DOCKER_CONFIG", dir + "/docker-login"}});
  std::ifstream in(victim);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  EXPECT_EQ(text, "precious") << "a planted link was written through";
  for (const auto& at : planted) {
    std::error_code ec;
    fs::remove(at, ec);
  }
}

TEST_F(Boundary, TheDaemonAnswersHealthWhileAHelperHangsAndAFIFOPolicyRuns) {
  const std::string listen = "127.0.0.1:" + std::to_string(free_port());
  realm_registry other;  // without a credential helper: its realm is reached anonymously
  other.admin_realm("http://" + listen + "/v1/policies/fifo/run");
  const std::string cfg = dir + "/daemon.yaml";
  std::ofstream(cfg) << "state_dir: " << dir << "/state\ndaemon: {listen: \"" << listen << "\"}\nregistries:\n  "
                     << evil->host() << ": {tls: disabled}\n  " << other.host() << ": {tls: disabled}\n  "
                     << dst->host() << ": {tls: disabled}\npolicies:\n"
                     << "  - {name: helper, from: " << evil->host() << "/helper, to: " << dst->host()
                     << "/h, repositories: [app], schedule: {every: 1s}}\n"
                     << "  - {name: fifo, from: 'oci:" << dir << "/fifo-layout', to: " << dst->host()
                     << "/f, schedule: {every: 1s}}\n"
                     << "  - {name: admin, from: " << other.host() << "/admin, to: " << dst->host()
                     << "/a, repositories: [app], schedule: {every: 1s}}\n";
  auto env = env_with_helper("sleepy");
  std::vector<std::string> argv{"env",
                                "DOCKER_CONFIG=" + env["DOCKER_CONFIG"],
                                "PATH=" + env["PATH"],
                                ocimirror_bin(),
                                "daemon",
                                "--config",
                                cfg,
                                "--credential-helper-timeout",
                                "4s"};
  background d(argv, dir);
  ASSERT_TRUE(eventually(
      [&] {
        return run({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://" + listen + "/healthz"}).out ==
               "200";
      },
      10s))
      << d.err();
  // While the helper sleeps (4 s before it is killed) and the FIFO policy runs every second: every answer quick.
  double slowest = 0;
  for (int i = 0; i < 30; ++i) {
    auto h = run({"curl", "-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code} %{time_total}",
                  "http://" + listen + "/healthz"});
    ASSERT_EQ(h.out.substr(0, 3), "200") << h.out << d.err();
    slowest = std::max(slowest, std::stod(h.out.substr(4)));
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_LT(slowest, 0.1) << "seconds, the slowest /healthz while a helper hung";
  auto status = [&](const std::string& name) {
    auto s = run({"curl", "-s", "http://" + listen + "/v1/status"}).out;
    boost::system::error_code ec;
    auto doc = boost::json::parse(s, ec);
    if (ec) return std::string();
    for (const auto& p : doc.at("policies").as_array())
      if (p.at("name").as_string() == name) return boost::json::serialize(p);
    return std::string();
  };
  EXPECT_TRUE(eventually([&] { return status("helper").find("did not finish within 4 s") != std::string::npos; }, 20s))
      << status("helper");
  EXPECT_TRUE(eventually([&] { return status("fifo").find("not a regular file") != std::string::npos; }, 10s))
      << status("fifo");
  // Requests over the admin API's limits are told so, not reset.
  auto code = [&](std::vector<std::string> extra) {
    std::vector<std::string> a{"curl", "-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}"};
    a.insert(a.end(), extra.begin(), extra.end());
    return run(a).out;
  };
  EXPECT_EQ(code({"http://" + listen + "/healthz?" + std::string(20000, 'q')}), "414");
  EXPECT_EQ(code({"-H", "X-Pad: " + std::string(20000, 'p'), "http://" + listen + "/healthz"}), "431");
  // The realm named the daemon's own admin API: refused before a byte went there, so no run was started by it.
  EXPECT_TRUE(eventually([&] { return status("admin").find("own admin API") != std::string::npos; }, 10s))
      << status("admin");
}

}  // namespace
