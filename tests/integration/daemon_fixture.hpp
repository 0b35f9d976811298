#pragma once
// The fixture of the daemon suites: a source with three policies' worth of images (one with a 40 MiB layer), a
// destination behind a proxy that can hold manifest PUTs and PATCHes, the admin API through curl, and a daemon
// started on a free port with a configuration written per test.
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

namespace ocimirror::testing::daemon_suite {
using namespace std::chrono_literals;
namespace json = boost::json;
namespace http = boost::beast::http;

inline const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
inline const std::string token = "test-token-0123456789";

struct reply {
  int code = 0;
  std::string body;
};

/// The admin API through curl, an independent client.
inline reply admin(const std::string& listen, const std::string& method, const std::string& path,
                   const std::string& bearer = {}) {
  std::vector<std::string> argv{"curl", "-s", "-X", method, "-w", "\n%{http_code}", "http://" + listen + path};
  if (!bearer.empty()) argv.insert(argv.begin() + 1, {"-H", "Authorization: Bearer " + bearer});
  auto r = run(argv);
  const auto nl = r.out.rfind('\n');
  if (nl == std::string::npos) return {};
  return {std::atoi(r.out.c_str() + nl + 1), r.out.substr(0, nl)};
}

inline json::object policy_status(const std::string& listen, const std::string& name) {
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

}  // namespace ocimirror::testing::daemon_suite
