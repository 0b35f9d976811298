// kill -9 of the daemon at random moments, a dozen times, each followed by a restart: the destination converges to
// complete and consistent (every tag digest-identical, every blob whole, nothing for `sync --verify` to repair) and
// the cache agrees with it (`cache verify` finds nothing stale).
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/fleet.hpp"
#include "tests/support/registry_fixture.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <thread>

using namespace ocimirror::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

TEST(Crash, KillNineAtRandomMomentsThenRestartConverges) {
  registry_fixture src({}), dst({});
  const auto fleet = seed_fleet({.registry = src.host()}, 20);
  seeder s({src.host()});
  // One large layer pushed in chunks, so that some kills land in the middle of an upload.
  auto big = s.big_blob("fleet/big/app", "application/vnd.oci.image.layer.v1.tar", 24u << 20, 5);
  auto cfg = s.blob("fleet/big/app", "application/vnd.oci.image.config.v1+json", "{}");
  auto big_tag = s.manifest("fleet/big/app", "v1", seeder::image_json({}, cfg, {big}),
                            "application/vnd.oci.image.manifest.v1+json");
  // Each source request takes 20 ms longer, four at a time at most: a run lasts long enough for the kills to land
  // inside it (with the adaptive limit's default of 32 a warm run of this fleet is over in a few round trips).
  fault_proxy slow("127.0.0.1", src.port(), [](const fault_proxy::request&) -> std::optional<fault_proxy::response> {
    std::this_thread::sleep_for(20ms);
    return std::nullopt;
  });
  const std::string dir = make_temp_dir("ocimirror-crash"), config = dir + "/mirror.yaml";
  std::ofstream(config) << "state_dir: " << dir << "/state\ndaemon: {listen: \"127.0.0.1:0\"}\nregistries:\n  "
                        << slow.host() << ": {tls: disabled, max_concurrency: 4}\n  " << dst.host()
                        << ": {tls: disabled}\npolicies:\n"
                        << "  - name: fleet\n    from: " << slow.host() << "/fleet\n    to: " << dst.host()
                        << "/crash\n    repositories: ['**']\n    schedule: {every: 1s}\n";
  const std::vector<std::string> argv{ocimirror_bin(), "daemon",  "--config",         config,
                                      "--chunk-size",  "4194304", "--monolithic-max", "0"};

  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> delay_ms(150, 2500);
  int kills = 0, mid_run = 0;
  for (; kills < 12; ++kills) {
    background d(argv, dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    const auto log = d.err();
    // A run had started and not finished: the kill cut it.
    if (log.rfind("policy run started") != std::string::npos &&
        (log.rfind("policy run success") == std::string::npos ||
         log.rfind("policy run success") < log.rfind("policy run started")))
      ++mid_run;
    d.signal(SIGKILL);
    EXPECT_EQ(d.wait(5s), 128 + SIGKILL);
  }
  {
    background d(argv, dir);
    ASSERT_TRUE(d.wait_for_err("policy run success", 60s)) << d.err();
    d.signal(SIGTERM);
    EXPECT_EQ(d.wait(15s), 0);
  }
  std::cout << "[crash] " << kills << " kill -9, " << mid_run << " of them inside a run\n";
  EXPECT_GE(mid_run, 3) << "too few kills landed inside a run to mean anything";

  std::size_t checked = 0;
  for (const auto& t : fleet) {
    EXPECT_EQ(skopeo_digest(dst.host() + "/crash" + t.repo.substr(5) + ":" + t.tag), t.digest)
        << t.repo << ":" << t.tag;
    ++checked;
  }
  EXPECT_EQ(skopeo_digest(dst.host() + "/crash/big/app:v1"), big_tag.digest);
  EXPECT_EQ(checked, 40u);
  // Consistent: nothing missing below any tag, and the cache agrees with the destination.
  auto verify = cli({"sync", "--config", config, "-q", "-o", "json", "--verify"});
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  const auto report = json::parse(verify.out);
  EXPECT_EQ(report.at("policies").at(0).at("tags").at("repaired").as_int64(), 0) << verify.out;
  EXPECT_EQ(report.at("policies").at(0).at("tags").at("copied").as_int64(), 0) << verify.out;
  auto cache = cli({"cache", "verify", "--config", config});
  EXPECT_EQ(cache.exit_code, 0) << cache.out << cache.err;
  fs::remove_all(dir);
}

}  // namespace
