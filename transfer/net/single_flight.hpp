#pragma once
// One piece of work per key at a time, on one io_context. begin(): the first caller for a key does the work;
// callers that arrive while it runs wait until it ends and then look at its result themselves (fetching ECR's
// password once for many requests that start together, creating a repository once for the blobs that race to it).
// acquire(): every caller does the work, one after another (writing one digest to a registry).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <memory>
#include <string>
#include <utility>

namespace ocimirror::transfer {

class single_flight {
 public:
  /// Held by the caller doing the work; the waiters wake when it goes (work done, failed or abandoned).
  class turn {
   public:
    turn(single_flight* f, std::string key) : f_(f), key_(std::move(key)) {}
    turn(turn&& o) noexcept : f_(std::exchange(o.f_, nullptr)), key_(std::move(o.key_)) {}
    turn(const turn&) = delete;
    turn& operator=(const turn&) = delete;
    turn& operator=(turn&&) = delete;
    ~turn() {
      if (f_) f_->end(key_);
    }
    explicit operator bool() const { return f_ != nullptr; }

   private:
    single_flight* f_;
    std::string key_;
  };

  /// A turn to do the work for key, or an empty one after waiting out another caller's turn (then the work is
  /// done, or failed: look again).
  boost::asio::awaitable<turn> begin(const std::string& key) {
    if (auto busy = busy_.find(key); busy != busy_.end()) {
      auto t = busy->second;  // shared: the turn's end erases the entry
      co_await t->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      co_return turn(nullptr, key);
    }
    auto ex = co_await boost::asio::this_coro::executor;
    co_return take(ex, key);
  }

  /// Waits until nobody holds key's turn, then takes it.
  boost::asio::awaitable<turn> acquire(const std::string& key) {
    for (auto busy = busy_.find(key); busy != busy_.end(); busy = busy_.find(key)) {
      auto t = busy->second;
      co_await t->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    auto ex = co_await boost::asio::this_coro::executor;
    co_return take(ex, key);
  }

 private:
  /// Not a coroutine: nothing else runs between finding the key free and taking it.
  turn take(const boost::asio::any_io_executor& ex, const std::string& key) {
    busy_[key] = std::make_shared<boost::asio::steady_timer>(ex, boost::asio::steady_timer::time_point::max());
    return turn(this, key);
  }

  void end(const std::string& key) {
    if (auto busy = busy_.find(key); busy != busy_.end()) {
      busy->second->cancel();
      busy_.erase(busy);
    }
  }
  std::map<std::string, std::shared_ptr<boost::asio::steady_timer>> busy_;
};

}  // namespace ocimirror::transfer
