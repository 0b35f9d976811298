// `ocimirror daemon` as a process on real registries: a 1-second policy mirrors a tag pushed while it runs and
// /metrics, /v1/status and the JSON log say so; a manual trigger starts a run and a second one gets 409; a bad
// reload keeps the old configuration and a good one applies; SIGTERM in the middle of a 40 MiB chunked upload
// exits 0 within the drain deadline and the next start completes it, digest-exact.
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

using namespace ocimirror::testing;
using namespace std::chrono_literals;
namespace json = boost::json;
namespace http = boost::beast::http;

namespace {

const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
const std::string token = "test-token-0123456789";

struct reply {
  int code = 0;
  std::string body;
};

/// The admin API through curl, an independent client.
reply admin(const std::string& listen, const std::string& method, const std::string& path,
            const std::string& bearer = {}) {
  std::vector<std::string> argv{"curl", "-s", "-X", method, "-w", "\n%{http_code}", "http://" + listen + path};
  if (!bearer.empty()) argv.insert(argv.begin() + 1, {"-H", "Authorization: Bearer " + bearer});
  auto r = run(argv);
  const auto nl = r.out.rfind('\n');
  if (nl == std::string::npos) return {};
  return {std::atoi(r.out.c_str() + nl + 1), r.out.substr(0, nl)};
}

json::object policy_status(const std::string& listen, const std::string& name) {
  auto s = admin(listen, "GET", "/v1/status");
  if (s.code != 200) return {};
  const auto doc = json::parse(s.body);  // named: a range-for over a temporary's member would dangle
  for (const auto& p : doc.at("policies").as_array())
    if (p.at("name").as_string() == name) return p.as_object();
  return {};
}

class Daemon : public ::testing::Test {
 protected:
  static inline registry_fixture* src = nullptr;
  static inline registry_fixture* dst = nullptr;
  static inline std::unique_ptr<seeder> seed;
  static inline std::unique_ptr<fault_proxy> proxy;
  static inline std::atomic<bool> hold_manifests{false}, hold_patches{false};
  static inline std::atomic<int> patches{0};
  static inline pushed big_layer;

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    seed = std::make_unique<seeder>(seed_target{src->host()});
    seed->image("acme/fast/app", "v1", image_spec{.layers = {{gz, "fast v1"}}});
    seed->image("acme/slow/app", "v1", image_spec{.layers = {{gz, "slow v1"}}});
    big_layer = seed->big_blob("acme/big/app", gz, 40u << 20, 23);
    auto cfg = seed->blob("acme/big/app", "application/vnd.oci.image.config.v1+json", "{}");
    seed->manifest("acme/big/app", "v1", seeder::image_json({}, cfg, {big_layer}),
                   "application/vnd.oci.image.manifest.v1+json");
    // In front of the destination: holds manifest PUTs of the `slow` policy, and PATCHes after the second.
    const std::string dst_port = dst->port();
    proxy = std::make_unique<fault_proxy>(
        "127.0.0.1", dst_port, [](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
          const std::string target(req.target());
          bool hold = false;
          if (req.method() == http::verb::put && target.find("/mirror-slow/") != std::string::npos &&
              target.find("/manifests/") != std::string::npos)
            hold = hold_manifests;
          if (req.method() == http::verb::patch) hold = ++patches > 2 && hold_patches;
          if (!hold) return std::nullopt;
          for (int i = 0; i < 600 && (hold_manifests || hold_patches); ++i) std::this_thread::sleep_for(50ms);
          fault_proxy::response res{http::status::service_unavailable, 11};
          res.prepare_payload();
          return res;
        });
  }
  static void TearDownTestSuite() {
    hold_manifests = hold_patches = false;
    proxy.reset();
    seed.reset();
    delete src;
    delete dst;
  }

