#pragma once
// An HTTP proxy in front of a real registry. Two modes:
//  - rules: every request is forwarded unchanged unless a rule answers it instead (oversized manifests, redirects
//    to storage hosts, one precise fault);
//  - chaos: a seeded share of the requests is faulted the ways real networks and registries fail: 429 with
//    Retry-After, 500/502/503, a connection reset (before the answer or mid-body), a body cut short, a flipped byte
//    in any GET body (blobs, manifests, tag lists, the catalog, referrers), a slow drip, an expired token (the
//    request forwarded without its Authorization, so the registry itself answers 401 with its challenge).
// In rules mode a rewrite, when set, may change every forwarded response (a precise corruption).
// Bodies are buffered (64 MiB at most): for test traffic only.
#include "tests/support/loopback_server.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace ocimirror::testing {

enum class fault_kind { throttle, server_error, reset, truncate, flip, drip, expired_token };
inline constexpr std::size_t fault_kinds = 7;
const char* fault_name(fault_kind k);

struct chaos_settings {
  std::uint64_t seed = 1;
  double rate = 0.1;                         ///< share of requests faulted, 0..1
  std::size_t drip_bytes = 4096;             ///< a drip sends this much...
  std::chrono::milliseconds drip_pause{10};  ///< ...then waits this long
};

/// What a request can be given: bit (1 << kind) set for each kind that fits it.
unsigned applicable_faults(const loopback_server::request& req);
/// Pure and deterministic: the fault request number n gets under (seed, rate), among the applicable kinds.
std::optional<fault_kind> draw_fault(std::uint64_t seed, double rate, std::uint64_t n, unsigned applicable);

/// Sends req to host:port on a new connection and returns the whole answer (a 502 naming the failure when the
/// upstream cannot be reached). Bodies up to 64 MiB.
loopback_server::response forward_request(const std::string& host, const std::string& port,
                                          loopback_server::request& req);

class fault_proxy {
 public:
  using request = loopback_server::request;
  using response = loopback_server::response;
  /// Returns a response to send instead of forwarding, or nullopt to forward.
  using rule = std::function<std::optional<response>(const request&)>;
  /// Changes a forwarded response before it is sent (rules mode).
  using rewrite = std::function<void(const request&, response&)>;

  fault_proxy(std::string upstream_host, std::string upstream_port, rule r, rewrite w = {});
  fault_proxy(std::string upstream_host, std::string upstream_port, chaos_settings chaos);
  std::string host() const { return server_.host(); }

  /// Chaos mode: the share of requests faulted from now on.
  void set_rate(double rate) { rate_ = rate; }
  std::size_t requests() const { return requests_; }
  std::size_t faults(fault_kind k) const { return faults_[static_cast<std::size_t>(k)]; }
  std::size_t faults() const;
  /// Flipped bytes by what the body was: "blob", "manifest", "tags", "catalog", "referrers", "other".
  std::string flip_summary() const;
  /// "429x3 5xx=4 ..." of the faults injected so far.
  std::string fault_summary() const;

 private:
  response forward(request& req);
  response chaos(request& req);
  std::string upstream_host_, upstream_port_;
  rule rule_;
  rewrite rewrite_;
  std::array<std::atomic<std::size_t>, 6> flips_{};
  chaos_settings chaos_;
  std::atomic<double> rate_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::array<std::atomic<std::size_t>, fault_kinds> faults_{};
  loopback_server server_;  // last: its thread may call the members above
};

}  // namespace ocimirror::testing
