#include "transfer/copy_graph.hpp"

#include "transfer/digest.hpp"
#include "transfer/errors.hpp"
#include "transfer/parallel.hpp"

#include <set>

namespace ocimirror::transfer {

http_client::chunk_source verified_source(http_client::chunk_source in, const descriptor& d, std::string what,
                                          std::function<void(std::size_t)> on_bytes) {
  struct state {
    http_client::chunk_source in;
    sha256 hasher;
    std::uint64_t seen = 0, size = 0;
    std::string digest, what;
    std::function<void(std::size_t)> on_bytes;
    bool finished = false;
  };
  auto s = std::make_shared<state>();
  s->in = std::move(in);
  s->size = d.size;
  s->digest = d.digest;
  s->what = std::move(what);
  s->on_bytes = std::move(on_bytes);
  return [s]() -> awaitable<std::span<const char>> {
    auto mismatch = [&](const std::string& why) {
      return error(errc::digest_mismatch, s->what + " " + why + "; nothing was stored under that digest");
    };
    if (s->finished) co_return std::span<const char>{};
    auto piece = co_await s->in();
    if (piece.empty()) {
      s->finished = true;
      if (s->seen != s->size) throw mismatch("ended after " + std::to_string(s->seen) + " of " + std::to_string(s->size) + " bytes");
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

namespace {

struct graph_copier {
  endpoint& src;
  const reference& from;
  endpoint& dst;
  const reference& to;
  const copy_options& opts;
  copy_stats stats;
  copy_progress scratch;

  copy_progress& progress() { return opts.progress ? *opts.progress : scratch; }
  std::string src_name(const std::string& digest) const { return src.name() + "/" + from.repository + "@" + digest; }

  /// The destination is a registry and some repository of it is known to hold the blob: mount it from there.
  awaitable<bool> mount(const descriptor& d) {
    auto* reg = dst.registry();
    if (!reg) co_return false;
    std::vector<std::string> holders;
    if (opts.gate)
      if (auto h = opts.gate->holder(dst.name(), d.digest)) holders.push_back(*h);
    if (opts.memory)
      for (auto& h : co_await opts.memory->holders(dst.name(), d.digest)) holders.push_back(std::move(h));
    for (const auto& h : holders) {
      if (h == to.repository) continue;
      auto m = co_await reg->mount_blob(to.repository, d.digest, h);
      if (m.mounted) co_return true;
    }
    co_return false;
  }

  awaitable<void> confirmed(const std::string& digest) {
    if (opts.gate) opts.gate->record(dst.name(), digest, to.repository);
    if (opts.memory && dst.registry()) co_await opts.memory->held(dst.name(), digest, to.repository);
  }

  awaitable<void> copy_blob(const descriptor& d) {
    auto& p = progress();
    std::optional<blob_gate::lease> held;
    if (opts.gate) held.emplace(co_await opts.gate->acquire(dst.name(), d.digest));
    if (co_await dst.blob_size(to.repository, d.digest)) {
      co_await confirmed(d.digest);
      ++stats.blobs_skipped, ++p.blobs_done;
      co_return;
    }
    bool in_source = src.registry() != nullptr;  // a registry is asked by the GET itself (its error is the clearer)
    if (!in_source) in_source = (co_await src.blob_size(from.repository, d.digest)).has_value();
    if (!in_source) {
      if (co_await mount(d)) {
        co_await confirmed(d.digest);
        ++stats.blobs_mounted, ++p.blobs_done;
        co_return;
      }
      throw error(errc::bad_archive, "blob " + d.digest + " is neither in " + src.name() + " nor at " + dst.name() + "/" +
                                         to.repository + " (an incremental bundle whose base was not imported first?)");
    }
    p.bytes_total += d.size;
    ++p.blobs_active;
    struct active {
      std::size_t& n;
      ~active() { --n; }
    } in_flight{p.blobs_active};
    for (int attempt = 0, mismatches = 0;; ++attempt) {
      std::uint64_t moved = 0;
      bool again = false;
      try {
        auto raw = co_await src.open_blob(from.repository, d.digest);
        auto checked = verified_source(std::move(raw), d, "blob " + src_name(d.digest), [&](std::size_t n) {
          moved += n;
          p.bytes_done += n;
          stats.bytes_copied += n;
        });
        co_await dst.put_blob(to.repository, d.digest, d.size, std::move(checked));
      } catch (const error& e) {
        const bool worth = e.code() == errc::digest_mismatch ? ++mismatches < corrupt_fetches : retryable(e.code()) && attempt - mismatches < 5;
        if (!worth) throw;
        again = true;
      }
      if (!again) break;
      p.bytes_done -= moved;
      stats.bytes_copied -= moved;
      if (auto* reg = src.registry()) co_await reg->pause(attempt);
    }
    co_await confirmed(d.digest);
    ++stats.blobs_copied, ++p.blobs_done;
  }

  awaitable<std::string> copy_manifest(const fetched_manifest& m, const std::string& target, bool present = false,
                                       int depth = 0) {
    auto parsed = parse_manifest(m.bytes, m.media_type);
    if (!parsed) throw error(errc::bad_manifest, "manifest " + src_name(m.digest) + ": " + parsed.error());
    std::string bytes = m.bytes, digest = m.digest;
    if (parsed->is_index()) {
      check_index_depth(depth, src_name(m.digest));
      const auto keep = children_to_copy(*parsed, opts, src_name(m.digest));
      const bool filtered = std::find(keep.begin(), keep.end(), false) != keep.end();
      for (std::size_t i = 0; i < keep.size(); ++i) {
        if (!keep[i]) continue;
        const auto& child = parsed->manifests[i];
        const bool there = (co_await dst.head_manifest(to.repository, child.digest)).has_value();
        if (there && !opts.verify) {
          ++stats.manifests_skipped;
          continue;
        }
        auto cm = co_await src.get_manifest(from.repository, child.digest);
        co_await copy_manifest(cm, {}, there, depth + 1);
      }
      if (filtered) {
        bytes = filter_index(m.bytes, keep, m.digest);
        digest = sha256_digest(bytes);
      }
    } else {
      const auto blobs = unique_blobs(*parsed);
      progress().blobs_total += blobs.size();
      co_await for_each_parallel(blobs.size(), opts.parallel_blobs, [&](std::size_t i) -> awaitable<void> {
        try {
          co_await copy_blob(*blobs[i]);
        } catch (...) {
          ++progress().blobs_failed;
          throw;
        }
      });
    }
    if (present) {
      ++stats.manifests_skipped;
      co_return digest;
    }
    co_await dst.put_manifest(to.repository, target.empty() ? digest : target, bytes, parsed->media_type);
    ++stats.manifests_pushed;
    co_return digest;
  }
};

}  // namespace

awaitable<copy_result> copy_graph(endpoint& src, const reference& from, endpoint& dst, const reference& to,
                                  const copy_options& opts) {
  graph_copier c{src, from, dst, to, opts, {}, {}};
  const std::string target = from.target().empty() ? std::string("latest") : from.target();
  auto m = co_await src.get_manifest(from.repository, target);
  auto parsed = parse_manifest(m.bytes, m.media_type);
  if (!parsed) throw error(errc::bad_manifest, "manifest " + c.src_name(m.digest) + ": " + parsed.error());
  if (m.bytes.size() > max_manifest_push && dst.registry())
    throw error(errc::too_large, "manifest " + c.src_name(m.digest) + " is over the 4 MiB registries accept; nothing was copied");
  copy_result r;
  r.source_digest = m.digest;
  r.media_type = parsed->media_type;
  r.size = m.bytes.size();
  const bool filtering = opts.select_child && parsed->is_index();
  bool present = false;
  if (!filtering && !to.tag.empty())
    if (auto h = co_await dst.head_manifest(to.repository, to.tag); h && h->digest == m.digest) present = true;
  if (present && !opts.verify) {
    c.stats.manifests_skipped = 1;
    r.digest = m.digest;
    r.stats = c.stats;
    co_return r;
  }
  r.digest = co_await c.copy_manifest(m, to.tag, present);
  r.stats = c.stats;
  co_return r;
}

}  // namespace ocimirror::transfer
