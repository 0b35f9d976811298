#pragma once
// The daemon's Prometheus metrics (prometheus-cpp core, served by the admin API). Label sets stay small: policy,
// registry, HTTP code and a fixed result word; never a tag, digest or repository.
#include "daemon/run/sync_run.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>

namespace ocimirror::daemon {

class metrics {
 public:
  metrics();
  /// One registry response (every request the engine makes; 429 also counts as throttled).
  void response(const std::string& registry, unsigned status);
  /// A pause before a request to the registry: rate-limit pacing or the wait before a retry.
  void waited(const std::string& registry, double seconds);
  /// A finished policy run. `blobs_failed` comes from the run's progress counters (failed copies keep no stats).
  void run_finished(const policy_report& r, std::size_t blobs_failed, double end_unix_seconds);
  void reload(bool ok);
  /// Values read at scrape time.
  void set_inflight(std::size_t blob_transfers);
  /// Each registry's adaptive concurrency limit (what the engine found the registry and the link take).
  void set_limits(const std::map<std::string, std::size_t>& by_registry);
  void set_running(const std::string& policy, bool running);
  /// Restores the last success time persisted by an earlier process, so the gauge survives restarts.
  void set_last_success(const std::string& policy, double unix_seconds);
  /// The Prometheus text exposition format (version 0.0.4).
  std::string text() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Counter& blob_bytes_;
  prometheus::Family<prometheus::Counter>& blobs_;
  prometheus::Family<prometheus::Counter>& manifests_;
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& throttled_;
  prometheus::Family<prometheus::Counter>& waited_;
  prometheus::Gauge& inflight_;
  prometheus::Family<prometheus::Gauge>& limits_;
  prometheus::Counter& cache_hits_;
  prometheus::Family<prometheus::Gauge>& running_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Family<prometheus::Counter>& unverified_;
};

}  // namespace ocimirror::daemon
