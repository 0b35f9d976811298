#pragma once
// The HTTP server under the test helpers (token service, proxy): on 127.0.0.1, one request per connection
// (Connection: close), each connection on its own thread (handlers must be thread-safe), joined at destruction.
#include <boost/asio/ip/tcp.hpp>
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
  /// A handler that sets this header on its response gets the header sent as is (Content-Length included) and only
  /// the first N bytes of the body, then the connection closed: a body cut off mid-stream.
  static constexpr const char* truncate_after = "X-Test-Truncate-After";
  /// Like truncate_after, but the connection is then reset (RST, not FIN); "-1" resets before any byte is sent.
  static constexpr const char* reset_after = "X-Test-Reset-After";
  /// "BYTES,MS": the body is sent BYTES at a time with MS milliseconds between pieces (a slow drip).
  static constexpr const char* drip = "X-Test-Drip";

  explicit loopback_server(handler h);
  ~loopback_server();
  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;

  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void serve();
  void answer(boost::asio::ip::tcp::socket& client);
  handler handler_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  struct impl;
  std::unique_ptr<impl> impl_;
  std::thread thread_;
};

}  // namespace ocimirror::testing
