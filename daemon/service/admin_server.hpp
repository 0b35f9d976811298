#pragma once
// The admin API's HTTP/1.1 server (Boost.Beast, on the daemon's io_context): keep-alive connections, a 30 s idle
// limit, small request limits (it serves operators and Prometheus, not uploads), at most max_connections at once
// (each holds at most ~80 KiB; past the cap the one that has waited longest for its request is closed), and an
// accept loop that frees a descriptor and backs off when the process is out of them instead of spinning. Routing is
// admin_routes.
#include "daemon/service/admin_routes.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>

#include <cstddef>
#include <string>

namespace ocimirror::daemon {

class admin_server {
 public:
  static constexpr std::size_t max_connections = 64;
  admin_server(boost::asio::io_context& io, admin_api& api);
  /// Binds host:port (port 0: any free port) and starts accepting. Throws std::runtime_error naming the address.
  boost::asio::ip::tcp::endpoint listen(const std::string& host, unsigned short port);
  /// Stops accepting and closes the connections waiting for a request; one being answered gets its answer, then
  /// is closed. Nothing of the server is left waiting on the loop.
  void close();

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  admin_api& api_;
  /// A connection waiting for (the rest of) a request.
  struct waiting {
    std::uint64_t id = 0;
    boost::beast::tcp_stream* stream = nullptr;
    std::chrono::steady_clock::time_point since;
  };
  /// Shared with every connection's coroutine, so that one destroyed after the server (with its io_context) still
  /// finds it.
  struct table {
    std::uint64_t next_id = 0;
    std::map<std::uint64_t, waiting> idle;  ///< connections waiting for a request, by id
    bool closing = false;                   ///< close() was called: no connection waits for another request
  };
  void evict_one();

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::endpoint listening_;  ///< registered as one of our own (transfer/net/own_listener.hpp)
  std::size_t active_ = 0;                    ///< connections being served
  std::shared_ptr<table> conns_ = std::make_shared<table>();
};

/// True for 127.0.0.0/8, ::1 and "localhost": an admin API there is reached only from this machine.
bool is_loopback_host(const std::string& host);

}  // namespace ocimirror::daemon
