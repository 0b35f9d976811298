// CONNECT tunnels through an HTTP proxy (RFC 9110 section 9.3.6), for https:// registries behind HTTPS_PROXY.
#include "transfer/net/http_connection.hpp"

namespace ocimirror::transfer {

awaitable<void> open_tunnel(beast::tcp_stream& s, const url_parts& u, const proxy_endpoint& proxy,
                            std::chrono::milliseconds timeout) {
  const std::string target = (u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host) + ":" + u.port;
  http::request<http::empty_body> req{http::verb::connect, target, 11};
  req.set(http::field::host, target);
  if (!proxy.authorization.empty()) req.set(http::field::proxy_authorization, proxy.authorization);
  s.expires_after(timeout);
  auto [wec, written] = co_await http::async_write(s, req, use_tuple);
  (void)written;
  const std::string via = "proxy " + proxy.shown;
  if (wec) throw error(errc::network, "cannot send CONNECT " + target + " to " + via + ": " + wec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.skip(true);  // a 2xx answer to CONNECT has no body: the tunnel starts right after its head
  auto [rec, read] = co_await http::async_read_header(s, buffer, parser, use_tuple);
  (void)read;
  if (rec == beast::error::timeout) throw error(errc::timeout, "timed out waiting for " + via + " to open " + target);
  if (rec) throw error(errc::network, via + " did not answer CONNECT " + target + ": " + rec.message());
  const unsigned status = parser.get().result_int();
  // 407 is the standard answer; tinyproxy 1.11 answers a failed BasicAuth with 401 instead.
  if (status == 407 || status == 401)
    throw error(errc::unauthorized,
                via + " requires credentials (" + std::to_string(status) + ") to reach " + target +
                    (proxy.authorization.empty() ? ": give them in the proxy URL, http://USER:PASSWORD@HOST:PORT"
                                                 : ": it refused the ones in the proxy URL"));
  if (status / 100 != 2)
    throw error(status == 403 ? errc::denied : errc::network,
                via + " refused CONNECT " + target + " (" + std::to_string(status) + ")");
  if (buffer.size() != 0) throw error(errc::protocol, via + " sent bytes after its answer to CONNECT " + target);
}

}  // namespace ocimirror::transfer
