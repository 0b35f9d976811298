#include "tests/support/fault_proxy.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>

namespace ocimirror::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

fault_proxy::fault_proxy(std::string upstream_host, std::string upstream_port, rule r)
    : upstream_host_(std::move(upstream_host)), upstream_port_(std::move(upstream_port)), rule_(std::move(r)),
      server_([this](request& req) {
        if (auto res = rule_(req)) {
          if (req.method() != http::verb::head) res->prepare_payload();
          return *res;
        }
        return forward(req);
      }) {}

fault_proxy::response fault_proxy::forward(request& req) {
  asio::io_context io;
  tcp::socket up(io);
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  asio::connect(up, resolver.resolve(upstream_host_, upstream_port_), ec);
  if (!ec) {
    req.keep_alive(false);
    http::write(up, req, ec);
  }
  http::response_parser<http::string_body> p;
  p.body_limit(64u << 20);
  p.skip(req.method() == http::verb::head);
  beast::flat_buffer buf;
  if (!ec) http::read(up, buf, p, ec);
  if (ec) {
    response bad{http::status::bad_gateway, 11};
    bad.body() = "upstream: " + ec.message();
    bad.prepare_payload();
    return bad;
  }
  return p.release();
}

}  // namespace ocimirror::testing
