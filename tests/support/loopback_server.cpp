#include "tests/support/loopback_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>

#include <mutex>
#include <vector>

namespace ocimirror::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct loopback_server::impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::mutex m;
  std::vector<std::thread> connections;
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
    auto client = std::make_shared<tcp::socket>(impl_->io);
    impl_->acceptor.accept(*client, ec);
    if (ec || stop_) continue;
    // Each connection on its own thread: a client may hold one response open while it sends another request.
    std::lock_guard lock(impl_->m);
    impl_->connections.emplace_back([this, client] { answer(*client); });
  }
  std::lock_guard lock(impl_->m);
  for (auto& t : impl_->connections) t.join();
}

void loopback_server::answer(tcp::socket& client) {
  boost::system::error_code ec;
  beast::flat_buffer buf;
  http::request_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  http::read(client, buf, parser, ec);
  if (ec) return;
  request req = parser.release();
  response res = handler_(req);
  res.keep_alive(false);
  if (auto cut = res[truncate_after]; !cut.empty()) {  // the header as announced, then only part of the body
    const auto n = std::min<std::size_t>(std::stoull(std::string(cut)), res.body().size());
    res.erase(truncate_after);
    http::response_serializer<http::string_body> sr{res};
    http::write_header(client, sr, ec);
    if (!ec) asio::write(client, asio::buffer(res.body().data(), n), ec);
  } else if (req.method() == http::verb::head) {
    http::response_serializer<http::string_body> sr{res};
    http::write_header(client, sr, ec);
  } else {
    http::write(client, res, ec);
  }
  client.shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace ocimirror::testing
