// An operator's usual mistakes against real registries: each ends non-zero with one message that names the key to
// change, never green. A typo in `repositories:` (not found), a pattern that selects nothing (its own outcome, in
// sync, /v1/status and the metrics), one cause over many tags (one message with a count), TLS and plain HTTP mixed
// up both ways (named, with the config key when a config is in use), refusals of the configuration (exit 2).
#include "tests/integration/daemon_fixture.hpp"
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

using namespace ocimirror::testing;
using namespace ocimirror::testing::daemon_suite;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const image_spec small_image{.layers = {{gz, "operator layer"}}};

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class Operator : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline test_ca* ca = nullptr;
  static inline registry_fixture *src = nullptr, *dst = nullptr, *tls = nullptr, *basic = nullptr;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-operator");
    ca = new test_ca(test_ca::make(dir + "/ca"));
    src = new registry_fixture({});
    dst = new registry_fixture({});
    tls = new registry_fixture({.mode = registry_options::kind::tls, .ca = ca});
    basic = new registry_fixture(
        {.mode = registry_options::kind::htpasswd, .ca = ca, .htpasswd_user = "bob", .htpasswd_password = "builder"});
    seeder s({src->host()});
    for (int i = 0; i < 11; ++i) s.image("acme/app", "v1." + std::to_string(i) + ".0", small_image);
    s.image("acme/app", "nightly", small_image);
    seeder({.registry = tls->host(), .plain_http = false, .ca_file = ca->ca_cert}).image("acme/app", "v1", small_image);
  }
  static void TearDownTestSuite() {
    delete src, delete dst, delete tls, delete basic, delete ca;
    fs::remove_all(dir);
  }

  /// A configuration of one policy; `registries` are extra YAML lines under registries:.
  std::string config(const std::string& name, const std::string& policy, const std::string& registries = {}) const {
    const std::string path = dir + "/" + name + ".yaml";
    std::ofstream(path) << "state_dir: " << dir << "/state-" << name << "\nregistries:\n  " << src->host()
                        << ": {tls: disabled}\n  " << dst->host() << ": {tls: disabled}\n"
                        << registries << "policies:\n  - name: " << name << "\n"
                        << policy;
    return path;
  }
};

