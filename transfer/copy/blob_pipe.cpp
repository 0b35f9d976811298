#include "transfer/copy/blob_pipe.hpp"

#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <vector>

namespace ocimirror::transfer {
namespace asio = boost::asio;

namespace {

std::string where(const registry_client& src, const std::string& repo, const descriptor& d) {
  return "blob " + src.name() + "/" + repo + "@" + d.digest;
}

/// Where the bytes come from: next() gives the following piece, empty at the end.
class reader {
 public:
  virtual ~reader() = default;
  virtual awaitable<std::span<const char>> next() = 0;
  /// Waits for reads still in flight (they refer to this reader), so it may be destroyed.
  virtual awaitable<void> drain() { co_return; }
};

/// One GET; a broken connection is resumed with Range from the first byte not yet read.
class resuming_reader final : public reader {
 public:
  resuming_reader(registry_client& src, const std::string& repo, const descriptor& d, const pipe_options& o,
                  retry_budget& blob)
      : src_(src),
        repo_(repo),
        d_(d),
        buf_(o.buffer_size),
        reads_(budget_kind::resumed_read, src.policy().resumed_read, &blob) {}

  awaitable<std::span<const char>> next() override {
    if (!stream_) co_await open();
    for (;;) {
      std::size_t n = 0;
      std::exception_ptr broken;
      try {
        n = co_await stream_->read_some(buf_);
      } catch (const error& e) {
        if (!retryable(e.code())) throw;
        broken = std::current_exception();
      }
      if (!broken) {
        pos_ += n;
        co_return std::span<const char>(buf_.data(), n);
      }
      const bool again = co_await src_.retry(reads_);
      if (!again) std::rethrow_exception(broken);
      co_await open();
    }
  }

 private:
  awaitable<void> open() {
    stream_ = co_await src_.get_blob(repo_, d_.digest, pos_, std::nullopt, &reads_);
    if (pos_ == 0 || stream_->status() == 206) {
      const std::uint64_t want = d_.size - std::min(pos_, d_.size);
      if (auto len = stream_->content_length(); len && *len != want)
        throw error(errc::digest_mismatch, where(src_, repo_, d_) + " is served with " + std::to_string(*len + pos_) +
                                               " bytes but its descriptor says " + std::to_string(d_.size) +
                                               "; nothing pushed");
      co_return;
    }
    // The registry ignored Range and sent everything again: skip what was already read.
    for (std::uint64_t skip = pos_; skip > 0;) {
      const auto n = co_await stream_->read_some(std::span(buf_.data(), std::min<std::uint64_t>(skip, buf_.size())));
      if (n == 0) throw error(errc::network, where(src_, repo_, d_) + " ended early while resuming");
      skip -= n;
    }
  }

  registry_client& src_;
  const std::string& repo_;
  const descriptor& d_;
  std::vector<char> buf_;
  std::unique_ptr<body_stream> stream_;
  std::uint64_t pos_ = 0;
  retry_budget reads_;  ///< resumptions and the retries of their GETs, inside the blob's budget
};

/// Parts of part_size fetched by ranged GETs, ranged_parallel at once, handed out in order.
class ranged_reader final : public reader {
 public:
  ranged_reader(registry_client& src, const std::string& repo, const descriptor& d, const pipe_options& o,
                retry_budget& blob)
      : src_(src),
        repo_(repo),
        d_(d),
        o_(o),
        parts_((d.size + o.part_size - 1) / o.part_size),
        reads_(budget_kind::resumed_read, src.policy().resumed_read, &blob) {}
  awaitable<void> drain() override {
    for (auto& s : window_) s->abandoned = true;
    for (auto& s : window_)
      while (!s->done) co_await s->ready.async_wait(asio::as_tuple(asio::use_awaitable));
    window_.clear();
  }

