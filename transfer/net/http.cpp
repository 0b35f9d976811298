#include "transfer/net/http.hpp"

#include "transfer/net/file_io.hpp"
#include "transfer/net/http_connection.hpp"
#include "transfer/net/own_listener.hpp"
#include "transfer/net/tls_context.hpp"
#include "transfer/net/trace.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"
#include "transfer/oci/regular_file.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/x509.h>

#include <algorithm>
#include <cctype>

namespace ocimirror::transfer {

// ---------------------------------------------------------------------------------------------------------------
// http_client

http_client::http_client(asio::any_io_executor ex, http_options opts) : ex_(std::move(ex)), opts_(std::move(opts)) {}
http_client::~http_client() = default;

asio::ssl::context& http_client::tls_context(const url_parts& u) {
  auto& slot = tls_[u.authority];
  if (slot) return *slot;
  slot = make_tls_context(opts_.tls_for ? opts_.tls_for(u.authority) : tls_options{});
  return *slot;
}

awaitable<std::unique_ptr<connection>> http_client::connect(const url_parts& u) {
  using namespace asio::experimental::awaitable_operators;
  auto c = std::make_unique<connection>();
  // Beast sizes each socket read by the buffer's spare capacity (512 bytes at least): without room here a body
  // streams in 512-byte recv calls, one syscall and one timer update each.
  c->buffer.reserve(256u << 10);
  c->origin = u.origin;
  c->where = u.authority;
  c->io_timeout = opts_.io_timeout;
  c->stop = opts_.stop;
  c->hints = &opts_.hints;

  // Through a proxy the socket goes to the proxy; TLS and the Host header still name the registry.
  const auto proxy = proxy_of(u);
  const std::string& dial_host = proxy ? proxy->host : u.host;
  const std::string dial_what = proxy ? "proxy " + proxy->shown : "registry host '" + u.host + "'";
  tcp::resolver resolver(ex_);
  asio::steady_timer timer(ex_);
  timer.expires_after(opts_.connect_timeout);
  auto raced = co_await (resolver.async_resolve(dial_host, proxy ? proxy->port : u.port, use_tuple) ||
                         timer.async_wait(use_tuple));
  if (raced.index() == 1) throw error(errc::timeout, "timed out resolving " + dial_what);
  auto [rec, endpoints] = std::get<0>(raced);
  if (rec) throw error(errc::network, "cannot resolve " + dial_what + ": " + rec.message());
  if (opts_.stop) opts_.stop->check("a connection to " + u.authority);

  if (u.tls) {
    auto& ctx = tls_context(u);
    c->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex_, ctx);
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    if (!SSL_ctrl(c->secure->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(u.host.c_str())))
      throw error(errc::network, "cannot set TLS SNI for " + u.host);
    if (ctx.native_handle() && SSL_CTX_get_verify_mode(ctx.native_handle()) != SSL_VERIFY_NONE)
      c->secure->set_verify_callback(asio::ssl::host_name_verification(u.host));
  } else {
    c->plain = std::make_unique<beast::tcp_stream>(ex_);
  }
  auto& tcp_stream = c->tcp();
  if (opts_.stop)
    c->stop_hook = opts_.stop->watch([&tcp_stream] {
      boost::system::error_code ignored;
      tcp_stream.socket().close(ignored);  // what awaits it fails now, and fail() says it was stopped
    });
  tcp_stream.expires_after(opts_.connect_timeout);
  auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, use_tuple);
  (void)ep;
  if (cec && opts_.stop) opts_.stop->check("a connection to " + u.authority);
  const std::string to = proxy ? proxy->shown + " (the proxy for " + u.authority + ")" : u.authority;
  if (cec == beast::error::timeout) throw error(errc::timeout, "timed out connecting to " + to);
  if (cec) throw error(errc::network, "cannot connect to " + to + ": " + cec.message());
  tcp_stream.socket().set_option(tcp::no_delay(true));
  if (!proxy) {
    boost::system::error_code rec2, lec;
    const auto remote = tcp_stream.socket().remote_endpoint(rec2), local = tcp_stream.socket().local_endpoint(lec);
    if (!rec2 && !lec && reaches_own_listener(remote, local))
      throw error(errc::protocol, "refused to connect to " + u.authority +
                                      ": it is this daemon's own admin API, which no URL from outside may reach");
  }
  if (proxy && u.tls) co_await open_tunnel(tcp_stream, u, *proxy, opts_.connect_timeout);

  if (u.tls) {
    tcp_stream.expires_after(opts_.connect_timeout);
    auto [hec] = co_await c->secure->async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec && opts_.stop) opts_.stop->check("a TLS handshake with " + u.authority);
    if (hec) {
      std::string why = hec.message();
      long vr = SSL_get_verify_result(c->secure->native_handle());
      if (vr != X509_V_OK) why = std::string("certificate verify failed: ") + X509_verify_cert_error_string(vr);
      if (hec == beast::error::timeout) throw error(errc::timeout, "timed out in TLS handshake with " + u.authority);
      if (vr == X509_V_OK && plain_http_answer(why))
        throw error(errc::tls, "TLS handshake with " + u.authority + " failed: " + opts_.hints.go_plain(u.authority));
      if (vr == X509_V_OK && client_certificate_refused(why))
        throw error(errc::tls, "TLS handshake with " + u.authority + " failed: " + why + " (" +
                                   opts_.hints.client_cert(u.authority) + ")");
      throw error(vr != X509_V_OK ? errc::tls : errc::network,
                  "TLS handshake with " + u.authority + " failed: " + why +
                      (vr != X509_V_OK ? " (" + opts_.hints.trust(u.authority) + ")" : std::string()));
    }
  }
  co_return c;
}

