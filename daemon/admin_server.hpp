#pragma once
// The admin API's HTTP/1.1 server (Boost.Beast, on the daemon's io_context): keep-alive connections, a 30 s idle
// limit, small request limits (it serves operators and Prometheus, not uploads). Routing is admin_routes.
#include "daemon/admin_routes.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace ocimirror::daemon {

class admin_server {
 public:
  admin_server(boost::asio::io_context& io, admin_api& api);
  /// Binds host:port (port 0: any free port) and starts accepting. Throws std::runtime_error naming the address.
  boost::asio::ip::tcp::endpoint listen(const std::string& host, unsigned short port);
  /// Stops accepting (connections being served finish).
  void close();

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  admin_api& api_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace ocimirror::daemon