  awaitable<std::span<const char>> next() override {
    if (handed_ == parts_) co_return std::span<const char>{};
    while (window_.size() < o_.ranged_parallel && started_ < parts_) co_await start(started_++);
    auto head = window_.front();
    while (!head->done) co_await head->ready.async_wait(asio::as_tuple(asio::use_awaitable));
    window_.pop_front();
    if (head->failure) std::rethrow_exception(head->failure);
    current_ = std::move(head->data);
    ++handed_;
    if (started_ < parts_) co_await start(started_++);
    co_return std::span<const char>(current_.data(), current_.size());
  }

 private:
  struct slot {
    explicit slot(asio::any_io_executor ex) : ready(ex, asio::steady_timer::time_point::max()) {}
    std::string data;
    bool done = false, abandoned = false;
    std::exception_ptr failure;
    asio::steady_timer ready;
  };

  awaitable<void> start(std::uint64_t part) {
    auto s = std::make_shared<slot>(co_await asio::this_coro::executor);
    window_.push_back(s);
    const std::uint64_t from = part * o_.part_size, to = std::min(d_.size, from + o_.part_size);
    asio::co_spawn(s->ready.get_executor(), fetch(s, from, to), [s](std::exception_ptr e) {
      s->failure = e;
      s->done = true;
      s->ready.cancel();
    });
  }

  // One part, re-fetched whole when its connection breaks; the parts of one read share one budget.
  awaitable<void> fetch(std::shared_ptr<slot> s, std::uint64_t from, std::uint64_t to) {
    for (;;) {
      std::exception_ptr broken;
      try {
        auto stream = co_await src_.get_blob(repo_, d_.digest, from, to, &reads_);
        if (stream->status() !=
            206) {  // the whole body instead of the part: read this blob, and later ones, by one GET
          src_.ignores_range = true;
          throw error(errc::server_error, "registry " + src_.name() + " ignored Range for " + where(src_, repo_, d_) +
                                              "; reading it again with one GET");
        }
        s->data.resize(static_cast<std::size_t>(to - from));  // exactly one part: no growth, no copies
        std::size_t got = 0;
        while (got < s->data.size()) {
          const auto n = co_await stream->read_some(std::span(s->data.data() + got, s->data.size() - got));
          if (n == 0) break;
          got += n;
        }
        s->data.resize(got);
      } catch (const error& e) {
        if (!retryable(e.code()) || s->abandoned || src_.ignores_range) throw;
        broken = std::current_exception();
      }
      if (!broken) break;
      const bool again = co_await src_.retry(reads_);
      if (!again) std::rethrow_exception(broken);
    }
    if (s->data.size() != to - from)
      throw error(errc::digest_mismatch, where(src_, repo_, d_) + " part " + std::to_string(from) + "-" +
                                             std::to_string(to) + " came back with " + std::to_string(s->data.size()) +
                                             " bytes");
  }

