#include "daemon/service/metrics.hpp"

#include "daemon/service/process_stats.hpp"
#include "transfer/oci/errors.hpp"

#include <prometheus/text_serializer.h>

#include <algorithm>

namespace ocimirror::daemon {
namespace pm = prometheus;

namespace {
pm::Family<pm::Counter>& counter(pm::Registry& r, const char* name, const char* help) {
  return pm::BuildCounter().Name(name).Help(help).Register(r);
}
pm::Family<pm::Gauge>& gauge(pm::Registry& r, const char* name, const char* help) {
  return pm::BuildGauge().Name(name).Help(help).Register(r);
}
pm::Family<pm::Histogram>& histogram(pm::Registry& r, const char* name, const char* help) {
  return pm::BuildHistogram().Name(name).Help(help).Register(r);
}

const pm::Histogram::BucketBoundaries run_buckets{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200};
const pm::Histogram::BucketBoundaries request_buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
constexpr const char* blob_results[] = {"copied", "mounted", "skipped", "failed"};
constexpr const char* tag_results[] = {"pushed", "skipped", "failed"};
constexpr const char* run_results[] = {"success", "failure", "empty", "interrupted"};

pm::MetricFamily one(const char* name, const char* help, pm::MetricType type, double value) {
  pm::ClientMetric m;
  (type == pm::MetricType::Counter ? m.counter.value : m.gauge.value) = value;
  return {name, help, type, {m}};
}

/// The process_* families every Prometheus client library exports, from /proc now (none where it cannot be read).
std::vector<pm::MetricFamily> process_families() {
  auto p = read_process_stats();
  if (!p) return {};
  using T = pm::MetricType;
  return {
      one("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", T::Counter, p->cpu_seconds),
      one("process_resident_memory_bytes", "Resident memory size in bytes.", T::Gauge,
          static_cast<double>(p->resident_bytes)),
      one("process_virtual_memory_bytes", "Virtual memory size in bytes.", T::Gauge,
          static_cast<double>(p->virtual_bytes)),
      one("process_open_fds", "Number of open file descriptors.", T::Gauge, static_cast<double>(p->open_fds)),
      one("process_max_fds", "Maximum number of open file descriptors.", T::Gauge, static_cast<double>(p->max_fds)),
      one("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", T::Gauge,
          p->start_time_seconds)};
}
}  // namespace

metrics::metrics(const std::string& version, const std::string& commit)
    : registry_(std::make_shared<pm::Registry>()),
      blob_bytes_(counter(*registry_, "ocimirror_blob_bytes_total", "Blob bytes copied to destinations, by policy")),
      blobs_(counter(*registry_, "ocimirror_blobs_total",
                     "Blobs by policy and outcome: copied, mounted (cross-repository), skipped (already there), "
                     "failed")),
      manifests_(counter(*registry_, "ocimirror_manifests_total",
                         "Tags by policy and outcome: pushed, skipped (already there), failed")),
      runs_(counter(*registry_, "ocimirror_policy_runs_total",
                    "Finished policy runs by result: success, failure, empty (selected nothing), interrupted")),
      failures_(counter(*registry_, "ocimirror_policy_failures_total",
                        "What failed in policy runs (a tag's copy, a listing, a prune...) by policy and error kind")),
      last_success_(gauge(*registry_, "ocimirror_policy_last_success_timestamp_seconds",
                          "Unix time the policy's last successful run ended; 0 until it has succeeded once")),
      last_run_success_(
          gauge(*registry_, "ocimirror_policy_last_run_success",
                "1 when the policy's last finished run succeeded, 0 when it failed, selected nothing or none "
                "has run")),
      last_run_time_(gauge(*registry_, "ocimirror_policy_last_run_timestamp_seconds",
                           "Unix time the policy's last finished run (success or failure) ended; 0 before the first")),
      next_run_(gauge(*registry_, "ocimirror_policy_next_run_timestamp_seconds",
                      "Unix time the policy is scheduled to run next; 0 while it runs or when it has no schedule")),
      period_(gauge(*registry_, "ocimirror_policy_schedule_period_seconds",
                    "Seconds between two scheduled runs of the policy (its `every:`, or the gap between its cron "
                    "schedule's next two times); 0 when it runs only when triggered")),
      selected_(gauge(*registry_, "ocimirror_policy_last_run_selected_tags",
                      "Source tags the last finished run's repository patterns and tag rules selected; 0 when it "
                      "selected nothing (a typo in `repositories:` or `from:`, most often)")),
      empty_(gauge(*registry_, "ocimirror_policy_last_run_empty",
                   "1 when the policy's last finished run selected nothing (its outcome was `empty`), else 0")),
      duration_(histogram(*registry_, "ocimirror_policy_run_duration_seconds", "Wall time of policy runs")),
      requests_(counter(*registry_, "ocimirror_registry_requests_total", "Registry responses by HTTP status code")),
      request_seconds_(histogram(*registry_, "ocimirror_registry_request_duration_seconds",
                                 "Registry request time by method: the whole exchange (a blob GET until its "
                                 "headers; its bytes are ocimirror_blob_bytes_total)")),
      throttled_(counter(*registry_, "ocimirror_registry_throttled_total", "Registry responses 429 Too Many Requests")),
      waited_(
          counter(*registry_, "ocimirror_registry_wait_seconds_total",
                  "Seconds spent waiting on a registry: pacing by its rate-limit headers and waits before retries")),
      inflight_(gauge(*registry_, "ocimirror_inflight_transfers", "Blob transfers in progress").Add({})),
      limits_(gauge(*registry_, "ocimirror_registry_concurrency_limit",
                    "Requests and blob transfers the engine lets run at once against the registry now (adaptive: "
                    "halved on 429/503, cut when answers queue, grown by one per clean round)")),
      cache_hits_(counter(*registry_, "ocimirror_cache_hits_total",
                          "Tags found unchanged by the digest cache without asking the destination")
                      .Add({})),
      running_(gauge(*registry_, "ocimirror_policy_running", "1 while the policy runs")),
      reloads_(counter(*registry_, "ocimirror_config_reloads_total", "SIGHUP reloads by result: success, failure")),
      reload_ok_(gauge(*registry_, "ocimirror_config_last_reload_successful",
                       "1 when the configuration in use came from the last load or reload, 0 when that was rejected")
                     .Add({})),
      reload_time_(gauge(*registry_, "ocimirror_config_last_reload_success_timestamp_seconds",
                         "Unix time the configuration in use was loaded")
                       .Add({})),
      unverified_(counter(*registry_, "ocimirror_tags_unverified_total",
                          "Tags the signature gate kept out (no signature by a trusted signer)")) {
  gauge(*registry_, "ocimirror_build_info", "1, labelled with the version and the commit it was built from")
      .Add({{"version", version}, {"commit", commit}})
      .Set(1);
  for (const char* r : {"success", "failure"}) reloads_.Add({{"result", r}});
  reload_ok_.Set(1);
}

void metrics::policies(const std::vector<std::string>& names) {
  for (const auto& gone : policies_)
    if (std::find(names.begin(), names.end(), gone) == names.end()) forget(gone);
  for (const auto& p : names) {
    blob_bytes_.Add({{"policy", p}});
    for (const char* r : blob_results) blobs_.Add({{"policy", p}, {"result", r}});
    for (const char* r : tag_results) manifests_.Add({{"policy", p}, {"result", r}});
    for (const char* r : run_results) runs_.Add({{"policy", p}, {"result", r}});
    for (auto* f : policy_gauges()) f->Add({{"policy", p}});
    duration_.Add({{"policy", p}}, run_buckets);
    unverified_.Add({{"policy", p}});
    // Every kind a run can report (a drain's `cancelled` becomes an interrupted run, not a failure).
    for (auto k = static_cast<int>(transfer::errc::bad_reference); k < static_cast<int>(transfer::errc::cancelled); ++k)
      failures_.Add({{"policy", p}, {"kind", std::string(transfer::errc_name(static_cast<transfer::errc>(k)))}});
  }
  policies_ = names;
}

void metrics::forget(const std::string& policy) {
  for (auto* f : policy_gauges()) f->Remove(&f->Add({{"policy", policy}}));
}

std::array<prometheus::Family<prometheus::Gauge>*, 8> metrics::policy_gauges() {
  return {&last_success_, &last_run_success_, &last_run_time_, &next_run_, &running_, &period_, &selected_, &empty_};
}

void metrics::response(const std::string& registry, const transfer::registry_client::response_seen& r) {
  requests_.Add({{"registry", registry}, {"code", std::to_string(r.status)}}).Increment();
  request_seconds_.Add({{"registry", registry}, {"method", std::string(r.method)}}, request_buckets).Observe(r.seconds);
  // From a registry's first response on, its throttling and waiting series exist (at 0), so rate() sees them.
  auto& throttled = throttled_.Add({{"registry", registry}});
  waited_.Add({{"registry", registry}});
  if (r.status == 429) throttled.Increment();
}

void metrics::waited(const std::string& registry, double seconds) {
  waited_.Add({{"registry", registry}}).Increment(seconds);
}

void metrics::run_finished(const policy_report& r, std::size_t blobs_failed, double end_unix_seconds) {
  const auto& b = r.blobs;
  const pm::Labels policy{{"policy", r.name}};
  auto with = [&](const char* result) {
    auto l = policy;
    l["result"] = result;
    return l;
  };
  blob_bytes_.Add(policy).Increment(static_cast<double>(b.bytes_copied));
  blobs_.Add(with("copied")).Increment(static_cast<double>(b.blobs_copied));
  blobs_.Add(with("mounted")).Increment(static_cast<double>(b.blobs_mounted));
  blobs_.Add(with("skipped")).Increment(static_cast<double>(b.blobs_skipped));
  blobs_.Add(with("failed")).Increment(static_cast<double>(blobs_failed));
  manifests_.Add(with("pushed")).Increment(static_cast<double>(b.manifests_pushed));
  manifests_.Add(with("skipped")).Increment(static_cast<double>(b.manifests_skipped));
  manifests_.Add(with("failed")).Increment(static_cast<double>(r.failures.size()));
  std::size_t hits = 0;
  for (const auto& it : r.plan) hits += it.cached ? 1 : 0;
  cache_hits_.Increment(static_cast<double>(hits));
  unverified_.Add(policy).Increment(static_cast<double>(r.unverified.size()));
  const auto outcome = outcome_of(r);
  const char* result = to_string(outcome);
  runs_.Add(with(result)).Increment();
  for (const auto& f : r.failures)
    failures_.Add({{"policy", r.name}, {"kind", std::string(transfer::errc_name(f.kind))}}).Increment();
  duration_.Add(policy, run_buckets).Observe(r.seconds);
  if (outcome != run_outcome::interrupted) {
    set_last_run(r.name, outcome, end_unix_seconds, r.selected);
  }
  if (outcome == run_outcome::success) set_last_success(r.name, end_unix_seconds);
}

void metrics::set_last_run(const std::string& policy, run_outcome outcome, double t, std::size_t selected) {
  last_run_success_.Add({{"policy", policy}}).Set(outcome == run_outcome::success ? 1 : 0);
  empty_.Add({{"policy", policy}}).Set(outcome == run_outcome::empty ? 1 : 0);
  selected_.Add({{"policy", policy}}).Set(static_cast<double>(selected));
  last_run_time_.Add({{"policy", policy}}).Set(t);
}

void metrics::reload(bool ok, double t) {
  reloads_.Add({{"result", ok ? "success" : "failure"}}).Increment();
  reload_ok_.Set(ok ? 1 : 0);
  if (ok) reload_time_.Set(t);
}
void metrics::loaded(double t) { reload_time_.Set(t); }
void metrics::set_inflight(std::size_t n) { inflight_.Set(static_cast<double>(n)); }
void metrics::set_limits(const std::map<std::string, std::size_t>& by_registry) {
  for (const auto& [name, n] : by_registry) limits_.Add({{"registry", name}}).Set(static_cast<double>(n));
}
void metrics::set_running(const std::string& policy, bool running) {
  running_.Add({{"policy", policy}}).Set(running ? 1 : 0);
}
void metrics::set_next_run(const std::string& policy, std::optional<double> t) {
  next_run_.Add({{"policy", policy}}).Set(t.value_or(0));
}
void metrics::set_schedule_period(const std::string& policy, double seconds) {
  period_.Add({{"policy", policy}}).Set(seconds);
}
void metrics::set_last_success(const std::string& policy, double t) { last_success_.Add({{"policy", policy}}).Set(t); }

std::string metrics::text() const {
  auto families = registry_->Collect();
  for (auto& f : process_families()) families.push_back(std::move(f));
  return pm::TextSerializer().Serialize(families);
}

}  // namespace ocimirror::daemon
