#include "policy/next_run.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::policy;
using namespace std::chrono;

namespace {
wall_time at(int y, unsigned mo, unsigned d, int h, int mi, int s = 0) {
  return sys_days(year{y} / month{mo} / day{d}) + hours(h) + minutes(mi) + seconds(s);
}
wall_time next(const char* cron, wall_time after) {
  auto c = parse_cron(cron);
  EXPECT_TRUE(c) << cron;
  auto n = next_cron(*c, after);
  EXPECT_TRUE(n) << cron;
  return n.value_or(wall_time{});
}
}  // namespace

TEST(NextRun, StepsHoursAndStrictlyAfter) {
  EXPECT_EQ(next("*/15 * * * *", at(2026, 11, 22, 10, 7, 30)), at(2026, 11, 22, 10, 15));
  EXPECT_EQ(next("*/15 * * * *", at(2026, 11, 22, 10, 15)), at(2026, 11, 22, 10, 30));  // not the same minute again
  EXPECT_EQ(next("30 2 * * *", at(2026, 11, 22, 2, 31)), at(2026, 11, 23, 2, 30));
  EXPECT_EQ(next("0 9-17/4 * * *", at(2026, 11, 22, 13, 1)), at(2026, 11, 22, 17, 0));
}

TEST(NextRun, DaysMonthsAndYearRollover) {
  EXPECT_EQ(next("0 0 1 1 *", at(2026, 12, 31, 23, 59)), at(2027, 1, 1, 0, 0));
  EXPECT_EQ(next("0 3 * * 1", at(2026, 11, 22, 12, 0)), at(2026, 11, 23, 3, 0));  // 2026-11-22 is a Sunday
  EXPECT_EQ(next("0 0 29 2 *", at(2026, 3, 1, 0, 0)), at(2028, 2, 29, 0, 0));     // the next leap day
  EXPECT_EQ(next("15 4 * 6,12 *", at(2026, 7, 1, 0, 0)), at(2026, 12, 1, 4, 15));
}

TEST(NextRun, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // "the 13th, or any Friday": from Sunday 2026-11-22 the first is Friday the 27th; from then, December 4th
  // (Friday) comes before the 13th.
  EXPECT_EQ(next("0 0 13 * 5", at(2026, 11, 22, 0, 0)), at(2026, 11, 27, 0, 0));
  EXPECT_EQ(next("0 0 13 * 5", at(2026, 11, 27, 0, 0)), at(2026, 12, 4, 0, 0));
  // Only day-of-week restricted: just Fridays.
  EXPECT_EQ(next("0 0 * * 5", at(2026, 11, 22, 0, 0)), at(2026, 11, 27, 0, 0));
}

TEST(NextRun, NeverIsNotAHang) {
  auto c = parse_cron("0 0 30 2 *");
  ASSERT_TRUE(c);
  EXPECT_FALSE(next_cron(*c, at(2026, 1, 1, 0, 0)));
}

TEST(NextRun, JitterIsSmallBoundedAndDeterministic) {
  EXPECT_EQ(max_jitter(minutes(15)), seconds(30));
  EXPECT_EQ(max_jitter(seconds(60)), seconds(3));
  EXPECT_EQ(max_jitter(seconds(1)), milliseconds(50));
  EXPECT_EQ(jitter(milliseconds(0), 7), milliseconds(0));
  EXPECT_EQ(jitter(seconds(30), 42), jitter(seconds(30), 42));
  bool differ = false;
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    auto j = jitter(seconds(30), seed);
    EXPECT_GE(j, milliseconds(0));
    EXPECT_LT(j, seconds(30));
    differ |= j != jitter(seconds(30), 0);
  }
  EXPECT_TRUE(differ);
}

TEST(NextRun, APeriodIsTheLongestGapWhateverDayItIsReadOn) {
  const auto weekdays = *parse_cron("0 9 * * mon-fri");
  // 2026-12-04 is a Friday: the next two runs are a weekend apart; on a Tuesday, a day apart. Both say three days.
  EXPECT_EQ(cron_period(weekdays, at(2026, 12, 4, 18, 0)), hours(72));
  EXPECT_EQ(cron_period(weekdays, at(2026, 12, 8, 18, 0)), hours(72));
  EXPECT_EQ(cron_period(*parse_cron("@hourly"), at(2026, 12, 8, 18, 30)), hours(1));
  EXPECT_EQ(cron_period(*parse_cron("@daily"), at(2026, 12, 8, 18, 30)), hours(24));
  EXPECT_EQ(cron_period(*parse_cron("0 0 30 2 *"), at(2026, 12, 8, 18, 30)), seconds(0));
}
