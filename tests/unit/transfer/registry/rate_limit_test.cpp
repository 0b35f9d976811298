#include "transfer/registry/rate_limit.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;
using namespace std::chrono_literals;

TEST(RateLimit, ReadsDockerHubGitHubAndDraftHeaders) {
  auto hub = read_rate_headers("76;w=21600", "100;w=21600", "", 0);
  ASSERT_TRUE(hub);
  EXPECT_EQ(hub->remaining, 76u);
  EXPECT_EQ(hub->limit, 100u);
  EXPECT_EQ(hub->window, 21600s);
  EXPECT_FALSE(hub->reset_in);
  auto github = read_rate_headers("4999", "5000", "1700000100", 1700000000);
  ASSERT_TRUE(github);
  EXPECT_EQ(github->reset_in, 100s) << "x-ratelimit-reset is an epoch time";
  auto draft = read_rate_headers(" 3 ", "", "30", 1700000000);
  ASSERT_TRUE(draft);
  EXPECT_EQ(draft->remaining, 3u);
  EXPECT_EQ(draft->reset_in, 30s) << "RateLimit-Reset is seconds from now";
  EXPECT_EQ(read_rate_headers("1699999000", "", "1699999000", 1700000000)->reset_in, 0s) << "a past reset is now";
  EXPECT_FALSE(read_rate_headers("", "100", "", 0));
  EXPECT_FALSE(read_rate_headers("lots", "100", "", 0));
}