  std::string dir, config, listen;
  void SetUp() override {
    dir = make_temp_dir("ocimirror-daemon");
    config = dir + "/mirror.yaml";
    listen = "127.0.0.1:" + std::to_string(free_port());
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  /// The configuration file with these policies (YAML list items, already indented).
  void write_config(const std::string& policies, const std::string& drain = "30s") const {
    std::ofstream(config) << "state_dir: " << dir << "/state\ndaemon: {listen: \"" << listen << "\", token: \"" << token
                          << "\", drain_timeout: " << drain << "}\nregistries:\n  " << src->host()
                          << ": {tls: disabled}\n  " << dst->host() << ": {tls: disabled}\n  " << proxy->host()
                          << ": {tls: disabled}\npolicies:\n"
                          << policies;
  }
  std::string policy(const std::string& name, const std::string& to, const std::string& schedule) const {
    return "  - name: " + name + "\n    from: " + src->host() + "/acme/" + name + "\n    to: " + to + "\n" + schedule;
  }
  std::unique_ptr<background> start(std::vector<std::string> extra = {}) const {
    std::vector<std::string> argv{ocimirror_bin(), "daemon", "--config", config, "--log-format", "json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto d = std::make_unique<background>(argv, dir);
    EXPECT_TRUE(eventually([&] { return admin(listen, "GET", "/readyz").code == 200; }, 10s)) << d->err();
    return d;
  }
};

TEST_F(Daemon, OneSecondPolicyMirrorsANewTagAndMetricsStatusAndLogsSaySo) {
  write_config(policy("fast", dst->host() + "/mirror-fast", "    repositories: [app]\n    schedule: {every: 1s}\n"));
  auto d = start();
  EXPECT_TRUE(eventually([&] { return !skopeo_digest(dst->host() + "/mirror-fast/app:v1").empty(); }, 15s)) << d->err();
  seed->image("acme/fast/app", "v2", image_spec{.layers = {{gz, "fast v2"}}});
  const auto want = skopeo_digest(src->host() + "/acme/fast/app:v2");
  EXPECT_TRUE(eventually([&] { return skopeo_digest(dst->host() + "/mirror-fast/app:v2") == want; }, 15s)) << d->err();

  EXPECT_TRUE(eventually(
      [&] {
        auto st = policy_status(listen, "fast");
        return st.contains("lastRun") && st.at("lastRun").is_object() &&
               st.at("lastRun").at("tags").at("unchanged").to_number<int>() == 2;  // the run after v2 was copied
      },
      10s));
  auto st = policy_status(listen, "fast");
  EXPECT_EQ(st.at("schedule").as_string(), "every 1s");
  EXPECT_EQ(st.at("lastRun").at("result").as_string(), "success");
  EXPECT_EQ(st.at("lastRun").at("tags").at("cacheHits").to_number<int>(), 2);
  EXPECT_TRUE(st.at("lastSuccess").is_string());
  EXPECT_TRUE(st.at("nextRun").is_string());

  auto m = admin(listen, "GET", "/metrics");
  EXPECT_EQ(m.code, 200);
  for (const char* needle :
       {"ocimirror_policy_runs_total{policy=\"fast\",result=\"success\"}",
        "ocimirror_policy_last_success_timestamp_seconds{policy=\"fast\"}",
        "ocimirror_policy_run_duration_seconds_count{policy=\"fast\"}", "ocimirror_blobs_total{result=\"copied\"}",
        "ocimirror_cache_hits_total", "ocimirror_inflight_transfers 0"})
    EXPECT_NE(m.body.find(needle), std::string::npos) << needle;
  EXPECT_NE(m.body.find("ocimirror_registry_requests_total{code=\"201\",registry=\"" + dst->host() + "\"}"),
            std::string::npos);
  EXPECT_EQ(m.body.find("app:v2"), std::string::npos) << "no tags as labels";

  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(10s), 0);
  // JSON lines only, one summary per run, and the token never in them.
  const auto log = d->err();
  EXPECT_EQ(log.find(token), std::string::npos);
  std::istringstream lines(log);
  int summaries = 0;
  for (std::string line; std::getline(lines, line);) {
    auto v = json::parse(line).as_object();  // throws (fails the test) on a line that is not JSON
    if (v.at("msg").as_string().starts_with("policy run success")) {
      ++summaries;
      EXPECT_EQ(v.at("policy").as_string(), "fast");
      EXPECT_TRUE(v.contains("copied") && v.contains("seconds") && v.contains("bytes"));
    }
  }
  EXPECT_GE(summaries, 2);
}

TEST_F(Daemon, ManualTriggerRunsOnceAndASecondWhileRunningGets409) {
  write_config(policy("slow", proxy->host() + "/mirror-slow", "    repositories: [app]\n"));
  auto d = start();
  EXPECT_EQ(policy_status(listen, "slow").at("nextRun"), nullptr) << "no schedule: manual only";
  EXPECT_EQ(admin(listen, "POST", "/v1/policies/slow/run").code, 401);
  EXPECT_EQ(admin(listen, "POST", "/v1/policies/slow/run", "wrong-token-0123456789").code, 403);
  hold_manifests = true;
  auto first = admin(listen, "POST", "/v1/policies/slow/run", token);
  EXPECT_EQ(first.code, 202) << first.body;
  auto second = admin(listen, "POST", "/v1/policies/slow/run", token);
  EXPECT_EQ(second.code, 409) << second.body;
  EXPECT_EQ(admin(listen, "POST", "/v1/policies/nope/run", token).code, 404);
  EXPECT_TRUE(policy_status(listen, "slow").at("running").as_bool());
  hold_manifests = false;
  EXPECT_TRUE(eventually([&] { return !policy_status(listen, "slow").at("running").as_bool(); }, 20s)) << d->err();
  auto st = policy_status(listen, "slow");
  EXPECT_EQ(st.at("lastRun").at("trigger").as_string(), "manual");
  EXPECT_EQ(st.at("lastRun").at("result").as_string(), "success") << d->err();
  EXPECT_EQ(skopeo_digest(proxy->host() + "/mirror-slow/app:v1"), skopeo_digest(src->host() + "/acme/slow/app:v1"));
  d->signal(SIGINT);
  EXPECT_EQ(d->wait(10s), 0);
}

TEST_F(Daemon, BadReloadKeepsTheOldConfigurationAndAGoodOneApplies) {
  const auto fast = policy("fast", dst->host() + "/reload-fast", "    repositories: [app]\n");
  write_config(fast);
  auto d = start();
  std::ofstream(config) << "policies:\n  - name: [broken\n";
  d->signal(SIGHUP);
  EXPECT_TRUE(d->wait_for_err("configuration rejected", 5s)) << d->err();
  EXPECT_NE(d->err().find("mirror.yaml:3:1: YAML syntax"), std::string::npos) << "the problem with its place";
  EXPECT_EQ(admin(listen, "GET", "/healthz").code, 200);
  EXPECT_EQ(policy_status(listen, "fast").at("name").as_string(), "fast");
  EXPECT_EQ(admin(listen, "POST", "/v1/policies/fast/run", token).code, 202) << "the old configuration still runs";

  write_config(fast +
               policy("slow", dst->host() + "/reload-slow", "    repositories: [app]\n    schedule: {every: 1h}\n"));
  d->signal(SIGHUP);
  EXPECT_TRUE(d->wait_for_err("configuration reloaded", 5s)) << d->err();
  auto added = policy_status(listen, "slow");
  ASSERT_FALSE(added.empty());
  EXPECT_EQ(added.at("schedule").as_string(), "every 1h");
  const auto m = admin(listen, "GET", "/metrics").body;
  EXPECT_NE(m.find("ocimirror_config_reloads_total{result=\"failure\"} 1"), std::string::npos) << m;
  EXPECT_NE(m.find("ocimirror_config_reloads_total{result=\"success\"} 1"), std::string::npos) << m;
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait(10s), 0);
}

