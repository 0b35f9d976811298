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

TEST(Cron, ShorthandsAndNamesAsCronTakesThem) {
  auto daily = parse_cron("@daily");
  ASSERT_TRUE(daily) << daily.error();
  EXPECT_TRUE(daily->minutes[0] && daily->hours[0] && !daily->hours[1]);
  auto hourly = parse_cron("@hourly");
  ASSERT_TRUE(hourly);
  EXPECT_TRUE(hourly->minutes[0] && !hourly->minutes[1] && hourly->hours[13]);
  for (const char* ok : {"@weekly", "@monthly", "@yearly", "@annually", "@midnight"}) EXPECT_TRUE(parse_cron(ok)) << ok;
  auto named = parse_cron("30 2 * jan-MAR,dec mon-fri");
  ASSERT_TRUE(named) << named.error();
  EXPECT_TRUE(named->months[1] && named->months[3] && !named->months[4] && named->months[12]);
  EXPECT_TRUE(named->weekdays[1] && named->weekdays[5] && !named->weekdays[0] && !named->weekdays[6]);
  auto sun = parse_cron("0 0 * * SUN");
  ASSERT_TRUE(sun);
  EXPECT_TRUE(sun->weekdays[0]);
  auto reboot = parse_cron("@reboot");
  ASSERT_FALSE(reboot);
  EXPECT_NE(reboot.error().find("@hourly, @daily"), std::string::npos) << reboot.error();
  EXPECT_FALSE(parse_cron("0 0 * foo *"));
  EXPECT_FALSE(parse_cron("0 0 * * monday"));
}