awaitable<std::unique_ptr<connection>> http_client::acquire(const url_parts& u, bool& reused) {
  auto it = idle_.find(u.origin);
  auto now = std::chrono::steady_clock::now();
  while (it != idle_.end() && !it->second.empty()) {
    auto c = std::move(it->second.back());
    it->second.pop_back();
    if (now - c->idle_since < opts_.max_idle_age) {
      reused = true;
      co_return c;
    }
  }
  reused = false;
  co_return co_await connect(u);
}

void http_client::release(std::unique_ptr<connection> c) {
  auto& list = idle_[c->origin];
  if (list.size() >= opts_.max_idle_per_origin) return;
  c->tcp().expires_never();
  c->deadline.reset();
  c->idle_since = std::chrono::steady_clock::now();
  list.push_back(std::move(c));
}

std::optional<proxy_endpoint> http_client::proxy_of(const url_parts& u) const {
  if (!opts_.proxy_for) return std::nullopt;
  return opts_.proxy_for(u.authority, u.host, u.port, u.tls);
}

template <class Req>
void http_client::prepare(Req& req, const url_parts& u) const {
  req.version(11);
  req.target(u.target);
  if (!u.tls)
    if (auto proxy = proxy_of(u)) {  // plain HTTP through a proxy: the absolute URL, the proxy's credentials
      req.target(u.origin + u.target);
      if (!proxy->authorization.empty()) req.set(http::field::proxy_authorization, proxy->authorization);
    }
  req.set(http::field::host, u.authority);
  req.set(http::field::user_agent, opts_.user_agent);
  req.keep_alive(true);
  // Beast writes field values as given: the last line of defence for a value from outside that slipped past the
  // check where it entered (a token, a session token, a helper's secret). The value itself is never shown.
  for (const auto& f : req)
    if (!header_value_ok(f.value()))
      check_header_value(f.value(), "the " + std::string(f.name_string()) + " header of a request to " + u.authority);
}

/// One debug line per exchange: method, URL without its query, status (never a header).
void traced(http::verb method, const url_parts& u, unsigned status, bool reused) {
  if (!trace::enabled()) return;
  trace::emit("http", {{"method", std::string(http::to_string(method))},
                       {"url", trace::redact_url(u.origin + u.target)},
                       {"status", status},
                       {"reused", reused}});
}

