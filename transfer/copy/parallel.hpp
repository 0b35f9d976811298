#pragma once
// Runs jobs 0..n-1 with at most `limit` at once on the current executor; the first failure stops new jobs from
// starting, waits for the running ones, and is rethrown. for_each_adaptive also asks width() before each job
// starts and keeps no more than that running (an adaptive limit that moves while the jobs run).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <functional>

namespace ocimirror::transfer {

inline boost::asio::awaitable<void> for_each_parallel(std::size_t n, std::size_t limit,
                                                      std::function<boost::asio::awaitable<void>(std::size_t)> job) {
  namespace asio = boost::asio;
  if (n == 0) co_return;
  auto ex = co_await asio::this_coro::executor;
  std::size_t next = 0;
  std::size_t running = std::min(n, std::max<std::size_t>(limit, 1));
  std::exception_ptr first;
  asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
  auto worker = [&]() -> asio::awaitable<void> {
    while (!first && next < n) co_await job(next++);
  };
  const std::size_t workers = running;
  for (std::size_t i = 0; i < workers; ++i)
    asio::co_spawn(ex, worker(), [&](std::exception_ptr e) {
      if (e && !first) first = e;
      if (--running == 0) all_done.cancel();
    });
  co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
  if (first) std::rethrow_exception(first);
}

inline boost::asio::awaitable<void> for_each_adaptive(std::size_t n, std::size_t limit,
                                                      std::function<std::size_t()> width,
                                                      std::function<boost::asio::awaitable<void>(std::size_t)> job) {
  namespace asio = boost::asio;
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer ended(ex, asio::steady_timer::time_point::max());  // cancelled whenever a job ends
  std::size_t active = 0;
  co_await for_each_parallel(n, limit, [&](std::size_t i) -> asio::awaitable<void> {
    while (active >= std::max<std::size_t>(width(), 1)) co_await ended.async_wait(asio::as_tuple(asio::use_awaitable));
    ++active;
    struct leave {
      std::size_t& active;
      asio::steady_timer& ended;
      ~leave() {
        --active;
        ended.cancel();
      }
    } on_end{active, ended};
    co_await job(i);
  });
}

}  // namespace ocimirror::transfer
