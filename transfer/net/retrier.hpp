#pragma once
// The one owner of retrying. Every loop that tries something again (a request, a blob re-sent whole, a read resumed
// with Range, a body fetched again, a token asked for again) asks again() whether it may and lets it wait: the
// decision is the budget's (retry.hpp), the wait the registry's Retry-After or the backoff, and the pause wakes
// when the process stops. Loops keep only what is theirs: which failures are worth another attempt.
#include "transfer/net/retry.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

class stopper;

class retrier {
 public:
  /// who: the registry or service named in traces; stop: wakes every pause (may be null).
  retrier(std::string who, retry_policy policy, stopper* stop) : who_(std::move(who)), policy_(policy), stop_(stop) {}

  const retry_policy& policy() const { return policy_; }
  /// Spends one retry from `budget` (and every budget around it), then waits: the registry's Retry-After when it
  /// sent one, else the backoff for the retries this budget has taken. False, without waiting, when a budget is
  /// spent: the caller reports its failure. Throws errc::cancelled when the process stops during the wait.
  boost::asio::awaitable<bool> again(retry_budget& budget, std::string_view retry_after = {});
  /// Retries taken through this owner so far.
  std::size_t taken() const { return taken_; }
  /// Time spent waiting before retries so far.
  std::chrono::milliseconds waited() const { return waited_; }

 private:
  std::string who_;
  retry_policy policy_;
  stopper* stop_;
  std::mt19937_64 rng_{std::random_device{}()};
  std::size_t taken_ = 0;
  std::chrono::milliseconds waited_{0};
};

}  // namespace ocimirror::transfer
