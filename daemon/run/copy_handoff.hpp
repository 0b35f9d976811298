#pragma once
// The hand-over between a policy run's discovery and its copies: a tag whose plan says copy is pushed here as soon
// as its facts are in, and copies run while other repositories are still being listed and asked about (over a slow
// link, a barrier between the steps costs round trips the copies could have used).
#include "transfer/copy/parallel.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <cstddef>
#include <deque>
#include <functional>

namespace ocimirror::daemon {

template <class T>
class handoff_queue {
 public:
  explicit handoff_queue(const boost::asio::any_io_executor& ex)
      : changed_(ex, boost::asio::steady_timer::time_point::max()) {}

  void push(T item) {
    items_.push_back(std::move(item));
    changed_.cancel();  // wakes every waiting worker; each checks again
  }
  /// Nothing more comes: drain() returns once what was pushed is done.
  void close() {
    closed_ = true;
    changed_.cancel();
  }

  /// Runs f on each item pushed, at most `most` at once and no more than width() allows when an item starts (an
  /// adaptive limit that moves while the work runs), until close() and every item is done.
  boost::asio::awaitable<void> drain(std::size_t most, std::function<std::size_t()> width,
                                     std::function<boost::asio::awaitable<void>(T&)> f) {
    const auto workers = std::max<std::size_t>(most, 1);  // none would leave what is pushed waiting for ever
    co_await transfer::for_each_parallel(workers, workers, [&](std::size_t) { return worker(width, f); });
  }

 private:
  boost::asio::awaitable<void> worker(const std::function<std::size_t()>& width,
                                      const std::function<boost::asio::awaitable<void>(T&)>& f) {
    for (;;) {
      if (items_.empty() && closed_) co_return;
      if (items_.empty() || active_ >= std::max<std::size_t>(width(), 1)) {
        co_await changed_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        continue;
      }
      T item = std::move(items_.front());
      items_.pop_front();
      ++active_;
      struct leave {
        handoff_queue& q;
        ~leave() {
          --q.active_;
          q.changed_.cancel();
        }
      } on_end{*this};
      co_await f(item);
    }
  }

  boost::asio::steady_timer changed_;  ///< never expires: cancelled whenever an item, the end or a free slot comes
  std::deque<T> items_;
  std::size_t active_ = 0;
  bool closed_ = false;
};

}  // namespace ocimirror::daemon
