// The daemon's runs: the schedule loop, starting and finishing policy runs, and what the admin API reports.
#include "daemon/service/service.hpp"
#include "daemon/version.hpp"

#include "daemon/service/log.hpp"
#include "daemon/service/scheduling.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace ocimirror::daemon {
namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::system_clock;

void service::plan_next(const config::policy_config& p, policy_state& st) {
  std::optional<policy::wall_time> last_start;
  if (st.memory.last) last_start = st.memory.last->start;
  st.next = next_scheduled(p, last_start, system_clock::now(), jitter_seed(p.name, opts_.shard));
}

asio::awaitable<void> service::schedule_loop() {
  while (!stop_.draining()) {
    const auto now = system_clock::now();
    auto wake_at = now + std::chrono::seconds(60);  // re-read the clock at least every minute (clock changes)
    for (const auto& p : gen_->cfg.policies) {
      auto& st = states_[p.name];
      if (st.running || !st.next) continue;
      if (*st.next <= now)
        start_run(p.name, "schedule");
      else
        wake_at = std::min(wake_at, *st.next);
    }
    wake_.expires_at(wake_at);
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));  // cancelled on reload and when a run ends
  }
}

trigger_result service::trigger(const std::string& policy) { return start_run(policy, "manual"); }

trigger_result service::start_run(const std::string& name, const std::string& trigger) {
  if (stop_.draining()) return trigger_result::draining;
  if (!gen_->cfg.find(name)) return trigger_result::unknown;
  auto& st = states_[name];
  if (st.running) return trigger_result::running;  // a policy never overlaps itself
  st.running = true;
  st.trigger = trigger;
  st.started = system_clock::now();
  st.progress = std::make_shared<transfer::copy_progress>();
  st.next.reset();
  metrics_.set_running(name, true);
  log::info("policy run started", {{"policy", name}, {"trigger", trigger}});
  auto gen = gen_;
  std::string policy = name;
  asio::co_spawn(io_, run_one(gen, policy), asio::detached);
  return trigger_result::started;
}

asio::awaitable<void> service::run_one(std::shared_ptr<generation> gen, std::string name) {
  const auto& p = *gen->cfg.find(name);
  auto progress = states_[name].progress;
  run_options ro;
  ro.shard = opts_.shard;
  ro.parallel_tags = tags_at_once(opts_.jobs, gen->cfg.registries, p);
  ro.parallel_blobs = std::max<std::size_t>(opts_.blob_jobs, 1);
  ro.progress = progress.get();
  ro.pipe = opts_.pipe;
  ro.stop = &stop_;
  policy_report report;
  std::string crashed;
  try {
    report = co_await run_policy(*gen->engine, p, *cache_, ro);
  } catch (const std::exception& e) {
    crashed = e.what();
  }
  if (!crashed.empty()) {
    report.name = name;
    report.failures.push_back({"policy " + name, crashed});
  }
  finish_run(name, report, progress->blobs_failed);
}

