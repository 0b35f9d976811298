#pragma once
// An HTTP proxy in front of a real registry that forwards every request unchanged unless a rule answers it
// instead: how tests serve what no well-behaved registry would (oversized manifests now; faults with issue 9).
// One connection at a time, Connection: close, bodies buffered: for small test traffic only.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <boost/beast/http.hpp>

namespace ocimirror::testing {

class fault_proxy {
 public:
  using request = boost::beast::http::request<boost::beast::http::string_body>;
  using response = boost::beast::http::response<boost::beast::http::string_body>;
  /// Returns a response to send instead of forwarding, or nullopt to forward.
  using rule = std::function<std::optional<response>(const request&)>;

  fault_proxy(std::string upstream_host, std::string upstream_port, rule r);
  ~fault_proxy();
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void serve();
  std::string upstream_host_, upstream_port_;
  rule rule_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  struct impl;
  std::unique_ptr<impl> impl_;
  std::thread thread_;
};

}  // namespace ocimirror::testing
