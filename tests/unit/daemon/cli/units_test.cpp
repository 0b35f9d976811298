#include "daemon/cli/units.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::daemon;

TEST(FlagUnits, SizesTakeIecAndSiUnitsAndBareBytes) {
  EXPECT_EQ(parse_size("8MiB"), 8u << 20);
  EXPECT_EQ(parse_size("8mib"), 8u << 20);
  EXPECT_EQ(parse_size("512KiB"), 512u << 10);
  EXPECT_EQ(parse_size("1GB"), 1000000000u);
  EXPECT_EQ(parse_size("2M"), 2000000u);
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("4096B"), 4096u);
  EXPECT_EQ(parse_size("0"), 0u);
  for (const char* bad : {"", "MiB", "8 MiB", "8XB", "-1", "1.5MiB", "99999999999999999999", "20000000TiB"})
    EXPECT_FALSE(parse_size(bad)) << bad;
}

TEST(FlagUnits, SizesPrintTheShortestExactWay) {
  EXPECT_EQ(format_size(32u << 20), "32MiB");
  EXPECT_EQ(format_size(64u << 10), "64KiB");
  EXPECT_EQ(format_size(1000), "1000");
  EXPECT_EQ(format_size(0), "0");
  for (std::uint64_t n : {0ull, 1ull, 1023ull, 1024ull, 3ull << 30, 5ull << 40, 123456789ull})
    EXPECT_EQ(parse_size(format_size(n)), n);
}

TEST(FlagUnits, DurationsTakeUnitsOrBareSeconds) {
  EXPECT_EQ(parse_seconds("60"), 60);
  EXPECT_EQ(parse_seconds("30s"), 30);
  EXPECT_EQ(parse_seconds("2m"), 120);
  EXPECT_EQ(parse_seconds("1h30m"), 5400);
  EXPECT_EQ(parse_seconds("1d"), 86400);
  EXPECT_EQ(parse_seconds("0"), 0);
  for (const char* bad : {"", "s", "1m30", "5x", "500ms", "-3s", "1.5h", "99999999999999999999d"})
    EXPECT_FALSE(parse_seconds(bad)) << bad;
  EXPECT_EQ(format_seconds(60), "1m");
  EXPECT_EQ(format_seconds(300), "5m");
  EXPECT_EQ(format_seconds(5430), "1h30m30s");
  EXPECT_EQ(format_seconds(0), "0s");
  for (std::int64_t s : {0, 1, 59, 61, 3600, 90061}) EXPECT_EQ(parse_seconds(format_seconds(s)), s);
}
