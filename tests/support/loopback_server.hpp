#pragma once
// The HTTP server under the test helpers (token service, proxy): on 127.0.0.1, one connection at a time, one
// request per connection (Connection: close), handled on its own thread until destruction.
#include <boost/beast/http.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace ocimirror::testing {

class loopback_server {
 public:
  using request = boost::beast::http::request<boost::beast::http::string_body>;
  using response = boost::beast::http::response<boost::beast::http::string_body>;
  /// Answers one request. For HEAD only the header is sent, Content-Length as the handler left it.
  using handler = std::function<response(request&)>;

  explicit loopback_server(handler h);
  ~loopback_server();
  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;

  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void serve();
  handler handler_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  struct impl;
  std::unique_ptr<impl> impl_;
  std::thread thread_;
};

}  // namespace ocimirror::testing
