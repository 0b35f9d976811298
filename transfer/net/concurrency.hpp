#pragma once
// A registry's concurrency: an asynchronous semaphore under an adaptive_limit (adaptive_limit.hpp) that it may
// share with another semaphore (a registry's requests and its blob transfers follow one limit). Single-threaded,
// like the io_context that runs the transfers.
#include "transfer/net/adaptive_limit.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <list>
#include <utility>

namespace ocimirror::transfer {

class concurrency {
 public:
  explicit concurrency(adaptive_limit& limit) : limit_(limit) {}

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

  /// Lets waiters in when the limit grew (it may have, through the other semaphore sharing it).
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
  std::size_t limit() const { return limit_.limit(); }
  std::size_t in_use() const { return in_use_; }

 private:
  void release() {
    --in_use_;
    wake();
  }
  adaptive_limit& limit_;
  std::size_t in_use_ = 0;
  std::list<boost::asio::steady_timer> waiters_;
};

}  // namespace ocimirror::transfer
