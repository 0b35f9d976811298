#include "daemon/service/run_record.hpp"
#include "daemon/service/log.hpp"
#include "daemon/service/metrics.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

using namespace ocimirror;
using namespace ocimirror::daemon;

namespace {
policy_report sample() {
  policy_report r;
  r.name = "nightly";
  r.copied = 2;
  r.seconds = 1.23456;
  policy::plan_item a, b, c;
  a.what = policy::action::copy;
  b.what = c.what = policy::action::unchanged;
  c.cached = true;
  r.plan = {a, b, c};
  r.blobs.blobs_copied = 5;
  r.blobs.bytes_copied = 1000;
  r.failures.push_back({"src:a -> dst:a", "registry dst: 500"});
  return r;
}
}  // namespace

TEST(RunRecord, SummaryOfAReportAndItsJsonRoundTrip) {
  const auto start = *parse_rfc3339("2026-11-23T10:00:00Z");
  auto rec = record_of(sample(), start, start + std::chrono::seconds(2), "manual");
  EXPECT_EQ(rec.result, "failure");
  EXPECT_EQ(rec.unchanged, 2u);
  EXPECT_EQ(rec.cache_hits, 1u);
  EXPECT_EQ(rec.error, "src:a -> dst:a: registry dst: 500");
  EXPECT_DOUBLE_EQ(rec.seconds, 1.235);
  auto back = run_record_from(to_json(rec));
  ASSERT_TRUE(back);
  EXPECT_EQ(rfc3339(back->end), "2026-11-23T10:00:02Z");
  EXPECT_EQ(back->copied, 2u);
  EXPECT_EQ(back->blobs_copied, 5u);
  EXPECT_EQ(back->bytes, 1000u);
  EXPECT_EQ(back->trigger, "manual");
  EXPECT_FALSE(parse_rfc3339("2026-11-23T10:00:00"));
  EXPECT_FALSE(parse_rfc3339("2026-11-23T10:00:00Z junk"));
}