template <class Req>
awaitable<std::unique_ptr<body_stream>> http_client::exchange(
    const url_parts& u, Req& req, std::optional<std::chrono::steady_clock::time_point> deadline) {
  for (int attempt = 0;; ++attempt) {
    if (opts_.stop) opts_.stop->check("a request to " + u.authority);
    bool reused = false;
    auto c = co_await acquire(u, reused);
    c->deadline = deadline;
    c->deadline_length = opts_.request_deadline;
    c->arm();
    boost::system::error_code ec;
    if (c->secure)
      std::tie(ec, std::ignore) = co_await http::async_write(*c->secure, req, use_tuple);
    else
      std::tie(ec, std::ignore) = co_await http::async_write(*c->plain, req, use_tuple);
    if (ec && reused && attempt == 0 && is_stale_connection_error(ec)) continue;
    if (ec) c->fail(ec, "sending the request");
    auto stream = std::make_unique<body_stream>(*this, std::move(c), req.method() == http::verb::head);
    try {
      co_await stream->read_head();
    } catch (const error&) {
      if (reused && attempt == 0) continue;  // a pooled connection the server had closed: once more, fresh
      throw;
    }
    traced(req.method(), u, stream->status(), reused);
    if (stream->status() == 407 && !u.tls)
      if (auto proxy = proxy_of(u))
        throw error(errc::unauthorized, "proxy " + proxy->shown + " requires credentials (407) to reach " +
                                            u.authority +
                                            ": give them in the proxy URL, http://USER:PASSWORD@HOST:PORT");
    co_return stream;
  }
}

awaitable<std::unique_ptr<body_stream>> http_client::open(std::string_view url, http::request<http::empty_body> req) {
  auto u = split_url(url);
  prepare(req, u);
  co_return co_await exchange(u, req);
}

awaitable<string_response> http_client::send(std::string_view url, http::request<http::string_body> req,
                                             std::size_t body_limit) {
  auto u = split_url(url);
  prepare(req, u);
  req.prepare_payload();
  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (opts_.request_deadline.count() > 0) deadline = std::chrono::steady_clock::now() + opts_.request_deadline;
  auto stream = co_await exchange(u, req, deadline);
  string_response res{static_cast<http::status>(stream->status()), 11};
  for (const auto& f : stream->headers()) res.insert(f.name_string(), f.value());
  res.body() = co_await stream->read_all(body_limit);
  co_return res;
}

awaitable<string_response> http_client::upload(std::string_view url, http::request<http::empty_body> head,
                                               std::uint64_t length, chunk_source next) {
  auto u = split_url(url);
  // A fresh connection: a pooled one the server closed would fail after the source bytes were already consumed.
  auto c = co_await connect(u);
  http::request<http::buffer_body> req{head.method(), u.target, 11};
  for (const auto& f : head) req.insert(f.name_string(), f.value());
  prepare(req, u);
  req.content_length(length);
  req.body().data = nullptr;
  req.body().more = true;
  http::request_serializer<http::buffer_body> sr{req};

  auto write_part = [&](auto& s) -> awaitable<boost::system::error_code> {
    c->arm();
    auto [ec, n] = co_await http::async_write(s, sr, use_tuple);
    (void)n;
    if (ec == http::error::need_buffer) ec = {};
    co_return ec;
  };
  auto write_header = [&](auto& s) -> awaitable<boost::system::error_code> {
    c->arm();
    auto [ec, n] = co_await http::async_write_header(s, sr, use_tuple);
    (void)n;
    co_return ec;
  };
  boost::system::error_code ec;  // if/else, not ?: (GCC 12 co_await bug)
  if (c->secure)
    ec = co_await write_header(*c->secure);
  else
    ec = co_await write_header(*c->plain);
  while (!ec) {
    auto chunk = co_await next();
    req.body().data = chunk.empty() ? nullptr : const_cast<char*>(chunk.data());
    req.body().size = chunk.size();
    req.body().more = !chunk.empty();
    if (c->secure)
      ec = co_await write_part(*c->secure);
    else
      ec = co_await write_part(*c->plain);
    if (chunk.empty()) break;
  }
  // Even after a failed write the registry may have answered (401, 413...): that answer explains more.
  body_stream stream(*this, std::move(c), false);
  try {
    co_await stream.read_head();
  } catch (const error& e) {
    if (ec && e.code() != errc::cancelled)
      throw error(errc::network, "upload to " + u.authority + " failed: " + ec.message());
    throw;
  }
  traced(req.method(), u, stream.status(), false);
  string_response res{static_cast<http::status>(stream.status()), 11};
  for (const auto& f : stream.headers()) res.insert(f.name_string(), f.value());
  res.body() = co_await stream.read_all(1 << 20);
  co_return res;
}

}  // namespace ocimirror::transfer
