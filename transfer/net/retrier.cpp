#include "transfer/net/retrier.hpp"

#include "transfer/net/stopper.hpp"
#include "transfer/net/trace.hpp"

namespace ocimirror::transfer {

boost::asio::awaitable<bool> retrier::again(retry_budget& budget, std::string_view retry_after) {
  const int attempt = budget.spent();  // the backoff grows with the retries this budget has taken
  if (!budget.spend()) co_return false;
  ++taken_;
  const auto wait =
      next_wait(policy_, attempt, rng_(), parse_retry_after(retry_after, std::chrono::system_clock::now()));
  if (trace::enabled())
    trace::emit("retry", {{"registry", who_},
                          {"budget", budget_name(budget.kind())},
                          {"attempt", attempt + 1},
                          {"waitMs", wait.count()},
                          {"retryAfter", std::string(retry_after)}});
  waited_ += wait;
  co_await sleep_for(wait, stop_);
  co_return true;
}

}  // namespace ocimirror::transfer
