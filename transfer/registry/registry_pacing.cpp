// registry_client's waiting: retries through the one retry owner, and pacing by the registry's rate-limit headers
// (the pure rate_pacer decides, this file sleeps), each pause counted for the report and the metrics.
#include "transfer/net/stopper.hpp"
#include "transfer/net/trace.hpp"
#include "transfer/registry/registry.hpp"

namespace ocimirror::transfer {

awaitable<bool> registry_client::retry(retry_budget& budget, std::string_view retry_after) {
  const auto before = retry_.waited();
  const bool again = co_await retry_.again(budget, retry_after);
  if (again) ++counters_.retries;
  waited(retry_.waited() - before);
  co_return again;
}

void registry_client::waited(std::chrono::milliseconds d) {
  if (d.count() <= 0) return;
  counters_.waited += d;
  if (wait_observer_) wait_observer_(name_, d);
}

void registry_client::read_rate(const string_response& res) {
  auto remaining = res["ratelimit-remaining"], limit = res["ratelimit-limit"], reset = res["ratelimit-reset"];
  if (remaining.empty()) {
    remaining = res["x-ratelimit-remaining"];
    limit = res["x-ratelimit-limit"];
    reset = res["x-ratelimit-reset"];
  }
  if (remaining.empty()) return;
  const auto epoch =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  if (auto r = read_rate_headers(remaining, limit, reset, epoch.count())) pacer_.observe(*r, rate_pacer::clock::now());
}

awaitable<void> registry_client::pace(rate_pacer::attempt& attempt) {
  constexpr std::chrono::milliseconds poll(10);  // while the first requests are out with no answer yet
  std::optional<std::chrono::milliseconds> wait;
  while (!(wait = pacer_.next(rate_pacer::clock::now()))) co_await sleep_for(poll, http_.options().stop);
  attempt.sent = true;
  if (wait->count() == 0) co_return;
  if (trace::enabled()) trace::emit("pace", {{"registry", name_}, {"waitMs", wait->count()}});
  waited(*wait);
  co_await sleep_for(*wait, http_.options().stop);
}

}  // namespace ocimirror::transfer
