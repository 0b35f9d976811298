#pragma once
// Stopping work, for a daemon that drains, in two steps on one switch. drain() asks for nothing new: runs read
// draining() before each tag and each prune. stop(), when the drain's deadline passes, stops network work at once.
// A stopper is shared by every HTTP client of a process: stop() closes each socket in use and wakes each backoff sleep,
// so whatever awaits them fails with errc::cancelled and unwinds through its own error path (a tag is counted as
// interrupted, an upload keeps its journal and resumes next time), and no new request starts. Asio's per-operation
// cancellation would need every spawned coroutine to forward it; one switch that the I/O layer consults reaches all of
// them.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <utility>

namespace ocimirror::transfer {

class stopper {
 public:
  /// While alive, stop() calls `cancel` (which closes a socket or cancels a timer). Moves, never copies.
  class hook {
   public:
    hook() = default;
    hook(stopper* s, std::uint64_t id) : owner_(s), id_(id) {}
    hook(hook&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)), id_(o.id_) {}
    hook& operator=(hook&& o) noexcept;
    hook(const hook&) = delete;
    hook& operator=(const hook&) = delete;
    ~hook() { release(); }

   private:
    void release();
    stopper* owner_ = nullptr;
    std::uint64_t id_ = 0;
  };

  stopper() = default;
  stopper(const stopper&) = delete;
  stopper& operator=(const stopper&) = delete;

  /// The first, soft stop (a drain): nothing new is started from here on, and what runs goes on to its end.
  void drain() { draining_ = true; }
  /// True once drain() or stop() was called: start nothing new.
  bool draining() const { return draining_ || stopped_; }
  bool stopped() const { return stopped_; }
  /// The hard stop: every watched operation is cancelled now, and stopped() is true from here on.
  void stop();
  /// Watches an operation; when already stopped, `cancel` runs at once.
  hook watch(std::function<void()> cancel);
  /// Throws errc::cancelled, naming `what`, when stopped.
  void check(std::string_view what) const;

 private:
  bool draining_ = false, stopped_ = false;
  std::uint64_t next_ = 0;
  std::map<std::uint64_t, std::function<void()>> live_;
};

/// Waits `d`, or less when s (may be null) stops; then throws errc::cancelled if it did.
boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d, stopper* s);

}  // namespace ocimirror::transfer
