#pragma once
// What concurrent copies of one run share about destination registries: which digests are being written right
// now (a second writer waits for the first instead of writing the same bytes again; distribution's filesystem
// driver rewrites link files non-atomically, and a manifest PUT that reads one mid-write fails with DIGEST_INVALID),
// and which repository is known to hold a digest (so other repositories of that registry mount it instead of
// copying). Single-threaded, like the io_context that runs the copies.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace ocimirror::transfer {

class blob_gate {
 public:
  /// Held while one copy writes a digest to a registry; waiters resume when it is released.
  class lease {
   public:
    lease(blob_gate* g, std::string key) : g_(g), key_(std::move(key)) {}
    lease(lease&& o) noexcept : g_(std::exchange(o.g_, nullptr)), key_(std::move(o.key_)) {}
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    lease& operator=(lease&&) = delete;
    ~lease() {
      if (!g_) return;
      auto it = g_->writing_.find(key_);
      if (it != g_->writing_.end()) {
        it->second->cancel();
        g_->writing_.erase(it);
      }
    }

   private:
    blob_gate* g_;
    std::string key_;
  };

  /// Waits until nobody else writes `digest` to `registry`, then takes the lease on it.
  boost::asio::awaitable<lease> acquire(const std::string& registry, const std::string& digest) {
    const std::string key = registry + " " + digest;
    for (;;) {
      auto it = writing_.find(key);
      if (it == writing_.end()) break;
      auto timer = it->second;  // keep it alive while waiting
      co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    auto ex = co_await boost::asio::this_coro::executor;
    writing_[key] = std::make_shared<boost::asio::steady_timer>(ex, boost::asio::steady_timer::time_point::max());
    co_return lease(this, key);
  }

  /// A repository of `registry` that holds `digest`, learnt during this run.
  std::optional<std::string> holder(const std::string& registry, const std::string& digest) const {
    auto it = holders_.find(registry + " " + digest);
    if (it == holders_.end()) return std::nullopt;
    return it->second;
  }
  void record(const std::string& registry, const std::string& digest, const std::string& repository) {
    holders_[registry + " " + digest] = repository;
  }

 private:
  std::map<std::string, std::shared_ptr<boost::asio::steady_timer>> writing_;
  std::map<std::string, std::string> holders_;
};

}  // namespace ocimirror::transfer