TEST_F(Operator, ATypoInRepositoriesIsNotFoundAndAPolicyThatSelectsNothingIsNotASuccess) {
  // `ap` for `app`: the registry says the repository does not exist; that is the run's failure, exit 3.
  auto typo =
      config("typo", "    from: " + src->host() + "/acme\n    to: " + dst->host() + "/m\n    repositories: [ap]\n");
  auto r = cli({"sync", "--config", typo, "-q"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("source repository " + src->host() +
                       "/acme/ap does not exist (named in `repositories:` of "
                       "policy typo, line 6)"),
            std::string::npos)
      << r.err;
  // A mistyped namespace under a pattern: the catalog has nothing there. Selected nothing: exit 3, said so.
  auto ns =
      config("ns", "    from: " + src->host() + "/acmee\n    to: " + dst->host() + "/m\n    repositories: ['*']\n");
  r = cli({"sync", "--config", ns, "-q", "-o", "json"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  const auto report = boost::json::parse(r.out).at("policies").at(0);
  EXPECT_EQ(report.at("outcome").as_string(), "empty");
  EXPECT_EQ(report.at("selectedTags").as_int64(), 0);
  EXPECT_NE(std::string(report.at("selectedNothing").as_string()).find("no repository matches"), std::string::npos);
  // Tag rules that leave nothing: the dry run says which rule dropped each tag, and the run is not green.
  auto rules = config("rules", "    from: " + src->host() + "/acme\n    to: " + dst->host() +
                                   "/m\n    repositories: [app]\n    tags: {semver: '>=3'}\n");
  auto dry = cli({"sync", "--config", rules, "--dry-run"});
  EXPECT_EQ(dry.exit_code, 3) << dry.err;
  EXPECT_NE(dry.out.find("left out   acme/app:nightly  (semver: not a semantic version"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("left out   acme/app:v1.0.0  (semver: outside the `semver` range)"), std::string::npos);
  EXPECT_NE(dry.out.find("12 left out by the tag rules"), std::string::npos) << dry.out;
  EXPECT_EQ(dry.out.find("kept (overwrite: never)"), std::string::npos) << "no `kept` under overwrite: changed";
  EXPECT_NE(
      dry.err.find("selected nothing at " + src->host() + "/acme: no tag of the 1 repository it lists passes `tags:`"),
      std::string::npos)
      << dry.err;
}

TEST_F(Operator, OneCauseOverManyTagsIsOneMessageWithACountAndTheHintOnce) {
  // No credentials for the destination: every tag fails the same way. One error, a count, three examples.
  auto cfg =
      config("creds", "    from: " + src->host() + "/acme\n    to: " + basic->host() + "/m\n    repositories: [app]\n",
             "  " + basic->host() + ": {ca_file: " + ca->ca_cert + "}\n");
  const std::map<std::string, std::string> env{{"DOCKER_CONFIG", make_temp_dir("ocimirror-nocreds")}};
  auto r = cli({"sync", "--config", cfg, "-q"}, env);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(count_of(r.err, "ocimirror: error: "), 1u) << r.err;
  EXPECT_NE(r.err.find("failed (unauthorized) at " + basic->host()), std::string::npos) << r.err;
  EXPECT_EQ(count_of(r.err, "ocimirror login " + basic->host()), 1u) << r.err;
  EXPECT_NE(r.err.find("more (every one: --output json"), std::string::npos) << r.err;
  auto js = cli({"sync", "--config", cfg, "-q", "-o", "json"}, env);
  EXPECT_GE(boost::json::parse(js.out).at("policies").at(0).at("failures").as_array().size(), 12u);
  // Under a systemd unit whose credentials are LoadCredential='s copy, `login` inside it would not last: the hint
  // names the file to write instead.
  auto unit_env = env;
  unit_env["CREDENTIALS_DIRECTORY"] = env.at("DOCKER_CONFIG");
  auto unit = cli({"sync", "--config", cfg, "-q"}, unit_env);
  EXPECT_NE(unit.err.find("LoadCredential="), std::string::npos) << unit.err;
  EXPECT_NE(unit.err.find("systemctl restart ocimirror"), std::string::npos) << unit.err;
}

TEST_F(Operator, TlsAndPlainHttpMixedUpAreNamedWithTheKeyToChange) {
  const std::string tls_host = tls->host(), plain_host = src->host();
  // A private CA, not trusted: the config key, not sync's refused flags; no catalog hint on a TLS failure.
  auto untrusted =
      config("untrusted", "    from: " + tls_host + "/acme\n    to: " + dst->host() + "/m\n    repositories: ['*']\n",
             "  " + tls_host + ": {}\n");
  auto r = cli({"sync", "--config", untrusted, "-q"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("trust its CA with `ca_file:` under registries.\"" + tls_host + "\""), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("--ca-file"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("--plain-http"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("without a catalog"), std::string::npos) << r.err;
  // tls: disabled against an HTTPS registry: its 400 is named for what it is.
  auto to_https =
      config("to-https", "    from: " + tls_host + "/acme\n    to: " + dst->host() + "/m\n    repositories: [app]\n",
             "  " + tls_host + ": {tls: disabled}\n");
  r = cli({"sync", "--config", to_https, "-q"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find(tls_host +
                       " serves HTTPS, but ocimirror spoke plain HTTP to it: remove `tls: disabled` under "
                       "registries.\"" +
                       tls_host + "\""),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("HTTP 400"), std::string::npos) << r.err;
  // The same with flags: whatever request comes first (a HEAD has no body to say it), the flag to drop is named.
  for (const char* command : {"copy", "inspect"}) {
    std::vector<std::string> args{command, "--plain-http", tls_host + "/acme/app:v1"};
    if (std::string(command) == "copy") args.push_back(dst->host() + "/copied/app:v1");
    r = cli(args);
    EXPECT_EQ(r.exit_code, 5) << command << ": " << r.err;
    EXPECT_NE(r.err.find(tls_host + " serves HTTPS, but ocimirror spoke plain HTTP to it: drop --plain-http"),
              std::string::npos)
        << command << ": " << r.err;
  }
  // TLS against a plain HTTP registry: named, with the key (sync) or the flag (copy).
  const std::string path = dir + "/to-plain.yaml";
  std::ofstream(path) << "state_dir: " << dir << "/state-to-plain\npolicies:\n  - name: p\n    from: " << plain_host
                      << "/acme\n    to: " << dst->host() << "/m\n    repositories: [app]\n";
  r = cli({"sync", "--config", path, "-q"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find(plain_host + " answers plain HTTP, not TLS: set `tls: disabled` under registries.\"" +
                       plain_host + "\""),
            std::string::npos)
      << r.err;
  r = cli({"inspect", plain_host + "/acme/app:nightly"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("use --plain-http-host " + plain_host), std::string::npos) << r.err;
}

TEST_F(Operator, RefusalsOfTheConfigurationExitTwoAndCheckSaysWhy) {
  // The daemon on a non-loopback address without a token: refused with 2, which stops systemd's restarts.
  auto ok = config("daemon", "    from: " + src->host() + "/acme\n    to: " + dst->host() + "/m\n");
  auto r = run({ocimirror_bin(), "daemon", "--config", ok, "--listen", "0.0.0.0:" + std::to_string(free_port())});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("refusing to serve the admin API"), std::string::npos) << r.err;
  // check -o json: each problem an object.
  const std::string bad = dir + "/bad.yaml";
  std::ofstream(bad) << "policies:\n  - name: x\n    from: a.io/x\n    to: b.io/y\n    prune: maybe\n";
  r = cli({"check", "--config", bad, "-o", "json"});
  EXPECT_EQ(r.exit_code, 2);
  const auto e = boost::json::parse(r.out).at("errors").at(0);
  EXPECT_EQ(e.at("file").as_string(), bad);
  EXPECT_EQ(e.at("line").as_int64(), 5);
  EXPECT_EQ(e.at("column").as_int64(), 12);
  EXPECT_EQ(e.at("key").as_string(), "policies[0].prune");
  EXPECT_EQ(e.at("message").as_string(), "must be true or false");
  // A state_dir that cannot be a directory fails check (as root, permissions would not say no).
  write_file(dir + "/a-file", "x");
  const std::string in_file = dir + "/in-file.yaml";
  std::ofstream(in_file) << "state_dir: " << dir
                         << "/a-file/state\npolicies:\n  - {name: x, from: a.io/x, to: b.io/y}\n";
  r = cli({"check", "--config", in_file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("state_dir: " + dir + "/a-file is not a directory"), std::string::npos) << r.err;
  // The unit's secrets from its environment file, as systemd reads it; without it, the variable is named.
  const std::string with_var = dir + "/var.yaml", env_file = dir + "/env";
  std::ofstream(with_var)
      << "state_dir: " << dir
      << "/state-var\nregistries:\n  b.io:\n    username: m\n    "
         "password: ${OPERATOR_TEST_PASSWORD}\npolicies:\n  - {name: x, from: a.io/x, to: b.io/y}\n";
  std::ofstream(env_file) << "# as /etc/ocimirror/env\nOPERATOR_TEST_PASSWORD=\"s3cret value\"\n";
  r = cli({"check", "--config", with_var});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("OPERATOR_TEST_PASSWORD"), std::string::npos) << r.err;
  r = cli({"check", "--config", with_var, "--env-file", env_file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ((r.out + r.err).find("s3cret"), std::string::npos);
  // A line of the environment file that is not KEY=VALUE: named by file and line, never echoed, as JSON too.
  std::ofstream(env_file) << "OPERATOR_TEST_PASSWORD=x\nMIIBsecret+part/of=key==\n";
  r = cli({"check", "--config", with_var, "--env-file", env_file, "-o", "json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ((r.out + r.err).find("MIIB"), std::string::npos) << r.out << r.err;
  const auto env_error = boost::json::parse(r.out).at("errors").at(0);
  EXPECT_EQ(env_error.at("file").as_string(), env_file);
  EXPECT_EQ(env_error.at("line").as_int64(), 2);
}

TEST_F(Operator, ConfigurationErgonomics) {
  auto check = [&](const std::string& name, const std::string& text, std::map<std::string, std::string> env = {}) {
    const std::string path = dir + "/" + name + ".yaml";
    std::ofstream(path) << text;
    return cli({"check", "--config", path, "-o", "json"}, env);
  };
  const std::string policy = "policies:\n  - name: x\n    from: a.io/x\n    to: b.io/y\n";
  // cron's shorthands and names.
  auto r = check("cron", "state_dir: " + dir + "/s\n" + policy + "    schedule: {cron: '@daily'}\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = check("names", "state_dir: " + dir + "/s\n" + policy + "    schedule: {cron: '30 2 * * mon-fri'}\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // ${VAR} unquoted in a flow mapping: say to quote it.
  r = check("flow", "state_dir: " + dir + "/s\nregistries:\n  b.io: {username: m, password: ${P}}\n" + policy);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must be quoted: \"${VAR}\""), std::string::npos) << r.err;
  // ~ is the home directory, not a folder named "~".
  r = check("home", "state_dir: ~/mirror-state\n" + policy, {{"HOME", dir + "/home"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(boost::json::parse(r.out).at("stateDir").as_string(), dir + "/home/mirror-state");
  // A glob where a regex goes: the regex it means.
  r = check("glob", "state_dir: " + dir + "/s\n" + policy + "    tags: {include: ['*-stable']}\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("for the glob '*-stable' write '^.*-stable$'"), std::string::npos) << r.err;
}

TEST_F(Operator, EveryShippedConfigurationPassesCheck) {
  // Each example and the unit's example config, with its variables from an environment file as the unit gives them.
  std::vector<std::string> files{std::string(OCIMIRROR_SOURCE_DIR) + "/systemd/config.example.yaml"};
  for (const auto& f : fs::directory_iterator(std::string(OCIMIRROR_SOURCE_DIR) + "/examples"))
    if (f.path().extension() == ".yaml") files.push_back(f.path().string());
  ASSERT_GE(files.size(), 6u);
  for (const auto& f : files) {
    const std::string text = slurp_file(f), env_file = dir + "/example.env";
    std::ofstream env(env_file);
    for (auto at = text.find("${"); at != std::string::npos; at = text.find("${", at + 2)) {
      const auto end = text.find('}', at);
      const std::string name = text.substr(at + 2, end - at - 2);
      if (name != "STATE_DIRECTORY") env << name << "=example-value-0123456789\n";
    }
    env.close();
    auto r = cli({"check", "--config", f, "--env-file", env_file, "--state-dir", dir + "/example-state"});
    EXPECT_EQ(r.exit_code, 0) << f << "\n" << r.err;
  }
}

TEST_F(Operator, TheDaemonReportsAPolicyThatSelectsNothingAsItsOwnOutcome) {
  const std::string d = make_temp_dir("ocimirror-operator-daemon"), listen = "127.0.0.1:" + std::to_string(free_port());
  std::ofstream(d + "/mirror.yaml") << "state_dir: " << d << "/state\ndaemon: {listen: \"" << listen
                                    << "\"}\nregistries:\n  " << src->host() << ": {tls: disabled}\n  " << dst->host()
                                    << ": {tls: disabled}\npolicies:\n  - name: typo\n    from: " << src->host()
                                    << "/acmee\n    to: " << dst->host()
                                    << "/m\n    schedule: {cron: '@daily', at_start: true}\n";
  background daemon({ocimirror_bin(), "daemon", "--config", d + "/mirror.yaml"}, d);
  ASSERT_TRUE(eventually(
      [&] {
        const auto st = policy_status(listen, "typo");
        return st.contains("lastRun") && !st.at("lastRun").is_null();
      },
      20s))
      << daemon.err();
  const auto st = policy_status(listen, "typo");
  EXPECT_EQ(st.at("lastRun").at("result").as_string(), "empty") << boost::json::serialize(st);
  const auto m = admin(listen, "GET", "/metrics").body;
  EXPECT_NE(m.find("ocimirror_policy_last_run_selected_tags{policy=\"typo\"} 0"), std::string::npos) << m;
  EXPECT_NE(m.find("ocimirror_policy_last_run_success{policy=\"typo\"} 0"), std::string::npos);
  EXPECT_NE(m.find("ocimirror_policy_runs_total{policy=\"typo\",result=\"empty\"} 1"), std::string::npos);
  EXPECT_NE(m.find("ocimirror_policy_schedule_period_seconds{policy=\"typo\"} 86400"), std::string::npos);
  EXPECT_EQ(m.find("ocimirror_config_last_reload_success_timestamp_seconds 0\n"), std::string::npos)
      << "the load at start is the configuration's time";
  fs::remove_all(d);
}

}  // namespace
