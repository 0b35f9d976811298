#pragma once
// `ocimirror daemon`: runs every policy on its schedule with one engine (one io_context, shared registry limits) and
// one cache, serves the admin API, reloads on SIGHUP (a bad file keeps the old configuration running), drains on
// SIGTERM/SIGINT (no new work; transfers in flight get drain_timeout, then are cancelled and unwind; the loop ends,
// everything is closed in order, exit 0; the next start resumes what was cut off), and speaks
// the systemd notify protocol (READY, RELOADING, STOPPING, WATCHDOG).
#include "cache/mirror_cache.hpp"
#include "config/mirror_config.hpp"
#include "daemon/run/session.hpp"
#include "daemon/service/admin_server.hpp"
#include "daemon/service/metrics.hpp"
#include "daemon/service/run_record.hpp"
#include "policy/shard.hpp"
#include "transfer/net/stopper.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace ocimirror::daemon {

struct daemon_options {
  std::string config_file;
  std::string state_dir;               ///< --state-dir: overrides the file's, on every reload too
  std::optional<std::string> listen;   ///< --listen: overrides daemon.listen
  bool allow_unauthenticated = false;  ///< --allow-unauthenticated: a non-loopback listen without daemon.token
  policy::shard shard;
  std::size_t jobs = 4, blob_jobs = 8;
  time_limits limits;
  transfer::pipe_options pipe;
};

/// A start the configuration or the arguments forbid (a listen address without a token, say): exit 2, which the
/// unit's RestartPreventExitStatus=2 takes as "do not restart until someone fixes it".
struct refusal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class service final : public admin_api {
 public:
  service(boost::asio::io_context& io, daemon_options opts, config::mirror_config cfg);
  ~service() override;
  /// Opens the cache, binds the admin API, schedules, and runs until drained. Returns the exit code. Throws
  /// std::runtime_error (cache locked, address in use) before anything started.
  int run();

  // admin_api
  std::string metrics_text() override;
  std::optional<std::string> not_ready() override;
  boost::json::object status() override;
  trigger_result trigger(const std::string& policy) override;
  std::string token() override;

 private:
  /// One loaded configuration and the registry clients made for it; a run keeps the one it started with.
  struct generation {
    config::mirror_config cfg;
    std::shared_ptr<session> engine;
  };
  struct policy_state {
    bool running = false;
    std::string trigger;  ///< of the run in progress
    policy::wall_time started{};
    std::shared_ptr<transfer::copy_progress> progress;  ///< of the run in progress
    std::optional<policy::wall_time> next;
    remembered memory;  ///< last run and last success (persisted)
  };

  std::shared_ptr<generation> make_generation(config::mirror_config cfg);
  void plan_next(const config::policy_config& p, policy_state& st);
  trigger_result start_run(const std::string& name, const std::string& trigger);
  boost::asio::awaitable<void> run_one(std::shared_ptr<generation> gen, std::string name);
  void finish_run(const std::string& name, const policy_report& report, std::size_t blobs_failed);
  boost::asio::awaitable<void> schedule_loop();
  boost::asio::awaitable<void> signal_loop();
  boost::asio::awaitable<void> watchdog_loop(std::chrono::microseconds every);
  void reload();
  void drain(int signal);
  /// The drain deadline passed: every transfer still in flight is cancelled (it fails with errc::cancelled and
  /// its run ends as interrupted).
  void cancel_in_flight();
  std::size_t mark_interrupted(const std::string& why);
  /// Nothing runs any more: the signals, timers and admin API are closed, so the loop ends and run() returns.
  void shutdown(const std::string& why);
  /// Ends the process after `grace` if the loop has not ended by then (something did not unwind).
  void arm_last_resort(std::chrono::seconds grace);
  void persist();
  [[noreturn]] void exit_now(const char* why);
  std::size_t running_count() const;

  boost::asio::io_context& io_;
  daemon_options opts_;
  transfer::stopper stop_;  ///< every session's clients consult it; outlives them
  std::shared_ptr<generation> gen_;
  std::unique_ptr<cache::mirror_cache> cache_;
  std::map<std::string, policy_state> states_;
  metrics metrics_;
  admin_server admin_;
  boost::asio::signal_set signals_;
  boost::asio::system_timer wake_;
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer watchdog_;
  bool shut_down_ = false;    ///< shutdown() ran: nothing may wait on the loop any more
  std::string stop_reason_;   ///< why the drain ends, for the last log line
  std::string bound_;         ///< the admin API's address as bound
  std::jthread last_resort_;  ///< last: destroyed (stopped and joined) first
};

}  // namespace ocimirror::daemon
