#include "daemon/service/log.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::daemon::log;

TEST(JournalLog, TheStreamMatchesOnlyItsOwnDeviceAndInode) {
  EXPECT_TRUE(is_journal_stream("8:12345", 8, 12345));
  EXPECT_FALSE(is_journal_stream("8:12345", 8, 12346)) << "stderr redirected elsewhere: not the journal";
  EXPECT_FALSE(is_journal_stream("9:12345", 8, 12345));
  for (const char* bad : {"", ":", "8:", ":12345", "8", "x:1", "8:1x", "8:12345:1", " 8:12345"})
    EXPECT_FALSE(is_journal_stream(bad, 8, 12345)) << bad;
}

TEST(JournalLog, EachLevelHasItsSyslogPriority) {
  EXPECT_EQ(journal_prefix("error"), "<3>");
  EXPECT_EQ(journal_prefix("warn"), "<4>");
  EXPECT_EQ(journal_prefix("info"), "<6>");
  EXPECT_EQ(journal_prefix("debug"), "<7>");
}
