#include "transfer/net/retry.hpp"
#include "transfer/net/concurrency.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

using namespace ocimirror::transfer;
using namespace std::chrono;

TEST(Retry, WhatIsWorthAnotherAttempt) {
  for (unsigned s : {408u, 429u, 500u, 502u, 503u, 504u}) EXPECT_TRUE(retryable_status(s)) << s;
  for (unsigned s : {200u, 201u, 400u, 401u, 403u, 404u, 405u, 416u, 501u}) EXPECT_FALSE(retryable_status(s)) << s;
  for (auto e : {errc::throttled, errc::server_error, errc::network, errc::timeout}) EXPECT_TRUE(retryable(e));
  for (auto e :
       {errc::tls, errc::digest_mismatch, errc::not_found, errc::unauthorized, errc::denied, errc::bad_manifest})
    EXPECT_FALSE(retryable(e));
}

TEST(Retry, BackoffGrowsWithFullJitterUnderTheCap) {
  retry_policy p{.base = milliseconds(100), .cap = milliseconds(1000)};
  EXPECT_EQ(backoff(p, 0, 0), milliseconds(0));
  EXPECT_EQ(backoff(p, 0, 100), milliseconds(100));              // the ceiling of the first retry is base
  EXPECT_EQ(backoff(p, 0, 101), milliseconds(0));                // uniform modulo ceiling+1
  EXPECT_EQ(backoff(p, 2, 400), milliseconds(400));              // base * 2^2
  EXPECT_EQ(backoff(p, 10, ~0ull), milliseconds(~0ull % 1001));  // capped
  for (std::uint64_t r = 0; r < 5000; r += 7) EXPECT_LE(backoff(p, 30, r * 7919), milliseconds(1000));
}

TEST(Retry, RetryAfterSecondsAndDates) {
  const auto now = system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parse_retry_after("120", now), milliseconds(120000));
  EXPECT_EQ(parse_retry_after(" 3 ", now), milliseconds(3000));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), milliseconds(30000));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), milliseconds(0));         // in the past
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2815 07:28:00 GMT", now), milliseconds(86400000));  // capped, no overflow
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
  EXPECT_FALSE(parse_retry_after("-5", now));
  retry_policy p;
  EXPECT_EQ(next_wait(p, 0, 12345, milliseconds(2000)), milliseconds(2000));  // the registry's word wins
  EXPECT_EQ(next_wait(p, 0, 12345, hours(1)), p.retry_after_cap);             // within reason
  EXPECT_LE(next_wait(p, 0, 12345, std::nullopt), p.base);
}

TEST(Concurrency, HalvedOnceForABurstOf429sAndRegrownSlowly) {
  adaptive_limit l(8);
  EXPECT_EQ(l.limit(), 8u);
  l.throttled();
  EXPECT_EQ(l.limit(), 4u);
  for (int i = 0; i < 7; ++i) l.throttled();  // the seven others in flight when the first was refused
  EXPECT_EQ(l.limit(), 4u) << "one burst, one cut";
  l.throttled();  // sent after the cut: a new refusal
  EXPECT_EQ(l.limit(), 2u);
  for (int i = 0; i < 3; ++i) l.throttled();
  l.throttled();
  EXPECT_EQ(l.limit(), 1u);
  l.throttled();
  l.throttled();
  EXPECT_EQ(l.limit(), 1u);  // never below one
  l.succeeded();
  EXPECT_EQ(l.limit(), 2u);  // after `limit` successes in a row: +1
  for (int i = 0; i < 2; ++i) l.succeeded();
  EXPECT_EQ(l.limit(), 3u);
  for (int i = 0; i < 100; ++i) l.succeeded();
  EXPECT_EQ(l.limit(), 8u);  // back to the maximum, not beyond
}

TEST(Concurrency, PermitsBoundWhatRunsAtOnce) {
  boost::asio::io_context io;
  adaptive_limit l(2);
  concurrency c(l);
  int running = 0, peak = 0, finished = 0;
  for (int i = 0; i < 6; ++i)
    boost::asio::co_spawn(
        io,
        [&]() -> boost::asio::awaitable<void> {
          auto p = co_await c.acquire();
          peak = std::max(peak, ++running);
          boost::asio::steady_timer t(io, milliseconds(5));
          co_await t.async_wait(boost::asio::use_awaitable);
          --running;
          ++finished;
          if (finished == 1) l.throttled();  // from now on one at a time
        },
        boost::asio::detached);
  io.run();
  EXPECT_EQ(finished, 6);
  EXPECT_EQ(peak, 2);
  EXPECT_EQ(c.in_use(), 0u);
}

TEST(Concurrency, AWideAreaLinkKeepsTheMaximum) {
  adaptive_limit l(32);
  for (int i = 0; i < 1000; ++i) l.answered(milliseconds(40));  // every answer takes the round trip
  EXPECT_EQ(l.limit(), 32u);
}

TEST(Concurrency, AnswersThatQueueCutTheLimitAndItThenGrowsByOne) {
  adaptive_limit l(32);
  const auto fast = std::chrono::microseconds(500);  // a loopback registry with time to spare
  const auto queued = milliseconds(20);              // the same registry out of CPU
  l.answered(fast);
  for (int i = 0; i < 31; ++i) l.answered(queued);
  EXPECT_EQ(l.limit(), 24u) << "three quarters";
  for (int i = 0; i < 24; ++i) l.answered(queued);
  EXPECT_EQ(l.limit(), 18u);
  for (int i = 0; i < 18; ++i) l.answered(fast);
  EXPECT_EQ(l.limit(), 19u) << "one more per round";
  for (int i = 0; i < 19; ++i) l.answered(fast + milliseconds(5));  // within the noise allowed
  EXPECT_EQ(l.limit(), 20u);
  l.throttled();
  EXPECT_EQ(l.limit(), 10u) << "429 or 503: half";
}

TEST(Concurrency, AFloorFromLongAgoIsLearntAfresh) {
  adaptive_limit l(4);
  l.answered(std::chrono::microseconds(100));  // one lucky answer
  // The path is slower for good: every answer takes 30 ms. The limit falls, then the floor is relearnt and it
  // stops falling.
  for (int i = 0; i < 200; ++i) l.answered(milliseconds(30));
  EXPECT_EQ(l.floor(), milliseconds(30));
  const auto settled = l.limit();
  for (int i = 0; i < 200; ++i) l.answered(milliseconds(30));
  EXPECT_GE(l.limit(), settled);
}