TEST(RateLimit, NothingWaitsWhilePlentyIsLeft) {
  rate_pacer p;
  const auto t0 = rate_pacer::clock::now();
  EXPECT_EQ(p.next(t0), 0ms) << "no reading yet";
  p.observe(*read_rate_headers("50;w=60", "100;w=60", "", 0), t0);
  EXPECT_EQ(p.reserve(), 10u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ(p.next(t0), 0ms) << i;
  EXPECT_TRUE(p.pacing()) << "counted down locally to the reserve";
}

TEST(RateLimit, LowRemainderIsSpreadAtTheSustainableRate) {
  rate_pacer p;
  const auto t0 = rate_pacer::clock::now();
  p.observe(*read_rate_headers("8;w=10", "20;w=10", "", 0), t0);  // 20 per 10 s: one per 500 ms; reserve 8
  EXPECT_EQ(p.next(t0), 0ms);
  EXPECT_EQ(p.next(t0), 500ms) << "at the reserve: the sustainable rate";
  EXPECT_EQ(p.next(t0), 500ms + 563ms) << "one below it: 9/8 of the spacing, so the remainder climbs back";
  EXPECT_EQ(p.next(t0 + 1000ms), 688ms) << "slots are kept, not restarted";
}

TEST(RateLimit, NoneLeftGoesAtHalfTheSustainableRate) {
  // Pacing at exactly the refill rate would keep a spent limit spent, with every request at the edge of a 429.
  rate_pacer p;
  const auto t0 = rate_pacer::clock::now();
  p.observe(*read_rate_headers("0;w=2", "40;w=2", "", 0), t0);  // 40 per 2 s: one per 50 ms
  EXPECT_EQ(p.next(t0), 0ms);
  EXPECT_EQ(p.next(t0), 100ms);
  EXPECT_EQ(p.next(t0), 200ms);
}

TEST(RateLimit, TheFirstRequestsWaitForAnAnswer) {
  // A sync starts with a burst: the whole of a small limit would be spent before the first reading came back.
  rate_pacer p;
  const auto t0 = rate_pacer::clock::now();
  for (std::uint64_t i = 0; i < rate_pacer::probes; ++i) EXPECT_EQ(p.next(t0), 0ms) << i;
  EXPECT_FALSE(p.next(t0)) << "held until an answer says whether the registry counts";
  p.answered();  // without a reading: this registry does not say, so nothing is held from now on
  for (int i = 0; i < 20; ++i) EXPECT_EQ(p.next(t0), 0ms) << i;
  rate_pacer read;
  for (std::uint64_t i = 0; i < rate_pacer::probes; ++i) read.next(t0);
  read.observe(*read_rate_headers("36;w=2", "40;w=2", "", 0), t0);
  EXPECT_EQ(read.next(t0), 0ms) << "a reading ends the hold too";
}

TEST(RateLimit, ResetSpreadsWhatIsLeftAndZeroWaitsForTheReset) {
  rate_pacer p;
  const auto t0 = rate_pacer::clock::now();
  p.observe(*read_rate_headers("4", "5000", "20", 0), t0);  // reserve 500: pacing from the start
  EXPECT_EQ(p.next(t0), 0ms);
  EXPECT_EQ(p.next(t0), 5000ms) << "20 s over 4 requests";
  rate_pacer empty;
  empty.observe(*read_rate_headers("0", "", "12", 0), t0);
  EXPECT_EQ(empty.next(t0), 12000ms) << "nothing left: wait for the refill";
}

TEST(RateLimit, NoWaitIsLongerThanAMinute) {
  rate_pacer p;
  const auto t0 = rate_pacer::clock::now();
  p.observe(*read_rate_headers("0", "", "31536000", 0), t0);  // a year, from a hostile or broken registry
  EXPECT_EQ(p.next(t0), 60000ms);
  rate_pacer hub;
  hub.observe(*read_rate_headers("2;w=21600", "100;w=21600", "", 0), t0);  // 216 s per pull
  EXPECT_EQ(hub.next(t0), 0ms);
  EXPECT_EQ(hub.next(t0), 60000ms);
}

TEST(RateLimit, AbsurdNumbersFromARegistryAreCappedNotOverflowed) {
  const auto t0 = rate_pacer::clock::now();
  auto r = read_rate_headers("0;w=18446744073709551615", "18446744073709551615", "18446744073709551615", 1700000000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->window, std::chrono::seconds(366 * 24 * 3600));
  EXPECT_EQ(r->reset_in, std::chrono::seconds(366 * 24 * 3600));
  rate_pacer p;
  p.observe(*r, t0);
  EXPECT_EQ(p.next(t0), 60000ms);
  rate_pacer no_reset;  // the spacing from limit and window alone, at a limit of 2^64 - 1
  no_reset.observe(*read_rate_headers("0;w=18446744073709551615", "18446744073709551615", "", 0), t0);
  EXPECT_EQ(no_reset.next(t0), 0ms);
  EXPECT_GE(no_reset.next(t0), 0ms);
  EXPECT_LE(no_reset.next(t0), 60000ms);
  rate_pacer int64;  // a window of 2^63 - 1 seconds overflowed the old millisecond conversion
  int64.observe(*read_rate_headers("0;w=9223372036854775807", "1", "", 0), t0);
  EXPECT_EQ(int64.next(t0), 0ms);
  EXPECT_EQ(int64.next(t0), 60000ms);
}

TEST(RateLimit, AReadingDoesNotUndoTheRequestsStillInFlight) {
  rate_pacer p;
  const auto t0 = rate_pacer::clock::now();
  p.observe(*read_rate_headers("20;w=60", "100;w=60", "", 0), t0);  // reserve 10
  for (int i = 0; i < 10; ++i) EXPECT_EQ(p.next(t0), 0ms) << i;     // ten sent at once, none answered
  // The first answer: the registry had counted only it (19 left); nine more are on their way.
  p.observe(*read_rate_headers("19;w=60", "100;w=60", "", 0), t0);
  p.answered();
  EXPECT_TRUE(p.pacing()) << "10 left in truth, at the reserve";
  for (int i = 0; i < 9; ++i) p.answered();
  p.observe(*read_rate_headers("10;w=60", "100;w=60", "", 0), t0);  // an answer to a request not counted
  EXPECT_TRUE(p.pacing());
}
