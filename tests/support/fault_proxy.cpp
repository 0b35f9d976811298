#include "tests/support/fault_proxy.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>

namespace ocimirror::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct fault_proxy::impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
};

fault_proxy::fault_proxy(std::string upstream_host, std::string upstream_port, rule r)
    : upstream_host_(std::move(upstream_host)), upstream_port_(std::move(upstream_port)), rule_(std::move(r)),
      impl_(std::make_unique<impl>()) {
  port_ = impl_->acceptor.local_endpoint().port();
  thread_ = std::thread([this] { serve(); });
}

fault_proxy::~fault_proxy() {
  stop_ = true;
  boost::system::error_code ec;
  tcp::socket poke(impl_->io);
  poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)), ec);
  thread_.join();
}

void fault_proxy::serve() {
  while (!stop_) {
    boost::system::error_code ec;
    tcp::socket client(impl_->io);
    impl_->acceptor.accept(client, ec);
    if (ec || stop_) continue;
    beast::flat_buffer buf;
    http::request_parser<http::string_body> req_parser;
    req_parser.body_limit(64u << 20);
    http::read(client, buf, req_parser, ec);
    if (ec) continue;
    request req = req_parser.release();
    std::optional<response> res = rule_(req);
    if (!res) {
      tcp::socket up(impl_->io);
      tcp::resolver resolver(impl_->io);
      asio::connect(up, resolver.resolve(upstream_host_, upstream_port_), ec);
      if (ec) continue;
      req.keep_alive(false);
      http::write(up, req, ec);
      beast::flat_buffer ubuf;
      http::response_parser<http::string_body> p;
      p.body_limit(64u << 20);
      p.skip(req.method() == http::verb::head);
      http::read(up, ubuf, p, ec);
      if (ec) continue;
      res = p.release();
    } else if (req.method() != http::verb::head) {
      res->prepare_payload();
    }
    res->keep_alive(false);
    if (req.method() == http::verb::head) {
      http::response_serializer<http::string_body> sr{*res};
      http::write_header(client, sr, ec);
    } else {
      http::write(client, *res, ec);
    }
    client.shutdown(tcp::socket::shutdown_both, ec);
  }
}

}  // namespace ocimirror::testing
