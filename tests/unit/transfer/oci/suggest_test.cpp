#include "transfer/oci/suggest.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;

namespace {
const std::vector<std::string_view> commands = {"copy", "inspect", "tags",   "login",     "logout", "push",
                                                "pull", "sync",    "daemon", "inventory", "check",  "cache"};
}

TEST(DidYouMean, TyposFindTheCommandTheyMeant) {
  EXPECT_EQ(closest("snyc", commands), "sync");  // two letters swapped: one edit
  EXPECT_EQ(closest("sycn", commands), "sync");
  EXPECT_EQ(closest("cpoy", commands), "copy");
  EXPECT_EQ(closest("inspcet", commands), "inspect");
  EXPECT_EQ(closest("deamon", commands), "daemon");
  EXPECT_EQ(closest("invent", commands), "inventory") << "a prefix of one command";
  EXPECT_EQ(closest("tag", commands), "tags");
}

TEST(DidYouMean, NothingWhenFarOrAmbiguous) {
  EXPECT_EQ(closest("mirror", commands), std::nullopt);
  EXPECT_EQ(closest("", commands), std::nullopt);
  EXPECT_EQ(closest("pul", commands), "pull");
  EXPECT_EQ(closest("pus", commands), "push");
  EXPECT_EQ(closest("pu", commands), std::nullopt) << "push and pull are as near";
  EXPECT_EQ(closest("log", commands), std::nullopt) << "login and logout both start with it";
  EXPECT_EQ(closest("xxxxxxxxxxxxxxxxxxxx", commands), std::nullopt);
  EXPECT_EQ(closest("sync" + std::string(100000, 'c'), commands), std::nullopt) << "a hostile key: not even measured";
}

TEST(DidYouMean, EditDistanceCountsASwapAsOne) {
  EXPECT_EQ(edit_distance("sync", "sync"), 0u);
  EXPECT_EQ(edit_distance("snyc", "sync"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(DidYouMean, TheMessagePartsEveryUnknownWordShares) {
  EXPECT_EQ(did_you_mean("snyc", commands), "; did you mean 'sync'?");
  EXPECT_EQ(did_you_mean("mirror", commands), "");
  EXPECT_EQ(joined({"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(joined({}), "");
}
