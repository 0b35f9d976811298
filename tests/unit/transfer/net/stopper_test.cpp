#include "transfer/net/stopper.hpp"
#include "transfer/oci/errors.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <gtest/gtest.h>

#include <chrono>

using namespace ocimirror::transfer;
using namespace std::chrono_literals;

TEST(Stopper, StopCancelsWhatIsWatchedOnceAndOnlyWhileWatched) {
  stopper s;
  int a = 0, b = 0;
  auto ha = s.watch([&] { ++a; });
  {
    auto hb = s.watch([&] { ++b; });
  }  // released: no longer cancelled
  EXPECT_FALSE(s.stopped());
  EXPECT_NO_THROW(s.check("a request"));
  s.stop();
  s.stop();
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 0);
  EXPECT_TRUE(s.stopped());
  int late = 0;
  auto hl = s.watch([&] { ++late; });
  EXPECT_EQ(late, 1) << "watched after the stop: cancelled at once";
  try {
    s.check("a request to r.example");
    FAIL() << "no throw";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::cancelled);
    EXPECT_NE(std::string(e.what()).find("a request to r.example was stopped"), std::string::npos) << e.what();
  }
}

TEST(Stopper, MovedHooksReleaseOnce) {
  stopper s;
  int n = 0;
  stopper::hook kept;
  {
    auto h = s.watch([&] { ++n; });
    kept = std::move(h);
  }
  s.stop();
  EXPECT_EQ(n, 1) << "the moved-to hook still watches";
}

TEST(Stopper, SleepEndsEarlyWhenStoppedAndSaysSo) {
  boost::asio::io_context io;
  stopper s;
  std::exception_ptr failure;
  const auto t0 = std::chrono::steady_clock::now();
  boost::asio::co_spawn(io, sleep_for(60s, &s), [&](std::exception_ptr e) { failure = e; });
  boost::asio::steady_timer later(io, 20ms);
  later.async_wait([&](auto) { s.stop(); });
  io.run();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  ASSERT_TRUE(failure);
  try {
    std::rethrow_exception(failure);
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::cancelled);
  }
  // Without a stopper, or not stopped: an ordinary sleep.
  failure = nullptr;
  boost::asio::co_spawn(io, sleep_for(1ms, nullptr), [&](std::exception_ptr e) { failure = e; });
  io.restart();
  io.run();
  EXPECT_FALSE(failure);
}
