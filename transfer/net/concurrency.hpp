#pragma once
// A registry's concurrency: an asynchronous semaphore whose limit adapts. A 429 halves it (never below 1); after
// as many successes in a row as the limit, it grows by one, back up to the configured maximum (additive increase,
// multiplicative decrease). Single-threaded, like the io_context that runs the transfers.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <list>
#include <utility>

namespace ocimirror::transfer {

/// The limit arithmetic alone, so it is testable without an executor.
class adaptive_limit {
 public:
  explicit adaptive_limit(std::size_t max) : max_(std::max<std::size_t>(max, 1)), limit_(max_) {}
  std::size_t limit() const { return limit_; }
  std::size_t max() const { return max_; }
  void throttled() {
    limit_ = std::max<std::size_t>(limit_ / 2, 1);
    streak_ = 0;
  }
  void succeeded() {
    if (limit_ >= max_ || ++streak_ < limit_) return;
    ++limit_;
    streak_ = 0;
  }

 private:
  std::size_t max_, limit_, streak_ = 0;
};

class concurrency {
 public:
  explicit concurrency(std::size_t max) : limit_(max) {}

  class permit {
   public:
    explicit permit(concurrency* c) : c_(c) {}
    permit(permit&& o) noexcept : c_(std::exchange(o.c_, nullptr)) {}
    permit(const permit&) = delete;
    permit& operator=(const permit&) = delete;
    permit& operator=(permit&&) = delete;
    ~permit() {
      if (c_) c_->release();
    }

   private:
    concurrency* c_;
  };

  /// Waits for a free slot under the current limit.
  boost::asio::awaitable<permit> acquire() {
    while (in_use_ >= limit_.limit()) {
      auto ex = co_await boost::asio::this_coro::executor;
      auto& t = waiters_.emplace_back(ex, boost::asio::steady_timer::time_point::max());
      auto it = std::prev(waiters_.end());
      co_await t.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      waiters_.erase(it);
    }
    ++in_use_;
    co_return permit(this);
  }

  void throttled() { limit_.throttled(); }
  void succeeded() {
    limit_.succeeded();
    wake();
  }
  std::size_t limit() const { return limit_.limit(); }
  std::size_t in_use() const { return in_use_; }

 private:
  void release() {
    --in_use_;
    wake();
  }
  void wake() {
    std::size_t free = limit_.limit() > in_use_ ? limit_.limit() - in_use_ : 0;
    for (auto& w : waiters_) {
      if (free == 0) break;
      if (w.expiry() == boost::asio::steady_timer::time_point::max()) {
        w.cancel();
        w.expires_at(boost::asio::steady_timer::time_point::min());  // marks it as woken
        --free;
      }
    }
  }
  adaptive_limit limit_;
  std::size_t in_use_ = 0;
  std::list<boost::asio::steady_timer> waiters_;
};

}  // namespace ocimirror::transfer