  registry_client& src_;
  const std::string& repo_;
  const descriptor& d_;
  const pipe_options& o_;
  const std::uint64_t parts_;
  std::uint64_t started_ = 0, handed_ = 0;
  std::deque<std::shared_ptr<slot>> window_;
  std::string current_;
  retry_budget reads_;  ///< re-fetched parts and the retries of their GETs, inside the blob's budget
};

/// The reader for d, and the share of the run's ranged-read memory it holds until it is destroyed.
struct chosen_reader {
  std::unique_ptr<reader> in;
  std::shared_ptr<std::uint64_t> memory;
  std::uint64_t held = 0;
  chosen_reader() = default;
  chosen_reader(const chosen_reader&) = delete;
  chosen_reader& operator=(const chosen_reader&) = delete;
  ~chosen_reader() {
    if (memory) *memory += held;
  }
};

/// Parallel ranged GETs for a blob large enough when the run's ranged-read memory has room for ranged_parallel
/// parts in flight plus the one being uploaded; else one GET resumed with Range.
void choose_reader(chosen_reader& r, registry_client& src, const std::string& repo, const descriptor& d,
                   const pipe_options& opts, retry_budget& blob) {
  const std::uint64_t need = (opts.ranged_parallel + 1) * opts.part_size;
  if (opts.ranged_threshold && d.size >= opts.ranged_threshold && d.size > opts.part_size && opts.ranged_budget &&
      *opts.ranged_budget >= need && !src.ignores_range) {
    r.memory = opts.ranged_budget;
    r.held = need;
    *r.memory -= need;
    r.in = std::make_unique<ranged_reader>(src, repo, d, opts, blob);
  } else {
    r.in = std::make_unique<resuming_reader>(src, repo, d, opts, blob);
  }
}

}  // namespace

awaitable<void> pipe_blob(registry_client& src, const std::string& src_repo, registry_client& dst,
                          const std::string& dst_repo, const descriptor& d, const pipe_options& opts,
                          std::optional<registry_client::upload_session> session,
                          const std::function<void(std::size_t)>& on_bytes,
                          const registry_client::upload_journal& journal, retry_budget& blob) {
  chosen_reader r;
  choose_reader(r, src, src_repo, d, opts, blob);
  reader& in = *r.in;
  // Every byte hashed, the last piece released only once the size and digest are proven.
  auto proven = verified_source([&in] { return in.next(); }, d, where(src, src_repo, d), {},
                                "nothing was pushed under that digest");
  // Bytes a resumed session already holds: hashed, not sent again.
  std::uint64_t skip = session ? std::min(session->offset, d.size) : 0;
  http_client::chunk_source next = [&]() -> awaitable<std::span<const char>> {
    for (;;) {
      auto piece = co_await proven();
      const auto held = static_cast<std::size_t>(std::min<std::uint64_t>(skip, piece.size()));
      skip -= held;
      if (piece.empty() || held < piece.size()) {
        piece = piece.subspan(held);
        if (!piece.empty()) on_bytes(piece.size());
        co_return piece;
      }
    }
  };
  std::exception_ptr failed;
  try {
    co_await dst.push_blob(dst_repo, d.digest, d.size, next, opts.upload, std::move(session), journal, &blob);
  } catch (...) {
    failed = std::current_exception();
  }
  co_await in.drain();
  if (failed) std::rethrow_exception(failed);
}

http_client::chunk_source read_blob(registry_client& src, const std::string& repo, const descriptor& d,
                                    const pipe_options& opts, retry_budget& blob) {
  auto in = std::make_shared<resuming_reader>(src, repo, d, opts, blob);
  return [in]() { return in->next(); };
}

http_client::chunk_source verified_source(http_client::chunk_source in, const descriptor& d, std::string what,
                                          std::function<void(std::size_t)> on_bytes, std::string_view consequence) {
  struct state {
    http_client::chunk_source in;
    sha256 hasher;
    std::uint64_t seen = 0, size = 0;
    std::string digest, what, consequence;
    std::function<void(std::size_t)> on_bytes;
    bool finished = false;
  };
  auto s = std::make_shared<state>();
  s->in = std::move(in);
  s->size = d.size;
  s->digest = d.digest;
  s->what = std::move(what);
  s->consequence = consequence;
  s->on_bytes = std::move(on_bytes);
  return [s]() -> awaitable<std::span<const char>> {
    auto mismatch = [&](const std::string& why) {
      return error(errc::digest_mismatch, s->what + " " + why + "; " + s->consequence);
    };
    if (s->finished) co_return std::span<const char>{};
    auto piece = co_await s->in();
    if (piece.empty()) {
      s->finished = true;
      if (s->seen != s->size)
        throw mismatch("ended after " + std::to_string(s->seen) + " of " + std::to_string(s->size) + " bytes");
      if (s->size == 0 && s->hasher.finish() != s->digest) throw mismatch("is empty");
      co_return piece;
    }
    s->seen += piece.size();
    if (s->seen > s->size) throw mismatch("is longer than its declared " + std::to_string(s->size) + " bytes");
    s->hasher.update(std::as_bytes(piece));
    if (s->seen == s->size) {
      s->finished = true;
      if (auto got = s->hasher.finish(); got != s->digest) throw mismatch("has content digest " + got);
    }
    if (s->on_bytes) s->on_bytes(piece.size());
    co_return piece;
  };
}

}  // namespace ocimirror::transfer
