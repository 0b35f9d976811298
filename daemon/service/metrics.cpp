#include "daemon/service/metrics.hpp"

#include <prometheus/text_serializer.h>

namespace ocimirror::daemon {
namespace pm = prometheus;

namespace {
pm::Family<pm::Counter>& counter(pm::Registry& r, const char* name, const char* help) {
  return pm::BuildCounter().Name(name).Help(help).Register(r);
}
pm::Family<pm::Gauge>& gauge(pm::Registry& r, const char* name, const char* help) {
  return pm::BuildGauge().Name(name).Help(help).Register(r);
}
}  // namespace

metrics::metrics()
    : registry_(std::make_shared<pm::Registry>()),
      blob_bytes_(counter(*registry_, "ocimirror_blob_bytes_total", "Blob bytes copied to destinations").Add({})),
      blobs_(counter(*registry_, "ocimirror_blobs_total",
                     "Blobs by outcome: copied, mounted (cross-repository), skipped (already there), failed")),
      manifests_(
          counter(*registry_, "ocimirror_manifests_total", "Tags by outcome: pushed, skipped (already there), failed")),
      runs_(counter(*registry_, "ocimirror_policy_runs_total",
                    "Finished policy runs by result: success, failure, interrupted")),
      failures_(counter(*registry_, "ocimirror_policy_failures_total",
                        "What failed in policy runs (a tag's copy, a listing, a prune...) by policy and error kind")),
      last_success_(gauge(*registry_, "ocimirror_policy_last_success_timestamp_seconds",
                          "Unix time the policy's last successful run ended")),
      duration_(pm::BuildHistogram()
                    .Name("ocimirror_policy_run_duration_seconds")
                    .Help("Wall time of policy runs")
                    .Register(*registry_)),
      requests_(counter(*registry_, "ocimirror_registry_requests_total", "Registry responses by HTTP status code")),
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
      unverified_(counter(*registry_, "ocimirror_tags_unverified_total",
                          "Tags the signature gate kept out (no signature by the trusted key)")) {
  for (const char* r : {"copied", "mounted", "skipped", "failed"}) blobs_.Add({{"result", r}});
  for (const char* r : {"pushed", "skipped", "failed"}) manifests_.Add({{"result", r}});
}

void metrics::response(const std::string& registry, unsigned status) {
  requests_.Add({{"registry", registry}, {"code", std::to_string(status)}}).Increment();
  if (status == 429) throttled_.Add({{"registry", registry}}).Increment();
}

void metrics::waited(const std::string& registry, double seconds) {
  waited_.Add({{"registry", registry}}).Increment(seconds);
}

void metrics::run_finished(const policy_report& r, std::size_t blobs_failed, double end_unix_seconds) {
  const auto& b = r.blobs;
  blob_bytes_.Increment(static_cast<double>(b.bytes_copied));
  blobs_.Add({{"result", "copied"}}).Increment(static_cast<double>(b.blobs_copied));
  blobs_.Add({{"result", "mounted"}}).Increment(static_cast<double>(b.blobs_mounted));
  blobs_.Add({{"result", "skipped"}}).Increment(static_cast<double>(b.blobs_skipped));
  blobs_.Add({{"result", "failed"}}).Increment(static_cast<double>(blobs_failed));
  manifests_.Add({{"result", "pushed"}}).Increment(static_cast<double>(b.manifests_pushed));
  manifests_.Add({{"result", "skipped"}}).Increment(static_cast<double>(b.manifests_skipped));
  manifests_.Add({{"result", "failed"}}).Increment(static_cast<double>(r.failures.size()));
  std::size_t hits = 0;
  for (const auto& it : r.plan) hits += it.cached ? 1 : 0;
  cache_hits_.Increment(static_cast<double>(hits));
  unverified_.Add({{"policy", r.name}}).Increment(static_cast<double>(r.unverified.size()));
  const char* result = !r.failures.empty() ? "failure" : r.interrupted ? "interrupted" : "success";
  runs_.Add({{"policy", r.name}, {"result", result}}).Increment();
  for (const auto& f : r.failures)
    failures_.Add({{"policy", r.name}, {"kind", std::string(transfer::errc_name(f.kind))}}).Increment();
  static const pm::Histogram::BucketBoundaries buckets{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200};
  duration_.Add({{"policy", r.name}}, buckets).Observe(r.seconds);
  if (r.failures.empty() && !r.interrupted) set_last_success(r.name, end_unix_seconds);
}

void metrics::reload(bool ok) { reloads_.Add({{"result", ok ? "success" : "failure"}}).Increment(); }
void metrics::set_inflight(std::size_t n) { inflight_.Set(static_cast<double>(n)); }
void metrics::set_limits(const std::map<std::string, std::size_t>& by_registry) {
  for (const auto& [name, n] : by_registry) limits_.Add({{"registry", name}}).Set(static_cast<double>(n));
}
void metrics::set_running(const std::string& policy, bool running) {
  running_.Add({{"policy", policy}}).Set(running ? 1 : 0);
}
void metrics::set_last_success(const std::string& policy, double t) { last_success_.Add({{"policy", policy}}).Set(t); }

std::string metrics::text() const { return pm::TextSerializer().Serialize(registry_->Collect()); }

}  // namespace ocimirror::daemon