TEST(RunRecord, StatusFileSurvivesAndDamageIsForgotten) {
  const auto dir = std::filesystem::temp_directory_path() / ("ocimirror-status-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  remembered_map m;
  m["a"].last_success = parse_rfc3339("2026-11-23T09:00:00Z");
  m["a"].last = record_of(sample(), *m["a"].last_success, *m["a"].last_success, "schedule");
  ASSERT_TRUE(write_status_file(dir.string(), m));
  auto back = read_status_file(dir.string());
  ASSERT_EQ(back.count("a"), 1u);
  EXPECT_EQ(rfc3339(*back["a"].last_success), "2026-11-23T09:00:00Z");
  EXPECT_EQ(back["a"].last->result, "failure");
  EXPECT_FALSE(std::filesystem::exists(dir / "daemon-status.json.tmp"));
  std::ofstream(dir / "daemon-status.json") << "{not json";
  EXPECT_TRUE(read_status_file(dir.string()).empty());
  std::filesystem::remove_all(dir);
}

TEST(Log, TextIsKeyValueAndJsonIsOneObject) {
  boost::json::object f{{"policy", "nightly"}, {"copied", 3}, {"error", "two words"}, {"seconds", 1.5}};
  EXPECT_EQ(log::render(log::format::text, "info", "run done", f),
            "run done policy=nightly copied=3 error=\"two words\" seconds=1.500");
  auto v = boost::json::parse(log::render(log::format::json, "warn", "run \"done\"\n", f)).as_object();
  EXPECT_EQ(v["level"], "warn");
  EXPECT_EQ(v["msg"], "run \"done\"\n");
  EXPECT_EQ(v["policy"], "nightly");
  EXPECT_TRUE(v.contains("time"));
}

TEST(Metrics, NamesTheIssueAsksForWithSmallLabelSets) {
  metrics m("1.2.3", "abc123");
  m.response("ghcr.io", {"GET", 200, 0.02});
  m.response("ghcr.io", {"GET", 429, 0.3});
  m.run_finished(sample(), 1, 1795400000);
  m.set_inflight(3);
  const auto text = m.text();
  for (const char* name :
       {"ocimirror_blob_bytes_total{policy=\"nightly\"} 1000",
        "ocimirror_blobs_total{policy=\"nightly\",result=\"copied\"} 5",
        "ocimirror_blobs_total{policy=\"nightly\",result=\"failed\"} 1",
        "ocimirror_manifests_total{policy=\"nightly\",result=\"failed\"} 1",
        "ocimirror_policy_runs_total{policy=\"nightly\",result=\"failure\"} 1",
        "ocimirror_policy_run_duration_seconds_bucket{policy=\"nightly\",le=\"5\"} 1",
        "ocimirror_registry_requests_total{code=\"429\",registry=\"ghcr.io\"} 1",
        "ocimirror_registry_request_duration_seconds_bucket{method=\"GET\",registry=\"ghcr.io\",le=\"0.025\"} 1",
        "ocimirror_registry_request_duration_seconds_count{method=\"GET\",registry=\"ghcr.io\"} 2",
        "ocimirror_registry_throttled_total{registry=\"ghcr.io\"} 1", "ocimirror_inflight_transfers 3",
        "ocimirror_cache_hits_total 1", "ocimirror_policy_last_run_success{policy=\"nightly\"} 0",
        "ocimirror_policy_last_run_timestamp_seconds{policy=\"nightly\"} 1795400000",
        "ocimirror_build_info{commit=\"abc123\",version=\"1.2.3\"} 1", "ocimirror_config_last_reload_successful 1",
        "process_resident_memory_bytes ", "process_cpu_seconds_total "})
    EXPECT_NE(text.find(name), std::string::npos) << name << "\n" << text;
  // A failed run sets no success time.
  EXPECT_EQ(text.find("ocimirror_policy_last_success_timestamp_seconds{"), std::string::npos);
}

TEST(Metrics, EveryPolicySeriesExistsFromTheStartAndARemovedPolicyLosesItsGauges) {
  metrics m("1.2.3", "abc123");
  m.policies({"nightly", "hourly"});
  auto text = m.text();
  for (const char* name : {"ocimirror_policy_last_success_timestamp_seconds{policy=\"hourly\"} 0",
                           "ocimirror_policy_last_run_success{policy=\"hourly\"} 0",
                           "ocimirror_policy_next_run_timestamp_seconds{policy=\"hourly\"} 0",
                           "ocimirror_policy_runs_total{policy=\"hourly\",result=\"success\"} 0",
                           "ocimirror_blobs_total{policy=\"hourly\",result=\"mounted\"} 0",
                           "ocimirror_policy_run_duration_seconds_count{policy=\"hourly\"} 0"})
    EXPECT_NE(text.find(name), std::string::npos) << name << "\n" << text;
  m.set_next_run("nightly", 1795400000);
  m.reload(false, 1795400001);
  text = m.text();
  EXPECT_NE(text.find("ocimirror_policy_next_run_timestamp_seconds{policy=\"nightly\"} 1795400000"), std::string::npos);
  EXPECT_NE(text.find("ocimirror_config_last_reload_successful 0"), std::string::npos);
  m.policies({"nightly"});
  m.reload(true, 1795400002);
  text = m.text();
  EXPECT_EQ(text.find("ocimirror_policy_last_success_timestamp_seconds{policy=\"hourly\"}"), std::string::npos)
      << "a removed policy would look stale to an alert for ever";
  EXPECT_NE(text.find("ocimirror_policy_last_success_timestamp_seconds{policy=\"nightly\"} 0"), std::string::npos);
  EXPECT_NE(text.find("ocimirror_config_last_reload_successful 1"), std::string::npos);
  EXPECT_NE(text.find("ocimirror_config_last_reload_success_timestamp_seconds 1795400002"), std::string::npos);
}
