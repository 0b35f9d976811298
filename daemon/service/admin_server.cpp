#include "daemon/service/admin_server.hpp"

#include "transfer/net/own_listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cerrno>
#include <map>
#include <optional>
#include <stdexcept>

namespace ocimirror::daemon {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

admin_server::admin_server(asio::io_context& io, admin_api& api) : io_(io), api_(api), acceptor_(io) {}

tcp::endpoint admin_server::listen(const std::string& host, unsigned short port) {
  const std::string where =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  boost::system::error_code ec;
  tcp::resolver resolver(io_);
  auto found =
      resolver.resolve(host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty()) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  const tcp::endpoint ep = found.begin()->endpoint();
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.close();
    throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  }
  asio::co_spawn(io_, accept_loop(), asio::detached);
  listening_ = acceptor_.local_endpoint();
  transfer::register_own_listener(listening_);  // no URL from outside (a realm, a Location) may make us call it
  return listening_;
}

void admin_server::close() {
  if (acceptor_.is_open()) transfer::forget_own_listener(listening_);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  conns_->closing = true;
  for (auto& [id, w] : conns_->idle) w.stream->socket().close(ignored);
  conns_->idle.clear();
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto a = asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

// The connection that has waited longest for a request it has not sent whole: what a flood of half-sent requests
// (or a slow client) holds. Closing it frees a slot and a descriptor for a request that arrives whole.
void admin_server::evict_one() {
  waiting* oldest = nullptr;
  for (auto& [id, w] : conns_->idle)
    if (!oldest || w.since < oldest->since) oldest = &w;
  if (!oldest) return;
  boost::system::error_code ignored;
  oldest->stream->socket().close(ignored);
  conns_->idle.erase(oldest->id);
}

asio::awaitable<void> admin_server::accept_loop() {
  asio::steady_timer pause(io_);
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      // Out of file descriptors (EMFILE, ENFILE) or buffers: accept would fail again at once and spin a core. Free
      // what the slowest client holds, and wait a little.
      if (ec == asio::error::no_descriptors || ec.value() == ENFILE || ec == asio::error::no_buffer_space ||
          ec == asio::error::no_memory) {
        evict_one();
        pause.expires_after(std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      continue;  // a connection that failed before it was accepted (ECONNABORTED): nothing to do
    }
    if (active_ >= max_connections) evict_one();
    ++active_;
    asio::co_spawn(io_, serve(std::move(socket)), [this](std::exception_ptr) { --active_; });
  }
}

namespace {
/// 414 when the request line alone passed the header limit (no line end arrived), 431 for the header, 413 for the
/// body; nullopt for any other failure.
std::optional<unsigned> oversize_status(const boost::system::error_code& ec, const beast::flat_buffer& buffer) {
  if (ec == http::error::body_limit) return 413;
  if (ec != http::error::header_limit) return std::nullopt;
  const std::string_view got(static_cast<const char*>(buffer.data().data()), buffer.data().size());
  return got.find("\r\n") == std::string_view::npos ? 414u : 431u;
}

asio::awaitable<void> refuse_oversize(beast::tcp_stream& stream, unsigned status) {
  http::response<http::string_body> res{static_cast<http::status>(status), 11};
  res.set(http::field::server, "ocimirror");
  res.set(http::field::content_type, "application/json");
  res.set(http::field::connection, "close");
  res.body() = std::string(R"({"error":"request )") +
               (status == 414   ? "line"
                : status == 431 ? "header"
                                : "body") +
               R"( over the admin API's limit"})";
  res.prepare_payload();
  stream.expires_after(std::chrono::seconds(5));
  co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
}
}  // namespace

asio::awaitable<void> admin_server::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer(16 * 1024 + 64 * 1024);  // at most a whole header and body: never grows past them
  const auto conns = conns_;
  const std::uint64_t id = conns->next_id++;
  struct unlist {
    std::shared_ptr<table> t;
    std::uint64_t id;
    ~unlist() { t->idle.erase(id); }
  } on_exit{conns, id};
  for (bool first = true; !conns->closing; first = false) {
    // A request must arrive whole soon after its connection opens; an idle keep-alive connection may wait longer.
    stream.expires_after(first ? std::chrono::seconds(10) : std::chrono::seconds(30));
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(64 * 1024);
    conns->idle[id] = waiting{id, &stream, std::chrono::steady_clock::now()};
    auto [rec, read] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)read;
    conns->idle.erase(id);
    if (const auto status = oversize_status(rec, buffer)) {  // told why, then closed: not a bare reset
      co_await refuse_oversize(stream, *status);
      break;
    }
    if (rec) break;  // closed (or evicted), idle too long, or not HTTP
    const auto& req = parser.get();
    admin_request ar{std::string(req.method_string()), std::string(req.target()),
                     std::string(req[http::field::authorization])};
    const admin_response r = route(ar, api_);
    http::response<http::string_body> res{static_cast<http::status>(r.status), req.version()};
    res.set(http::field::server, "ocimirror");
    res.set(http::field::content_type, r.content_type);
    res.set(http::field::cache_control, "no-store");
    if (!r.allow.empty()) res.set(http::field::allow, r.allow);
    if (!r.www_authenticate.empty()) res.set(http::field::www_authenticate, r.www_authenticate);
    res.keep_alive(req.keep_alive());
    if (req.method() == http::verb::head) {
      res.content_length(r.body.size());
    } else {
      res.body() = r.body;
      res.prepare_payload();
    }
    auto [wec, written] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    (void)written;
    if (wec || !res.keep_alive() || conns->closing) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace ocimirror::daemon
