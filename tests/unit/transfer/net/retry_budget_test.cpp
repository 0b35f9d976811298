// The named retry budgets and their one owner: nested budgets share the outermost allowance instead of
// multiplying, and retrier::again() spends, waits and stops.
#include "transfer/net/retrier.hpp"
#include "transfer/net/stopper.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

using namespace ocimirror::transfer;
using namespace std::chrono;

TEST(RetryBudget, SpendsUntilSpent) {
  retry_budget b(budget_kind::request, 2);
  EXPECT_EQ(b.left(), 2);
  EXPECT_TRUE(b.spend());
  EXPECT_TRUE(b.spend());
  EXPECT_FALSE(b.spend());
  EXPECT_EQ(b.spent(), 2) << "a refused retry takes nothing";
  EXPECT_EQ(b.exhausted(), &b);
  EXPECT_EQ(b.describe_spent(), "the request's 2 retries were spent");
  retry_budget none(budget_kind::blob, -3);
  EXPECT_FALSE(none.spend()) << "a negative budget is an empty one";
}

TEST(RetryBudget, NestedLayersShareTheOutermostAllowanceInsteadOfMultiplying) {
  // A blob of 5, each of its reads 5, each read's requests 5: 5 retries in all, not 125.
  retry_budget blob(budget_kind::blob, 5);
  int granted = 0;
  for (int read = 0; read < 5; ++read) {
    retry_budget reads(budget_kind::resumed_read, 5, &blob);
    for (int request = 0; request < 5; ++request) {
      retry_budget tries(budget_kind::request, 5, &reads);
      while (tries.spend()) ++granted;
    }
  }
  EXPECT_EQ(granted, 5);
  EXPECT_EQ(blob.spent(), 5);
}

TEST(RetryBudget, TheInnerBudgetBoundsItselfAndTheOuterOneBoundsEveryInnerOne) {
  retry_budget blob(budget_kind::blob, 10);
  retry_budget first(budget_kind::request, 3, &blob);
  while (first.spend()) {}
  EXPECT_EQ(first.spent(), 3);
  EXPECT_EQ(first.exhausted(), &first);
  retry_budget second(budget_kind::request, 10, &blob);
  EXPECT_EQ(second.left(), 7) << "what the blob has left, not the request's own 10";
  while (second.spend()) {}
  EXPECT_EQ(second.spent(), 7);
  EXPECT_EQ(second.exhausted(), &blob);
  EXPECT_EQ(second.describe_spent(), "the blob's 10 retries were spent");
  EXPECT_STREQ(budget_name(budget_kind::resumed_read), "resumed read");
}

namespace {
bool run(const std::function<boost::asio::awaitable<void>()>& body) {
  boost::asio::io_context io;
  bool finished = false;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        co_await body();
        finished = true;
      },
      boost::asio::detached);
  io.run();
  return finished;
}
}  // namespace

TEST(Retrier, GrantsWhatTheBudgetAllowsAndCountsIt) {
  retrier owner("registry.test", retry_policy{.base = milliseconds(0)}, nullptr);
  retry_budget b(budget_kind::request, 2);
  std::vector<bool> answers;
  ASSERT_TRUE(run([&]() -> boost::asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      const bool granted = co_await owner.again(b, "0");
      answers.push_back(granted);
    }
  }));
  EXPECT_EQ(answers, (std::vector<bool>{true, true, false}));
  EXPECT_EQ(owner.taken(), 2u);
}

TEST(Retrier, HonoursRetryAfterAndWakesWhenTheProcessStops) {
  stopper stop;
  retrier owner("registry.test", retry_policy{}, &stop);
  retry_budget b(budget_kind::blob, 5);
  const auto start = steady_clock::now();
  bool granted = false;
  EXPECT_TRUE(run([&]() -> boost::asio::awaitable<void> { granted = co_await owner.again(b, "1"); }));
  EXPECT_TRUE(granted);
  EXPECT_GE(steady_clock::now() - start, milliseconds(900)) << "Retry-After: 1";
  stop.stop();
  bool cancelled = false;
  run([&]() -> boost::asio::awaitable<void> {
    try {
      co_await owner.again(b, "3600");
    } catch (const error& e) {
      cancelled = e.code() == errc::cancelled;
    }
  });
  EXPECT_TRUE(cancelled) << "a stopped process does not sleep out a long Retry-After";
  EXPECT_LT(steady_clock::now() - start, seconds(30));
}
