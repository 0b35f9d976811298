// The daemon's lifecycle: start, SIGHUP reload, SIGTERM/SIGINT drain, the systemd watchdog.
#include "daemon/service/service.hpp"
#include "daemon/exit_codes.hpp"

#include "daemon/run/run_config.hpp"
#include "daemon/service/log.hpp"
#include "daemon/service/scheduling.hpp"
#include "daemon/service/sd_notify.hpp"
#include "daemon/version.hpp"
#include "policy/next_run.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include <csignal>
#include <cstdlib>

namespace ocimirror::daemon {
namespace asio = boost::asio;
namespace json = boost::json;

namespace {
std::vector<std::string> policy_names(const config::mirror_config& cfg) {
  std::vector<std::string> out;
  for (const auto& p : cfg.policies) out.push_back(p.name);
  return out;
}
}  // namespace

service::service(asio::io_context& io, daemon_options opts, config::mirror_config cfg)
    : io_(io),
      opts_(std::move(opts)),
      metrics_(version, commit),
      admin_(io, *this),
      signals_(io, SIGHUP, SIGTERM, SIGINT),
      wake_(io),
      deadline_(io),
      watchdog_(io) {
  gen_ = make_generation(std::move(cfg));
}

service::~service() = default;

std::shared_ptr<service::generation> service::make_generation(config::mirror_config cfg) {
  if (!opts_.state_dir.empty()) cfg.state_dir = opts_.state_dir;
  resolve_state_dir(cfg);
  auto g = std::make_shared<generation>();
  g->engine = std::make_shared<session>(io_, cfg.registries, opts_.limits, credentials_of(cfg), &stop_);
  g->engine->observe([this](const std::string& registry, const transfer::registry_client::response_seen& r) {
    metrics_.response(registry, r);
  });
  g->engine->observe_waits([this](const std::string& registry, std::chrono::milliseconds d) {
    metrics_.waited(registry, std::chrono::duration<double>(d).count());
  });
  g->cfg = std::move(cfg);
  return g;
}

namespace {
/// Each policy's schedule period as a metric: `every:` itself, or a cron schedule's longest gap (cron_period).
void export_schedules(metrics& m, const config::mirror_config& cfg) {
  const auto now = std::chrono::system_clock::now();
  for (const auto& p : cfg.policies) {
    double period = 0;
    if (p.every) period = static_cast<double>(p.every->count());
    if (p.cron) period = static_cast<double>(policy::cron_period(*p.cron, now).count());
    m.set_schedule_period(p.name, period);
  }
}
}  // namespace

int service::run() {
  const auto& cfg = gen_->cfg;
  std::string warning;
  cache_ =
      std::make_unique<cache::mirror_cache>(cache::store::open(cfg.state_dir, cache::store::mode::read_write, warning));
  if (!warning.empty()) log::warn(warning);
  auto remembered = read_status_file(cfg.state_dir);
  metrics_.policies(policy_names(cfg));
  metrics_.loaded(unix_seconds(std::chrono::system_clock::now()));
  export_schedules(metrics_, cfg);
  for (const auto& p : cfg.policies) {
    auto& st = states_[p.name];
    if (auto r = remembered.find(p.name); r != remembered.end()) st.memory = r->second;
    if (st.memory.last_success) metrics_.set_last_success(p.name, unix_seconds(*st.memory.last_success));
    if (const auto& last = st.memory.last; last && last->result != "interrupted")
      metrics_.set_last_run(p.name,
                            last->result == "success" ? run_outcome::success
                            : last->result == "empty" ? run_outcome::empty
                                                      : run_outcome::failure,
                            unix_seconds(last->end), last->selected);
  }
  auto listen = config::parse_listen(opts_.listen.value_or(cfg.daemon.listen()));
  if (!listen) throw refusal("--listen " + *opts_.listen + ": " + listen.error());
  // POST /v1/... starts runs: without a token, only this machine may reach it unless the operator says otherwise.
  if (!is_loopback_host(listen->first) && cfg.daemon.token.empty() && !opts_.allow_unauthenticated &&
      !cfg.daemon.allow_unauthenticated)
    throw refusal("refusing to serve the admin API on " + opts_.listen.value_or(cfg.daemon.listen()) +
                  " without daemon.token: anyone who reaches it could start runs; set daemon.token, listen on "
                  "loopback, or allow it explicitly (--allow-unauthenticated or daemon.allow_unauthenticated: true)");
  asio::ip::tcp::endpoint ep;
  try {
    ep = admin_.listen(listen->first, listen->second);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + " (set by " +
                             (opts_.listen ? std::string("--listen") : "daemon.listen in " + cfg.file) + ")");
  }
  config::daemon_config bound;
  bound.listen_host = ep.address().to_string();
  bound.listen_port = ep.port();
  bound_ = bound.listen();

