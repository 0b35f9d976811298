// How the daemon stops. SIGTERM/SIGINT drain: no new runs or tags; transfers in flight get daemon.drain_timeout,
// then the process's stopper cancels them (every socket in use is closed, every backoff sleep woken), so each fails
// with errc::cancelled through its own error path and its run ends as interrupted. Once no run is left, shutdown()
// closes what still waits on the loop (signals, timers, the admin API), io_context::run returns, and everything
// is destroyed in order: the cache is closed by its destructor. What was cut off is as resumable as before:
// records are written per tag, chunked uploads journaled per PATCH, no manifest precedes its children.
#include "daemon/exit_codes.hpp"
#include "daemon/service/log.hpp"
#include "daemon/service/sd_notify.hpp"
#include "daemon/service/service.hpp"

#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <mutex>

namespace ocimirror::daemon {

void service::drain(int sig) {
  const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
  if (stop_.draining()) exit_now("a second signal");
  stop_.drain();
  sd_notify("STOPPING=1");
  wake_.cancel();
  const auto running = running_count();
  log::info("draining: no new runs or tags; transfers in flight may finish",
            {{"signal", name}, {"running", running}, {"deadlineSeconds", gen_->cfg.daemon.drain_timeout.count()}});
  if (running == 0) return shutdown("nothing was running");
  stop_reason_ = "every run in progress finished";
  deadline_.expires_after(gen_->cfg.daemon.drain_timeout);
  deadline_.async_wait([this](boost::system::error_code ec) {
    if (!ec) cancel_in_flight();
  });
}

// Each run in progress is remembered as interrupted now, in case the process ends before the run unwinds (a
// second signal, arm_last_resort); a run that does unwind replaces it with its own record. Returns the blob
// transfers in flight.
std::size_t service::mark_interrupted(const std::string& why) {
  std::size_t inflight = 0;
  for (auto& [name, st] : states_) {
    if (!st.running) continue;
    if (st.progress) inflight += st.progress->blobs_active;
    run_record cut;
    cut.start = st.started;
    cut.end = std::chrono::system_clock::now();
    cut.trigger = st.trigger;
    cut.result = "interrupted";
    cut.error = why;
    st.memory.last = cut;
  }
  persist();
  return inflight;
}

void service::cancel_in_flight() {
  stop_reason_ = "the drain deadline passed; what was cut off resumes on the next start";
  const auto inflight = mark_interrupted(stop_reason_);
  log::info("the drain deadline passed: cancelling transfers in flight", {{"blobTransfersCutOff", inflight}});
  arm_last_resort(std::chrono::seconds(5));
  stop_.stop();
}

void service::shutdown(const std::string& why) {
  shut_down_ = true;
  stop_reason_ = why;
  persist();
  boost::system::error_code ignored;
  signals_.cancel(ignored);
  wake_.cancel();
  deadline_.cancel();
  watchdog_.cancel();
  admin_.close();
  stop_.stop();  // idle pooled connections are closed too
  arm_last_resort(std::chrono::seconds(10));
}

void service::arm_last_resort(std::chrono::seconds grace) {
  if (last_resort_.joinable()) return;
  last_resort_ = std::jthread([grace](std::stop_token stopped) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, stopped, grace, [] { return false; });
    if (stopped.stop_requested()) return;
    // Something still waits on the loop: end the way a crash would, which the records and journals survive.
    log::error("the event loop did not wind down in time; ending the process", {{"graceSeconds", grace.count()}});
    log::flush();
    std::_Exit(exit_ok);
  });
}

void service::exit_now(const char* why) {
  const auto inflight = mark_interrupted(why);
  log::info("stopped", {{"reason", why}, {"blobTransfersCutOff", inflight}});
  // A second signal: the operator wants out now. Coroutines still suspended reference the engine and the cache, so
  // nothing is unwound: the loop stops, the cache is closed (RocksDB flushed, its lock released), the process ends.
  io_.stop();
  cache_.reset();
  log::flush();
  std::_Exit(exit_ok);
}

}  // namespace ocimirror::daemon
