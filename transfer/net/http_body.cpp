#include "transfer/net/http_connection.hpp"

namespace ocimirror::transfer {

body_stream::body_stream(http_client& owner, std::unique_ptr<connection> conn, bool head_request)
    : owner_(owner), conn_(std::move(conn)), where_(conn_->where) {
  parser_.body_limit(boost::none);
  parser_.skip(head_request);
}
body_stream::~body_stream() = default;

unsigned body_stream::status() const { return parser_.get().result_int(); }
const http::fields& body_stream::headers() const { return parser_.get().base(); }
std::optional<std::uint64_t> body_stream::content_length() const {
  if (auto n = parser_.content_length()) return *n;
  return std::nullopt;
}

template <class Stream>
awaitable<void> body_stream::read_head_on(Stream& s) {
  conn_->arm();
  auto [ec, n] = co_await http::async_read_header(s, conn_->buffer, parser_, use_tuple);
  (void)n;
  if (ec) conn_->fail(ec, "reading the response");
  if (parser_.is_done()) release();
}

awaitable<void> body_stream::read_head() {
  if (conn_->secure)
    co_await read_head_on(*conn_->secure);
  else
    co_await read_head_on(*conn_->plain);
}

// The rate counts only time spent waiting on the server: a reader that pauses between reads (its consumer, an upload,
// is slower) is not held against the source.
void body_stream::check_rate(std::size_t got, std::chrono::steady_clock::duration waited) {
  const auto& o = owner_.options();
  window_bytes_ += got;
  window_waited_ += waited;
  if (o.min_rate == 0 || o.rate_window.count() <= 0 || window_waited_ < o.rate_window) return;
  const auto ms =
      std::max<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(window_waited_).count(), 1);
  const std::uint64_t rate = window_bytes_ * 1000 / static_cast<std::uint64_t>(ms);
  if (rate < o.min_rate)
    throw error(errc::timeout, "gave up on " + where_ + ": the response body arrived at " + std::to_string(rate) +
                                   " bytes/s over " + std::to_string(ms / 1000) + " s, under the " +
                                   std::to_string(o.min_rate) + " bytes/s a transfer must keep (--min-rate)");
  window_waited_ = {};
  window_bytes_ = 0;
}

template <class Stream>
awaitable<std::size_t> body_stream::read_some_on(Stream& s, std::span<char> out) {
  parser_.get().body().data = out.data();
  parser_.get().body().size = out.size();
  conn_->arm();
  // One read from the socket at a time (not "until the buffer is full"): a trickle is seen as it trickles, so the
  // minimum rate can be judged, and a fast body still arrives in socket-sized pieces.
  auto [ec, n] = co_await http::async_read_some(s, conn_->buffer, parser_, use_tuple);
  (void)n;
  if (ec == http::error::need_buffer) ec = {};
  if (ec) conn_->fail(ec, "reading the response body");
  std::size_t got = out.size() - parser_.get().body().size;
  if (parser_.is_done()) release();
  co_return got;
}

awaitable<std::size_t> body_stream::read_some(std::span<char> out) {
  while (conn_ && !parser_.is_done()) {
    // if/else, not ?: — GCC 12 evaluates co_await inside a conditional operator wrongly.
    std::size_t got = 0;
    const auto started = std::chrono::steady_clock::now();
    if (conn_->secure)
      got = co_await read_some_on(*conn_->secure, out);
    else
      got = co_await read_some_on(*conn_->plain, out);
    check_rate(got, std::chrono::steady_clock::now() - started);
    if (got > 0) co_return got;
  }
  co_return 0;
}

awaitable<std::string> body_stream::read_all(std::size_t limit) {
  std::string out;
  char buf[16384];
  while (std::size_t n = co_await read_some(buf)) {
    if (out.size() + n > limit)
      throw error(errc::too_large, "response from " + (conn_ ? conn_->where : std::string("registry")) +
                                       " is larger than " + std::to_string(limit) + " bytes");
    out.append(buf, n);
  }
  co_return out;
}

void body_stream::release() {
  if (conn_ && parser_.is_done() && parser_.get().keep_alive()) owner_.release(std::move(conn_));
}

}  // namespace ocimirror::transfer
