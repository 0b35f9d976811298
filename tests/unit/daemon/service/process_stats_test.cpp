#include "daemon/service/process_stats.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::daemon;

namespace {
// proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime
// cstime priority nice num_threads itrealvalue starttime vsize rss ...
const std::string stat_line =
    "4242 (ocimirror) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 50 0 0 20 0 3 0 123400 104857600 2560 "
    "18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";
}  // namespace

TEST(ProcessStats, ReadsTheFieldsProcDocuments) {
  auto p = parse_proc_stat(stat_line, 100, 4096, 1'700'000'000);
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->cpu_seconds, 3.0);  // (250 + 50) ticks at 100 Hz
  EXPECT_DOUBLE_EQ(p->start_time_seconds, 1'700'000'000 + 1234.0);
  EXPECT_EQ(p->virtual_bytes, 104857600u);
  EXPECT_EQ(p->resident_bytes, 2560u * 4096u);
}

TEST(ProcessStats, ACommandNameWithSpacesAndParenthesesDoesNotShiftTheFields) {
  auto odd = stat_line;
  odd.replace(odd.find("(ocimirror)"), 11, "(a) b (c))");
  auto p = parse_proc_stat(odd, 100, 4096, 0);
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->cpu_seconds, 3.0);
  EXPECT_EQ(p->resident_bytes, 2560u * 4096u);
}

TEST(ProcessStats, WhatDoesNotParseIsNothing) {
  EXPECT_FALSE(parse_proc_stat("", 100, 4096, 0));
  EXPECT_FALSE(parse_proc_stat("1 (x) S 1 2 3", 100, 4096, 0));
  EXPECT_FALSE(parse_proc_stat(stat_line, 0, 4096, 0));
  auto bad = stat_line;
  bad.replace(bad.find(" 250 "), 5, " x50 ");
  EXPECT_FALSE(parse_proc_stat(bad, 100, 4096, 0));
}

TEST(ProcessStats, BootTimeComesFromTheBtimeLine) {
  EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000.0);
  EXPECT_FALSE(parse_boot_time("cpu  1 2 3\n"));
  EXPECT_FALSE(parse_boot_time("btime soon\n"));
}

TEST(ProcessStats, ThisProcessIsReadable) {
  auto p = read_process_stats();
  ASSERT_TRUE(p);
  EXPECT_GT(p->resident_bytes, 0u);
  EXPECT_GT(p->open_fds, 2u);  // stdin, stdout, stderr at least
  EXPECT_GE(p->max_fds, p->open_fds);
  EXPECT_GT(p->start_time_seconds, 1'600'000'000);
}
