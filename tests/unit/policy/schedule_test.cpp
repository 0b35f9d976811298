#include "policy/schedule.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::policy;
using namespace std::chrono_literals;

TEST(Duration, Units) {
  EXPECT_EQ(*parse_duration("15m"), 15min);
  EXPECT_EQ(*parse_duration("1h30m"), 90min);
  EXPECT_EQ(*parse_duration("45s"), 45s);
  EXPECT_EQ(*parse_duration("1d"), 24h);
  EXPECT_EQ(*parse_duration("1s"), 1s);
  for (const char* bad : {"", "0s", "15", "m", "15x", "-5m", "1h-5m"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(Cron, FieldsListsRangesSteps) {
  auto c = parse_cron("*/15 2-4 1,15 * 1-5");
  ASSERT_TRUE(c) << c.error();
  EXPECT_TRUE(c->minutes[0] && c->minutes[15] && c->minutes[30] && c->minutes[45]);
  EXPECT_FALSE(c->minutes[10]);
  EXPECT_TRUE(c->hours[2] && c->hours[3] && c->hours[4]);
  EXPECT_FALSE(c->hours[5]);
  EXPECT_TRUE(c->days[1] && c->days[15]);
  EXPECT_FALSE(c->days[2]);
  EXPECT_EQ(c->months.count(), 12u);
  EXPECT_TRUE(c->weekdays[1] && c->weekdays[5]);
  EXPECT_FALSE(c->weekdays[0]);
  EXPECT_FALSE(c->any_day);
  EXPECT_FALSE(c->any_weekday);
}

TEST(Cron, SundayAsSevenAndStepsOverRanges) {
  auto c = parse_cron("0 0 * * 7");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->weekdays[0]);
  auto d = parse_cron("10-50/20 * * * *");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->minutes[10] && d->minutes[30] && d->minutes[50]);
  EXPECT_EQ(d->minutes.count(), 3u);
}

TEST(Cron, RejectsWhatCronRejects) {
  for (const char* bad : {"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
                          "* * * * 8", "5-1 * * * *", "*/0 * * * *", "a * * * *"})
    EXPECT_FALSE(parse_cron(bad)) << bad;
}