void service::finish_run(const std::string& name, const policy_report& report, std::size_t blobs_failed) {
  auto it = states_.find(name);
  auto& st = it->second;
  const auto end = system_clock::now();
  const auto rec = record_of(report, st.started, end, st.trigger);
  st.running = false;
  st.progress.reset();
  st.memory.last = rec;
  if (rec.result == "success") st.memory.last_success = end;
  metrics_.run_finished(report, blobs_failed, unix_seconds(end));
  metrics_.set_running(name, false);
  if (!gen_->cfg.find(name)) metrics_.forget(name);  // removed by a reload while it ran

  for (const auto& w : report.warnings) log::warn(w, {{"policy", name}});
  // One cause, one line: a group's count and every failure's name in the fields (at most a bounded number).
  // One cause, one line: the record's groups (run_record.cpp bounds each group's names) with the policy added.
  for (const auto& g : rec.failures) {
    json::object fields = g.as_object();
    const std::string message(fields["message"].as_string());
    fields.erase("message");
    fields["policy"] = name;
    log::error(message, fields);
  }
  if (!report.selected_nothing.empty()) log::error(report.selected_nothing, {{"policy", name}, {"kind", "empty"}});
  for (const auto& u : report.unverified)
    log::warn("not mirrored: no trusted signature",
              {{"policy", name}, {"tag", u.what}, {"refusal", u.refusal}, {"reason", u.message}});
  json::object fields{{"policy", name},
                      {"trigger", rec.trigger},
                      {"result", rec.result},
                      {"copied", rec.copied},
                      {"unchanged", rec.unchanged},
                      {"pruned", rec.pruned},
                      {"failed", rec.failed},
                      {"cacheHits", rec.cache_hits},
                      {"interrupted", rec.interrupted},
                      {"blobsCopied", rec.blobs_copied},
                      {"blobsMounted", rec.blobs_mounted},
                      {"bytes", rec.bytes},
                      {"seconds", rec.seconds},
                      {"unverified", report.unverified.size()},
                      {"referrers", report.referrers + report.cosign_tags}};
  if (!rec.error.empty()) fields["error"] = rec.error;
  const std::string summary = "policy run " + rec.result + ": " + std::to_string(rec.copied) + " copied, " +
                              std::to_string(rec.unchanged) + " unchanged, " + std::to_string(rec.failed) + " failed";
  if (rec.result == "success")
    log::info(summary, fields);
  else
    log::warn(summary, fields);

  persist();
  if (stop_.draining()) {
    if (running_count() == 0) shutdown(stop_reason_);
    return;
  }
  if (const auto* p = gen_->cfg.find(name))
    plan_next(*p, st);
  else
    states_.erase(it);  // removed by a reload while it ran
  wake_.cancel();
}

void service::persist() {
  remembered_map m;
  for (const auto& [name, st] : states_) m[name] = st.memory;
  if (!write_status_file(gen_->cfg.state_dir, m))
    log::warn("cannot write " + gen_->cfg.state_dir + "/daemon-status.json (last runs are forgotten on restart)");
}

std::string service::metrics_text() {
  std::size_t active = 0;
  for (const auto& [name, st] : states_)
    if (st.progress) active += st.progress->blobs_active;
  metrics_.set_inflight(active);
  for (const auto& [name, st] : states_)
    if (gen_->cfg.find(name))
      metrics_.set_next_run(name, st.next ? std::optional<double>(unix_seconds(*st.next)) : std::nullopt);
  if (gen_->engine) metrics_.set_limits(gen_->engine->working_limits());
  return metrics_.text();
}

std::optional<std::string> service::not_ready() {
  if (!cache_) return "the cache is not open";
  if (stop_.draining()) return "shutting down";
  return std::nullopt;
}

std::string service::token() { return gen_->cfg.daemon.token; }

json::object service::status() {
  json::array policies;
  for (const auto& p : gen_->cfg.policies) {
    const auto& st = states_[p.name];
    json::object o{{"name", p.name},
                   {"source", p.from.str()},
                   {"destination", p.to.str()},
                   {"schedule", schedule_text(p)},
                   {"running", st.running}};
    if (st.running && st.progress) {
      const auto& pr = *st.progress;
      o["current"] =
          json::object{{"trigger", st.trigger},        {"start", rfc3339(st.started)}, {"blobsDone", pr.blobs_done},
                       {"blobsTotal", pr.blobs_total}, {"bytesDone", pr.bytes_done},   {"bytesTotal", pr.bytes_total}};
    }
    o["nextRun"] = st.next ? json::value(rfc3339(*st.next)) : json::value(nullptr);
    o["lastRun"] = st.memory.last ? json::value(to_json(*st.memory.last)) : json::value(nullptr);
    o["lastSuccess"] = st.memory.last_success ? json::value(rfc3339(*st.memory.last_success)) : json::value(nullptr);
    policies.push_back(std::move(o));
  }
  return {{"version", version},         {"config", gen_->cfg.file},     {"listen", bound_},
          {"shard", opts_.shard.str()}, {"draining", stop_.draining()}, {"policies", std::move(policies)}};
}

}  // namespace ocimirror::daemon