TEST_F(Daemon, SigtermMidTransferExitsWithinTheDeadlineAndTheNextStartCompletesIt) {
  write_config(policy("big", proxy->host() + "/mirror-big",
                      "    repositories: [app]\n    schedule: {every: 1h, at_start: true}\n"),
               "2s");
  const std::vector<std::string> chunks{"--chunk-size", std::to_string(8u << 20), "--monolithic-max",
                                        std::to_string(4u << 20)};
  patches = 0;
  hold_patches = true;
  auto d = start(chunks);
  ASSERT_TRUE(eventually([] { return patches.load() >= 3; }, 20s)) << d->err();  // two chunks in, the third held
  const auto t0 = std::chrono::steady_clock::now();
  d->signal(SIGTERM);
  const auto code = d->wait(10s);
  const auto took = std::chrono::steady_clock::now() - t0;
  hold_patches = false;
  EXPECT_EQ(code, 0) << d->err();
  EXPECT_LT(took, 5s) << "the drain deadline is 2 s";
  EXPECT_NE(d->err().find("drain deadline passed"), std::string::npos) << d->err();
  // Cancelled and unwound, the loop ended on its own: not the last resort that ends a process whose loop hangs.
  EXPECT_NE(d->err().find("cancelling transfers in flight"), std::string::npos) << d->err();
  EXPECT_EQ(d->err().find("did not wind down"), std::string::npos) << d->err();
  EXPECT_TRUE(skopeo_digest(proxy->host() + "/mirror-big/app:v1").empty())
      << "nothing tagged before its blobs are whole";

  // No at_start now, and the next hourly run is far off: the interrupted run is resumed at once all the same.
  write_config(policy("big", proxy->host() + "/mirror-big", "    repositories: [app]\n    schedule: {every: 1h}\n"),
               "2s");
  auto again = start(chunks);
  EXPECT_TRUE(eventually(
      [&] {
        auto st = policy_status(listen, "big");
        return st.contains("lastRun") && st.at("lastRun").is_object() &&
               st.at("lastRun").at("trigger").as_string() == "resume" && !st.at("running").as_bool();
      },
      30s))
      << again->err();
  auto last = policy_status(listen, "big").at("lastRun");
  EXPECT_EQ(last.at("result").as_string(), "success") << again->err();
  EXPECT_LT(last.at("bytes").to_number<std::uint64_t>(), big_layer.size - (8u << 20))
      << "what the registry held is not sent again";
  EXPECT_EQ(skopeo_digest(proxy->host() + "/mirror-big/app:v1"), skopeo_digest(src->host() + "/acme/big/app:v1"));
  EXPECT_TRUE(storage_has_blob(dst->storage(), big_layer.digest));
  again->signal(SIGTERM);
  EXPECT_EQ(again->wait(10s), 0);
}

