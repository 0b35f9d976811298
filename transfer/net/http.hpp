#pragma once
// HTTP/1.1 client on Boost.Beast: TLS (verification on unless told otherwise), SNI, a keep-alive connection pool
// per origin, a deadline on every step, and bodies streamed in both directions. One io_context thread drives it.
#include "transfer/net/advice.hpp"
#include "transfer/net/proxy.hpp"
#include "transfer/net/url.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {
class stopper;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;

struct tls_options {
  bool verify = true;                   ///< false only when the user asked for --insecure
  std::vector<std::string> ca_files;    ///< trusted in addition to the system store
  std::string cert_dir;                 ///< a certs.d directory for this registry (`*.crt`, `*.cert` + `*.key`)
  std::string client_cert, client_key;  ///< PEM files presented when the registry asks for a client certificate
};

struct http_options {
  std::chrono::milliseconds connect_timeout{15'000};  ///< resolve, connect and TLS handshake, each
  std::chrono::milliseconds io_timeout{60'000};       ///< each read or write of a message part
  /// A request whose answer is read whole (manifests, lists, tokens), from sending to its last byte; 0: none.
  std::chrono::milliseconds request_deadline{300'000};
  /// A body that averages less than min_rate bytes/s over any rate_window is given up (curl's --speed-limit and
  /// --speed-time): a trickle never ends a transfer otherwise, since each read gets something in time. 0: none.
  std::uint64_t min_rate = 1024;
  std::chrono::milliseconds rate_window{30'000};
  std::size_t max_idle_per_origin = 32;
  std::chrono::seconds max_idle_age{20};  ///< older idle connections are dropped, not reused
  std::string user_agent = "ocimirror/0.1";
  /// When set and stopped, sockets in use are closed and new requests refused with errc::cancelled (a drain).
  stopper* stop = nullptr;
  /// How errors advise fixing what they report: flags or configuration keys (advice.hpp).
  advice hints;
  /// TLS settings per host ("host:port" as in the URL); default: verify against the system store.
  std::function<tls_options(std::string_view host)> tls_for;
  /// The proxy a request goes through (authority as in the URL, host without brackets); nullopt or unset: direct.
  /// HTTPS goes through a CONNECT tunnel (the certificate still verified against the host's name), HTTP in
  /// absolute form.
  std::function<std::optional<proxy_endpoint>(std::string_view authority, std::string_view host, std::string_view port,
                                              bool tls)>
      proxy_for;
};

using string_response = http::response<http::string_body>;
struct connection;
class http_client;

/// A response whose body is read piece by piece. The connection goes back to the pool once the body has been
/// read to its end; a stream dropped early closes its connection instead.
class body_stream {
 public:
  body_stream(http_client& owner, std::unique_ptr<connection> conn, bool head_request);
  ~body_stream();
  body_stream(const body_stream&) = delete;
  body_stream& operator=(const body_stream&) = delete;

  /// Reads the status line and headers; throws transfer::error on network failure or timeout.
  awaitable<void> read_head();
  unsigned status() const;
  const http::fields& headers() const;
  std::optional<std::uint64_t> content_length() const;
  /// Fills out with body bytes; 0 means the body is complete.
  awaitable<std::size_t> read_some(std::span<char> out);
  /// The rest of the body, failing with errc::too_large beyond limit.
  awaitable<std::string> read_all(std::size_t limit);

 private:
  template <class Stream>
  awaitable<std::size_t> read_some_on(Stream& s, std::span<char> out);
  template <class Stream>
  awaitable<void> read_head_on(Stream& s);
  void release();
  /// Throws errc::timeout when the body has averaged under the minimum rate over the last window of waiting.
  void check_rate(std::size_t got, std::chrono::steady_clock::duration waited);

  http_client& owner_;
  std::unique_ptr<connection> conn_;
  http::response_parser<http::buffer_body> parser_;
  std::string where_;  ///< "host:port", for messages after the connection went back to the pool
  std::chrono::steady_clock::duration window_waited_{};
  std::uint64_t window_bytes_ = 0;
};

class http_client {
 public:
  http_client(asio::any_io_executor ex, http_options opts);
  ~http_client();

  /// A request with a small body, its response read whole (up to body_limit bytes).
  awaitable<string_response> send(std::string_view url, http::request<http::string_body> req, std::size_t body_limit);
  /// Sends a bodiless request and returns once the response headers are in; the body is streamed from there.
  awaitable<std::unique_ptr<body_stream>> open(std::string_view url, http::request<http::empty_body> req);
  /// Produces the next piece of a streamed request body; an empty span ends it. Throwing aborts the request.
  using chunk_source = std::function<awaitable<std::span<const char>>()>;
  /// Sends a request whose body of exactly `length` bytes comes from next(); returns the (small) response.
  awaitable<string_response> upload(std::string_view url, http::request<http::empty_body> head, std::uint64_t length,
                                    chunk_source next);

  const http_options& options() const { return opts_; }

 private:
  friend class body_stream;
  awaitable<std::unique_ptr<connection>> acquire(const url_parts& u, bool& reused);
  awaitable<std::unique_ptr<connection>> connect(const url_parts& u);
  void release(std::unique_ptr<connection> c);
  asio::ssl::context& tls_context(const url_parts& u);
  template <class Req>
  void prepare(Req& req, const url_parts& u) const;
  std::optional<proxy_endpoint> proxy_of(const url_parts& u) const;
  /// Writes req on a pooled or new connection and reads the response head; a pooled connection the server had
  /// already closed is replaced once.
  /// deadline: when the whole exchange, body included, must be over (send()).
  template <class Req>
  awaitable<std::unique_ptr<body_stream>> exchange(const url_parts& u, Req& req,
                                                   std::optional<std::chrono::steady_clock::time_point> deadline = {});

  asio::any_io_executor ex_;
  http_options opts_;
  std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;
  std::map<std::string, std::unique_ptr<asio::ssl::context>> tls_;
};

}  // namespace ocimirror::transfer
