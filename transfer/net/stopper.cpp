#include "transfer/net/stopper.hpp"

#include "transfer/oci/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <utility>

namespace ocimirror::transfer {

stopper::hook& stopper::hook::operator=(hook&& o) noexcept {
  if (this != &o) {
    release();
    owner_ = std::exchange(o.owner_, nullptr);
    id_ = o.id_;
  }
  return *this;
}

void stopper::hook::release() {
  if (owner_) owner_->live_.erase(id_);
  owner_ = nullptr;
}

void stopper::stop() {
  stopped_ = true;
  auto live = std::move(live_);  // a cancel may release other hooks: run them from a copy
  live_.clear();
  for (auto& [id, cancel] : live) cancel();
}

stopper::hook stopper::watch(std::function<void()> cancel) {
  if (stopped_) {
    cancel();
    return {};
  }
  const auto id = next_++;
  live_.emplace(id, std::move(cancel));
  return {this, id};
}

void stopper::check(std::string_view what) const {
  if (stopped_) throw error(errc::cancelled, std::string(what) + " was stopped: ocimirror is shutting down");
}

boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d, stopper* s) {
  // Already stopped: watch() would cancel a timer not yet waited on, and the wait would run its full length.
  if (s) s->check("a pause before retrying");
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
  t.expires_after(d);
  stopper::hook h;
  if (s) h = s->watch([&t] { t.cancel(); });
  co_await t.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  if (s) s->check("a pause before retrying");
}

}  // namespace ocimirror::transfer