/// Collects what the daemon sends to $NOTIFY_SOCKET, as systemd would.
class notify_socket {
 public:
  explicit notify_socket(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path_.c_str(), path_.size() + 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
  }
  ~notify_socket() { ::close(fd_); }
  /// Every message received so far, joined by '|'.
  const std::string& seen() {
    char buf[512];
    for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT)) > 0;)
      seen_ += std::string(buf, static_cast<std::size_t>(n)) + "|";
    return seen_;
  }
  bool saw(const std::string& what) {
    return eventually([&] { return seen().find(what) != std::string::npos; }, 5s);
  }

 private:
  std::string path_, seen_;
  int fd_ = -1;
};

TEST_F(Daemon, SpeaksTheSystemdNotifyProtocol) {
  write_config(policy("fast", dst->host() + "/notify-fast", "    repositories: [app]\n"));
  notify_socket systemd(dir + "/notify");
  // As systemd starts a Type=notify service with WatchdogSec=: the socket and the watchdog period in the environment.
  background d({"env", "NOTIFY_SOCKET=" + dir + "/notify", "WATCHDOG_USEC=400000", ocimirror_bin(), "daemon",
                "--config", config},
               dir);
  EXPECT_TRUE(systemd.saw("READY=1")) << d.err();
  EXPECT_TRUE(systemd.saw("WATCHDOG=1|WATCHDOG=1|")) << "every 200 ms: " << systemd.seen();
  d.signal(SIGHUP);
  EXPECT_TRUE(systemd.saw("RELOADING=1|")) << systemd.seen();
  const auto after_reload = systemd.seen().find("RELOADING=1|");
  EXPECT_TRUE(eventually([&] { return systemd.seen().find("READY=1", after_reload) != std::string::npos; }, 5s));
  d.signal(SIGTERM);
  EXPECT_EQ(d.wait(10s), 0);
  EXPECT_NE(systemd.seen().find("STOPPING=1|"), std::string::npos) << systemd.seen();
}

}  // namespace
