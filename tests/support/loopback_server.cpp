#include "tests/support/loopback_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>

namespace ocimirror::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct loopback_server::impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
};

loopback_server::loopback_server(handler h) : handler_(std::move(h)), impl_(std::make_unique<impl>()) {
  port_ = impl_->acceptor.local_endpoint().port();
  thread_ = std::thread([this] { serve(); });
}

loopback_server::~loopback_server() {
  stop_ = true;
  boost::system::error_code ec;
  tcp::socket poke(impl_->io);  // wakes the blocking accept
  poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)), ec);
  thread_.join();
}

void loopback_server::serve() {
  while (!stop_) {
    boost::system::error_code ec;
    tcp::socket client(impl_->io);
    impl_->acceptor.accept(client, ec);
    if (ec || stop_) continue;
    beast::flat_buffer buf;
    http::request_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    http::read(client, buf, parser, ec);
    if (ec) continue;
    request req = parser.release();
    response res = handler_(req);
    res.keep_alive(false);
    if (req.method() == http::verb::head) {
      http::response_serializer<http::string_body> sr{res};
      http::write_header(client, sr, ec);
    } else {
      http::write(client, res, ec);
    }
    client.shutdown(tcp::socket::shutdown_both, ec);
  }
}

}  // namespace ocimirror::testing
