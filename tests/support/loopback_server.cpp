#include "tests/support/loopback_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>

#include <chrono>
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
  const std::string cut(res[truncate_after]), reset(res[reset_after]), slow(res[drip]);
  res.erase(truncate_after);
  res.erase(reset_after);
  res.erase(drip);
  if (!reset.empty() && std::stoll(reset) < 0) {  // nothing at all, then a reset
    client.set_option(tcp::socket::linger(true, 0), ec);
    client.close(ec);
    return;
  }
  if (!cut.empty() || !reset.empty()) {  // the header as announced, then only part of the body
    const auto n = std::min<std::size_t>(std::stoull(cut.empty() ? reset : cut), res.body().size());
    http::response_serializer<http::string_body> sr{res};
    http::write_header(client, sr, ec);
    if (!ec) asio::write(client, asio::buffer(res.body().data(), n), ec);
    if (!reset.empty()) {
      client.set_option(tcp::socket::linger(true, 0), ec);
      client.close(ec);
      return;
    }
  } else if (!slow.empty() && req.method() != http::verb::head) {
    const std::size_t piece = std::max<std::size_t>(1, std::stoull(slow));
    const auto pause = std::chrono::milliseconds(std::stoi(slow.substr(slow.find(',') + 1)));
    http::response_serializer<http::string_body> sr{res};
    http::write_header(client, sr, ec);
    for (std::size_t at = 0; !ec && at < res.body().size(); at += piece) {
      std::this_thread::sleep_for(pause);
      asio::write(client, asio::buffer(res.body().data() + at, std::min(piece, res.body().size() - at)), ec);
    }
  } else if (req.method() == http::verb::head) {
    http::response_serializer<http::string_body> sr{res};
    http::write_header(client, sr, ec);
  } else {
    http::write(client, res, ec);
  }
  client.shutdown(tcp::socket::shutdown_both, ec);
}

}  // namespace ocimirror::testing