  json::array names;
  for (const auto& p : cfg.policies) names.emplace_back(p.name + " (" + schedule_text(p) + ")");
  log::info("ocimirror daemon started", {{"config", cfg.file},
                                         {"stateDir", cfg.state_dir},
                                         {"listen", bound_},
                                         {"shard", opts_.shard.str()},
                                         {"policies", names}});
  asio::co_spawn(io_, signal_loop(), asio::detached);
  for (const auto& p : cfg.policies) {
    auto& st = states_[p.name];
    plan_next(p, st);
    if (st.memory.last && st.memory.last->result == "interrupted")
      start_run(p.name, "resume");
    else if (p.run_at_start)
      start_run(p.name, "start");
  }
  asio::co_spawn(io_, schedule_loop(), asio::detached);
  if (auto every = watchdog_interval()) asio::co_spawn(io_, watchdog_loop(*every), asio::detached);
  sd_notify("READY=1\nSTATUS=serving on " + bound_);
  io_.run();  // returns once a drain has closed everything (shutdown) and every run has unwound
  last_resort_.request_stop();
  log::info("stopped", {{"reason", stop_reason_}});
  return exit_ok;
}

asio::awaitable<void> service::signal_loop() {
  while (!shut_down_) {  // a drain that ends at once shuts down from inside this loop: no wait after it
    auto [ec, sig] = co_await signals_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    if (sig == SIGHUP)
      reload();
    else
      drain(sig);
  }
}

asio::awaitable<void> service::watchdog_loop(std::chrono::microseconds every) {
  for (;;) {
    sd_notify("WATCHDOG=1");  // from the event loop: a stuck loop stops the pings and systemd restarts the service
    watchdog_.expires_after(every);
    auto [ec] = co_await watchdog_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;  // cancelled by shutdown
  }
}

void service::reload() {
  if (stop_.draining()) {
    log::warn("SIGHUP ignored: the daemon is shutting down");
    return;
  }
  sd_notify("RELOADING=1");
  log::info("reloading the configuration", {{"config", opts_.config_file}});
  auto reject = [&](const std::string& why) {
    log::error("configuration rejected; the previous one keeps running",
               {{"config", opts_.config_file}, {"reason", why}});
    metrics_.reload(false, unix_seconds(std::chrono::system_clock::now()));
    sd_notify("READY=1\nSTATUS=reload rejected: " + why);
  };
  auto loaded = config::load_config_file(opts_.config_file);
  if (!loaded.config) {
    for (const auto& d : loaded.errors) log::error(d.str());
    return reject(std::to_string(loaded.errors.size()) + " problem(s) in the file");
  }
  auto next = make_generation(std::move(*loaded.config));
  if (next->cfg.state_dir != gen_->cfg.state_dir)
    return reject("state_dir changed (" + gen_->cfg.state_dir + " -> " + next->cfg.state_dir + "); restart to move it");
  if (!opts_.listen && next->cfg.daemon.listen() != gen_->cfg.daemon.listen())
    return reject("daemon.listen changed (" + gen_->cfg.daemon.listen() + " -> " + next->cfg.daemon.listen() +
                  "); restart to move it");
  json::array added, removed;
  for (const auto& p : next->cfg.policies)
    if (!gen_->cfg.find(p.name)) added.emplace_back(p.name);
  for (const auto& p : gen_->cfg.policies)
    if (!next->cfg.find(p.name)) removed.emplace_back(p.name);
  gen_ = std::move(next);  // runs in progress keep the generation they started with
  for (auto it = states_.begin(); it != states_.end();) {
    if (!gen_->cfg.find(it->first) && !it->second.running)
      it = states_.erase(it);
    else
      ++it;
  }
  for (const auto& p : gen_->cfg.policies) {
    auto& st = states_[p.name];
    if (!st.running) plan_next(p, st);
  }
  log::info("configuration reloaded",
            {{"policies", gen_->cfg.policies.size()}, {"added", added}, {"removed", removed}});
  metrics_.policies(policy_names(gen_->cfg));
  export_schedules(metrics_, gen_->cfg);
  metrics_.reload(true, unix_seconds(std::chrono::system_clock::now()));
  sd_notify("READY=1\nSTATUS=serving on " + bound_);
  wake_.cancel();
}

std::size_t service::running_count() const {
  std::size_t n = 0;
  for (const auto& [name, st] : states_) n += st.running ? 1 : 0;
  return n;
}

}  // namespace ocimirror::daemon
