#pragma once
// An HTTP proxy in front of a real registry that forwards every request unchanged unless a rule answers it
// instead: how tests serve what no well-behaved registry would (oversized manifests, redirects to storage hosts;
// faults with issue 9). Bodies are buffered: for small test traffic only.
#include "tests/support/loopback_server.hpp"

#include <functional>
#include <optional>
#include <string>

namespace ocimirror::testing {

class fault_proxy {
 public:
  using request = loopback_server::request;
  using response = loopback_server::response;
  /// Returns a response to send instead of forwarding, or nullopt to forward.
  using rule = std::function<std::optional<response>(const request&)>;

  fault_proxy(std::string upstream_host, std::string upstream_port, rule r);
  std::string host() const { return server_.host(); }

 private:
  response forward(request& req);
  std::string upstream_host_, upstream_port_;
  rule rule_;
  loopback_server server_;  // last: its thread may call the members above
};

}  // namespace ocimirror::testing
