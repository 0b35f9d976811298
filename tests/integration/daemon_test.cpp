// `ocimirror daemon` as a process on real registries: a 1-second policy mirrors a tag pushed while it runs and
// /metrics, /v1/status and the JSON log say so; a manual trigger starts a run and a second one gets 409; a bad
// reload keeps the old configuration and a good one applies; SIGTERM in the middle of a 40 MiB chunked upload
// exits 0 within the drain deadline and the next start completes it, digest-exact.
#include "tests/integration/daemon_fixture.hpp"

#include <csignal>
#include <regex>
#include <sstream>

using namespace ocimirror::testing;
using namespace ocimirror::testing::daemon_suite;

namespace {

/// `promtool check metrics` finds nothing to say, and every metric the shipped dashboard and alert rules name is
/// in this scrape (tests/metric_names_check.py).
void expect_clean_metrics(const std::string& body) {
  const auto dir = make_temp_dir("ocimirror-scrape");
  const auto file = dir + "/metrics.txt";
  std::ofstream(file) << body;
  auto lint = run({"bash", "-c", "promtool check metrics < " + file});
  EXPECT_EQ(lint.exit_code, 0) << lint.out << lint.err;
  EXPECT_EQ(lint.out + lint.err, "") << "promtool check metrics";
  const std::string src = OCIMIRROR_SOURCE_DIR;
  auto names = run({"python3", src + "/tests/metric_names_check.py", file, src + "/deploy/grafana/ocimirror.json",
                    src + "/deploy/prometheus/alerts.yaml"});
  EXPECT_EQ(names.exit_code, 0) << names.out << names.err;
  std::filesystem::remove_all(dir);
}

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
  for (const char* needle : {"ocimirror_policy_runs_total{policy=\"fast\",result=\"success\"}",
                             "ocimirror_policy_last_success_timestamp_seconds{policy=\"fast\"}",
                             "ocimirror_policy_run_duration_seconds_count{policy=\"fast\"}",
                             "ocimirror_blobs_total{policy=\"fast\",result=\"copied\"}", "ocimirror_cache_hits_total",
                             "ocimirror_inflight_transfers 0"})
    EXPECT_NE(m.body.find(needle), std::string::npos) << needle;
  EXPECT_NE(m.body.find("ocimirror_registry_requests_total{code=\"201\",registry=\"" + dst->host() + "\"}"),
            std::string::npos);
  EXPECT_NE(m.body.find("ocimirror_registry_concurrency_limit{registry=\"" + dst->host() + "\"}"), std::string::npos)
      << "the adaptive limit the runs found";
  for (const std::string& needle : std::vector<std::string>{
           "ocimirror_build_info{commit=\"", "ocimirror_policy_last_run_success{policy=\"fast\"} 1",
           "ocimirror_policy_next_run_timestamp_seconds{policy=\"fast\"}",
           "ocimirror_blob_bytes_total{policy=\"fast\"}",
           "ocimirror_registry_request_duration_seconds_bucket{method=\"PUT\",registry=\"" + dst->host() +
               "\",le=\"30\"}",
           "ocimirror_config_last_reload_successful 1", "process_resident_memory_bytes ", "process_open_fds ",
           "process_start_time_seconds "})
    EXPECT_NE(m.body.find(needle), std::string::npos) << needle;
  expect_clean_metrics(m.body);
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

// Under systemd, stderr is the journal ($JOURNAL_STREAM names it): each line starts with its syslog priority and
// carries no time of its own (journald stamps it). Here stderr is a file whose device and inode the variable names.
TEST_F(Daemon, OnTheJournalLinesCarryAPriorityAndNoTimestamp) {
  write_config(policy("fast", dst->host() + "/journal-fast", "    repositories: [app]\n"));
  const auto log = dir + "/journal.log";
  auto r = run({"bash", "-c",
                "exec 2>\"$0\"; export JOURNAL_STREAM=$(stat -c %d:%i \"$0\"); exec timeout --preserve-status -s TERM "
                "2 \"$1\" daemon "
                "--config \"$2\" --listen \"$3\"",
                log, ocimirror_bin(), config, listen});
  EXPECT_EQ(r.exit_code, 0) << r.err << slurp_file(log);
  const auto text = slurp_file(log);
  ASSERT_FALSE(text.empty());
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(line.starts_with("<6>info  ") || line.starts_with("<4>warn  ") || line.starts_with("<3>error "))
        << line;
    EXPECT_FALSE(std::regex_search(line, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d)"))) << "a timestamp: " << line;
  }
  EXPECT_NE(text.find("<6>info  "), std::string::npos) << text;
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
  EXPECT_NE(admin(listen, "GET", "/metrics").body.find("ocimirror_config_last_reload_successful 0"), std::string::npos);
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
  EXPECT_NE(m.find("ocimirror_config_last_reload_successful 1"), std::string::npos) << m;
  // The policy the reload added has every series before its first run: an alert sees it never succeeded.
  for (const char* needle : {"ocimirror_policy_last_success_timestamp_seconds{policy=\"slow\"} 0",
                             "ocimirror_policy_last_run_success{policy=\"slow\"} 0",
                             "ocimirror_policy_runs_total{policy=\"slow\",result=\"failure\"} 0",
                             "ocimirror_blobs_total{policy=\"slow\",result=\"copied\"} 0"})
    EXPECT_NE(m.find(needle), std::string::npos) << needle;
  EXPECT_EQ(m.find("ocimirror_policy_next_run_timestamp_seconds{policy=\"slow\"} 0"), std::string::npos)
      << "scheduled in an hour";
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

}  // namespace
