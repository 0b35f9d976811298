#include "daemon/service/scheduling.hpp"

#include <gtest/gtest.h>

using namespace ocimirror;
using namespace std::chrono;

namespace {
policy::wall_time at(int h, int mi, int s = 0) {
  return sys_days(year{2026} / 11 / 23) + hours(h) + minutes(mi) + seconds(s);
}
config::policy_config every(seconds e) {
  config::policy_config p;
  p.name = "p";
  p.every = e;
  return p;
}
}  // namespace

TEST(Scheduling, EveryCountsFromTheLastStartNeverBeforeNow) {
  const auto p = every(minutes(15));
  const auto max = policy::max_jitter(minutes(15));  // 30 s
  auto first = daemon::next_scheduled(p, std::nullopt, at(10, 0), 7);
  ASSERT_TRUE(first);
  EXPECT_GE(*first, at(10, 15));
  EXPECT_LT(*first, at(10, 15) + max);
  // A restart 5 minutes after a run: the next run is 15 minutes after that run, not after the restart.
  auto after_restart = daemon::next_scheduled(p, at(10, 0), at(10, 5), 7);
  EXPECT_GE(*after_restart, at(10, 15));
  EXPECT_LT(*after_restart, at(10, 15) + max);
  // Overdue (the daemon was down): now, not a burst of catch-up runs.
  auto overdue = daemon::next_scheduled(p, at(6, 0), at(10, 0), 7);
  EXPECT_GE(*overdue, at(10, 0));
  EXPECT_LT(*overdue, at(10, 0) + max);
}

TEST(Scheduling, CronIsTheNextMatchingMinutePlusJitterWithinItsPeriod) {
  config::policy_config p;
  p.name = "c";
  p.cron = *policy::parse_cron("*/10 * * * *");
  p.cron_text = "*/10 * * * *";
  auto n = daemon::next_scheduled(p, at(9, 0), at(10, 0, 5), 99);
  ASSERT_TRUE(n);
  EXPECT_GE(*n, at(10, 10));
  EXPECT_LT(*n, at(10, 10) + policy::max_jitter(minutes(10)));
  EXPECT_EQ(daemon::schedule_text(p), "cron */10 * * * *");
}

TEST(Scheduling, NoScheduleMeansManualOnly) {
  config::policy_config p;
  EXPECT_FALSE(daemon::next_scheduled(p, std::nullopt, at(10, 0), 1));
  EXPECT_EQ(daemon::schedule_text(p), "manual");
  EXPECT_EQ(daemon::schedule_text(every(seconds(90))), "every 1m30s");
  EXPECT_EQ(daemon::schedule_text(every(hours(24) + seconds(5))), "every 1d5s");
}

TEST(Scheduling, JitterSeedsDifferByPolicyAndReplica) {
  const policy::shard a{0, 3}, b{1, 3};
  EXPECT_EQ(daemon::jitter_seed("p", a), daemon::jitter_seed("p", a));
  EXPECT_NE(daemon::jitter_seed("p", a), daemon::jitter_seed("p", b));
  EXPECT_NE(daemon::jitter_seed("p", a), daemon::jitter_seed("q", a));
}
