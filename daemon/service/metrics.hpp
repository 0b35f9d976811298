#pragma once
// The daemon's Prometheus metrics (prometheus-cpp core, served by the admin API). Label sets stay small: policy,
// registry, method, HTTP code and a fixed result word; never a tag, digest or repository. Every per-policy series
// exists from the moment its policy is configured (0 before its first run), so alerts see a policy that never
// succeeded; the standard process_* series are read from /proc at scrape time.
#include "daemon/run/sync_run.hpp"
#include "transfer/registry/registry.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocimirror::daemon {

class metrics {
 public:
  /// ocimirror_build_info{version,commit} is 1 from the start.
  metrics(const std::string& version, const std::string& commit);
  /// The configured policies: each one's series are created at 0; a policy no longer configured loses its gauges
  /// (its counters stay, as counters do).
  void policies(const std::vector<std::string>& names);
  /// Drops a policy's gauges (one removed from the configuration, whose last run has ended).
  void forget(const std::string& policy);
  /// One registry response (every request the engine makes; 429 also counts as throttled).
  void response(const std::string& registry, const transfer::registry_client::response_seen& r);
  /// A pause before a request to the registry: rate-limit pacing or the wait before a retry.
  void waited(const std::string& registry, double seconds);
  /// A finished policy run. `blobs_failed` comes from the run's progress counters (failed copies keep no stats).
  void run_finished(const policy_report& r, std::size_t blobs_failed, double end_unix_seconds);
  /// A finished run's outcome (success, failure or empty), and how many tags it selected (an interrupted run changes
  /// neither). Restored at start.
  void set_last_run(const std::string& policy, run_outcome outcome, double end_unix_seconds, std::size_t selected);
  void reload(bool ok, double unix_seconds);
  /// The configuration in use was loaded at start (not a reload: the reload counters stay).
  void loaded(double unix_seconds);
  /// Values read at scrape time.
  void set_inflight(std::size_t blob_transfers);
  /// Each registry's adaptive concurrency limit (what the engine found the registry and the link take).
  void set_limits(const std::map<std::string, std::size_t>& by_registry);
  void set_running(const std::string& policy, bool running);
  /// When the policy runs next (nullopt: not scheduled now, it is running or has no schedule).
  void set_next_run(const std::string& policy, std::optional<double> unix_seconds);
  /// Seconds between two scheduled runs (0: triggered only), for alerts that wait a number of periods.
  void set_schedule_period(const std::string& policy, double seconds);
  /// Restores the last success time persisted by an earlier process, so the gauge survives restarts.
  void set_last_success(const std::string& policy, double unix_seconds);
  /// The Prometheus text exposition format (version 0.0.4).
  std::string text() const;

 private:
  /// Every gauge with one series per policy: made with the policy, dropped with it (one list, so none is missed).
  std::array<prometheus::Family<prometheus::Gauge>*, 8> policy_gauges();

  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::string> policies_;
  prometheus::Family<prometheus::Counter>& blob_bytes_;
  prometheus::Family<prometheus::Counter>& blobs_;
  prometheus::Family<prometheus::Counter>& manifests_;
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Gauge>& last_run_success_;
  prometheus::Family<prometheus::Gauge>& last_run_time_;
  prometheus::Family<prometheus::Gauge>& next_run_;
  prometheus::Family<prometheus::Gauge>& period_;
  prometheus::Family<prometheus::Gauge>& selected_;
  prometheus::Family<prometheus::Gauge>& empty_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& request_seconds_;
  prometheus::Family<prometheus::Counter>& throttled_;
  prometheus::Family<prometheus::Counter>& waited_;
  prometheus::Gauge& inflight_;
  prometheus::Family<prometheus::Gauge>& limits_;
  prometheus::Counter& cache_hits_;
  prometheus::Family<prometheus::Gauge>& running_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Gauge& reload_ok_;
  prometheus::Gauge& reload_time_;
  prometheus::Family<prometheus::Counter>& unverified_;
};

}  // namespace ocimirror::daemon
