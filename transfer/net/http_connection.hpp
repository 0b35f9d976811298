#pragma once
// Internal to net/: one pooled connection (plain or TLS) with its read buffer and deadlines, shared by the client
// (http.cpp) and the response bodies it hands out (http_body.cpp).
#include "transfer/net/advice.hpp"
#include "transfer/net/http.hpp"
#include "transfer/net/stopper.hpp"
#include "transfer/oci/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer {
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
using tcp = asio::ip::tcp;

inline bool is_stale_connection_error(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == http::error::end_of_stream || ec == asio::ssl::error::stream_truncated;
}

struct connection {
  std::string origin;
  std::string where;  // "host:port" for messages
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;  // bytes read past one response belong to the next
  std::chrono::steady_clock::time_point idle_since;
  std::chrono::milliseconds io_timeout{};
  std::optional<std::chrono::steady_clock::time_point> deadline;  ///< of the exchange in progress, if it has one
  std::chrono::milliseconds deadline_length{};
  const stopper* stop = nullptr;  ///< the process's, when it can drain
  const advice* hints = nullptr;  ///< how to fix what the server refused (a client certificate)
  stopper::hook stop_hook;        ///< closes the socket when the process stops

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  /// Each step gets io_timeout, and never more than what is left of the exchange's deadline.
  void arm() {
    auto wait = io_timeout;
    if (deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
      wait = std::clamp(left, std::chrono::milliseconds(1), wait);
    }
    tcp().expires_after(wait);
  }
  [[noreturn]] void fail(const boost::system::error_code& ec, std::string_view during) const {
    if (stop && stop->stopped())
      throw error(errc::cancelled, std::string(during) + " " + where + " was stopped: ocimirror is shutting down");
    if (ec == beast::error::timeout && deadline &&
        std::chrono::steady_clock::now() + std::chrono::milliseconds(5) >= *deadline)
      throw error(errc::timeout, "gave up on " + where + " " + std::string(during) +
                                     ": the request took longer than the " +
                                     std::to_string(deadline_length.count() / 1000) + " s a request may (--deadline)");
    if (ec == beast::error::timeout) throw error(errc::timeout, "timed out " + std::string(during) + " " + where);
    if (hints && client_certificate_refused(ec.message()))  // TLS 1.3: the refusal arrives with the first read
      throw error(errc::tls, "connection to " + where + " failed " + std::string(during) + ": " + ec.message() + " (" +
                                 hints->client_cert(where) + ")");
    throw error(errc::network, "connection to " + where + " failed " + std::string(during) + ": " + ec.message());
  }
};

/// Opens a CONNECT tunnel to u's host through the proxy on s (already connected to the proxy): the TLS handshake
/// that follows goes end to end. A 407 is reported as missing proxy credentials, never showing them.
awaitable<void> open_tunnel(beast::tcp_stream& s, const url_parts& u, const proxy_endpoint& proxy,
                            std::chrono::milliseconds timeout);

}  // namespace ocimirror::transfer
