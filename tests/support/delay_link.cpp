#include "tests/support/delay_link.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <deque>
#include <vector>

namespace ocimirror::testing {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;
using asio::awaitable;

namespace {

constexpr auto use = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t piece = 256u << 10;
constexpr std::size_t in_flight_max = 32u << 20;  ///< bytes held per direction before the reader waits

/// A timer used as a wake-up signal: wait() parks until poke() (or the deadline, when one is given).
struct wakeup {
  explicit wakeup(asio::any_io_executor ex) : t(ex) {}
  awaitable<void> wait(clock_type::time_point until = clock_type::time_point::max()) {
    t.expires_at(until);
    co_await t.async_wait(use);
  }
  void poke() { t.cancel(); }
  asio::steady_timer t;
};

/// One direction of a connection: what was read, each piece with the time it may be delivered.
struct direction {
  explicit direction(asio::any_io_executor ex) : data_ready(ex), space_free(ex) {}
  std::deque<std::pair<clock_type::time_point, std::vector<char>>> queue;
  std::size_t held = 0;
  bool ended = false;
  wakeup data_ready, space_free;
};

struct connection {
  connection(tcp::socket c, asio::any_io_executor ex) : client(std::move(c)), upstream(ex), up(ex), down(ex) {}
  tcp::socket client, upstream;
  direction up, down;  ///< client -> upstream, upstream -> client
  void close() {
    boost::system::error_code ec;
    client.close(ec);
    upstream.close(ec);
  }
};

awaitable<void> read_side(std::shared_ptr<connection> /*holds the sockets open*/, tcp::socket& from, direction& d,
                          clock_type::duration one_way, clock_type::time_point not_before,
                          std::atomic<std::uint64_t>& bytes) {
  for (;;) {
    while (d.held > in_flight_max && !d.ended) co_await d.space_free.wait();
    std::vector<char> buf(piece);
    auto [ec, n] = co_await from.async_read_some(asio::buffer(buf), use);
    if (ec) break;
    buf.resize(n);
    bytes += n;
    d.held += n;
    d.queue.emplace_back(std::max(clock_type::now() + one_way, not_before), std::move(buf));
    d.data_ready.poke();
  }
  d.ended = true;
  d.data_ready.poke();
}

awaitable<void> write_side(std::shared_ptr<connection> c, tcp::socket& to, direction& d) {
  for (;;) {
    if (d.queue.empty()) {
      if (d.ended) break;
      co_await d.data_ready.wait();
      continue;
    }
    if (clock_type::now() < d.queue.front().first) {
      co_await d.data_ready.wait(d.queue.front().first);
      continue;
    }
    auto [ec, n] = co_await asio::async_write(to, asio::buffer(d.queue.front().second), use);
    if (ec) {
      c->close();  // the other side is gone: both readers end
      co_return;
    }
    d.held -= n;
    d.queue.pop_front();
    d.space_free.poke();
  }
  boost::system::error_code ec;
  to.shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace

struct delay_link::impl {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  tcp::endpoint upstream;
  clock_type::duration round_trip;
};

namespace {

awaitable<void> relay(delay_link::impl& l, tcp::socket client, std::atomic<std::uint64_t>& bytes) {
  const auto opened = clock_type::now();
  auto c = std::make_shared<connection>(std::move(client), l.io.get_executor());
  auto [ec] = co_await c->upstream.async_connect(l.upstream, use);
  if (ec) {
    c->close();
    co_return;
  }
  c->client.set_option(tcp::no_delay(true), ec);
  c->upstream.set_option(tcp::no_delay(true), ec);
  const auto half = l.round_trip / 2;
  // The client's connect returned at once on loopback: its first bytes also wait out the handshake's round trip.
  auto ex = l.io.get_executor();
  asio::co_spawn(ex, read_side(c, c->client, c->up, half, opened + l.round_trip + half, bytes), asio::detached);
  asio::co_spawn(ex, write_side(c, c->upstream, c->up), asio::detached);
  asio::co_spawn(ex, read_side(c, c->upstream, c->down, half, {}, bytes), asio::detached);
  asio::co_spawn(ex, write_side(c, c->client, c->down), asio::detached);
}

awaitable<void> accept_all(delay_link::impl& l, std::atomic<std::size_t>& connections,
                           std::atomic<std::uint64_t>& bytes) {
  for (;;) {
    auto [ec, s] = co_await l.acceptor.async_accept(use);
    if (ec) co_return;
    ++connections;
    asio::co_spawn(l.io, relay(l, std::move(s), bytes), asio::detached);
  }
}

}  // namespace

delay_link::delay_link(std::string upstream_host, std::string upstream_port, std::chrono::milliseconds round_trip)
    : impl_(std::make_unique<impl>()) {
  impl_->upstream = tcp::endpoint(asio::ip::make_address(upstream_host == "localhost" ? "127.0.0.1" : upstream_host),
                                  static_cast<unsigned short>(std::stoi(upstream_port)));
  impl_->round_trip = round_trip;
  asio::co_spawn(impl_->io, accept_all(*impl_, connections_, bytes_), asio::detached);
  thread_ = std::thread([this] { impl_->io.run(); });
}

delay_link::~delay_link() {
  impl_->io.stop();
  thread_.join();
}

std::string delay_link::host() const { return "127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port()); }

}  // namespace ocimirror::testing
