#include "transfer/copy.hpp"

#include "transfer/blob_pipe.hpp"

#include "transfer/digest.hpp"
#include "transfer/errors.hpp"
#include "transfer/parallel.hpp"

#include <algorithm>
#include <set>

namespace ocimirror::transfer {
namespace {

struct copier {
  registry_client& src;
  const reference& from;
  registry_client& dst;
  const reference& to;
  const copy_options& opts;
  copy_stats stats;
  copy_progress scratch;
  bool subject_seen = false;  ///< set by each manifest push; the top manifest is pushed last

  copy_progress& progress() { return opts.progress ? *opts.progress : scratch; }
  std::string src_name(const std::string& digest) const { return src.name() + "/" + from.repository + "@" + digest; }

  awaitable<void> copy_blob(const descriptor& d) {
    auto& p = progress();
    std::optional<blob_gate::lease> held;
    if (opts.gate) held.emplace(co_await opts.gate->acquire(dst.name(), d.digest));
    // One permit from each registry involved, taken in name order so two copies in opposite directions cannot
    // each hold what the other waits for.
    std::optional<concurrency::permit> first, second;
    auto* a = &src;
    auto* b = &dst;
    if (b->name() < a->name()) std::swap(a, b);
    first.emplace(co_await a->limiter().acquire());
    if (a != b) second.emplace(co_await b->limiter().acquire());
    struct active {
      std::size_t& n;
      explicit active(std::size_t& c) : n(c) { ++n; }
      ~active() { --n; }
    } in_flight(p.blobs_active);
    if (co_await dst.blob_size(to.repository, d.digest)) {
      co_await confirmed(d.digest);
      ++stats.blobs_skipped;
      ++p.blobs_done;
      co_return;
    }
    // Mount from a repository known to hold it: one written earlier in this run, one the cache remembers, or the
    // source on the same registry. The cache may be stale: a refused mount corrects it and the blob is copied.
    std::optional<std::string> mount_from;
    bool remembered = false;
    if (opts.gate) mount_from = opts.gate->holder(dst.name(), d.digest);
    if (!mount_from && opts.memory) {
      auto known = co_await opts.memory->holders(dst.name(), d.digest);
      for (auto& r : known)
        if (r != to.repository) {
          mount_from = std::move(r);
          remembered = true;
          break;
        }
    }
    if (!mount_from && src.name() == dst.name()) mount_from = from.repository;
    std::optional<registry_client::upload_session> session;  // a refused mount may leave an upload open (202)
    if (mount_from && *mount_from != to.repository) {
      auto m = co_await dst.mount_blob(to.repository, d.digest, *mount_from);
      if (m.mounted) {
        co_await confirmed(d.digest);
        ++stats.blobs_mounted;
        ++p.blobs_done;
        co_return;
      }
      if (remembered) co_await opts.memory->not_held(dst.name(), d.digest, *mount_from);
      session = std::move(m.session);
    }
    if (!session) session = co_await resumable_session(d);
    p.bytes_total += d.size;
    const auto journaled = journal(d.digest);  // a named local: GCC 12 mishandles temporaries across co_await
    // Throttling, 5xx and broken connections the reader could not resume: the whole blob again, after a backoff, as
    // often as a single request would be tried (a streamed upload cannot be re-sent alone: its bytes are spent).
    // A digest mismatch (bytes flipped in transit) is fetched again too, up to three times in all, then reported.
    for (int attempt = 0, mismatches = 0;; ++attempt) {
      std::uint64_t moved = 0;
      bool again = false;
      try {
        auto started = std::exchange(session, std::nullopt);  // a session serves one attempt
        co_await pipe_blob(src, from.repository, dst, to.repository, d, opts.pipe, std::move(started), [&](std::size_t n) {
          moved += n;
          p.bytes_done += n;
          stats.bytes_copied += n;
        }, journaled);
      } catch (const error& e) {
        const bool worth = e.code() == errc::digest_mismatch
                               ? ++mismatches < corrupt_fetches
                               : retryable(e.code()) && attempt - mismatches + 1 < src.retry().max_attempts;
        if (!worth) throw;
        again = true;
      }
      if (!again) break;
      p.bytes_done -= moved;
      stats.bytes_copied -= moved;
      co_await src.pause(attempt);
    }
    if (journaled && d.size > opts.pipe.upload.monolithic_max) co_await opts.memory->clear_upload(dst.name(), to.repository, d.digest);
    co_await confirmed(d.digest);
    ++stats.blobs_copied;
    ++p.blobs_done;
  }

  /// The destination holds d in to.repository: later copies of this run, and later runs, may mount it from there.
  awaitable<void> confirmed(const std::string& digest) {
    if (opts.gate) opts.gate->record(dst.name(), digest, to.repository);
    if (opts.memory) co_await opts.memory->held(dst.name(), digest, to.repository);
  }

  /// Where an earlier process left a chunked upload of d that the registry still holds: continue it.
  awaitable<std::optional<registry_client::upload_session>> resumable_session(const descriptor& d) {
    if (!opts.memory || d.size <= opts.pipe.upload.monolithic_max || opts.pipe.upload.chunk_size == 0) co_return std::nullopt;
    auto mark = co_await opts.memory->upload(dst.name(), to.repository, d.digest);
    if (!mark) co_return std::nullopt;
    std::optional<registry_client::upload_session> s;
    try {
      s = co_await dst.upload_status(to.repository, mark->location);
    } catch (const error&) {
    }
    if (s && (s->offset != mark->offset || s->offset >= d.size)) s.reset();  // not where we left it: start afresh
    if (!s) co_await opts.memory->clear_upload(dst.name(), to.repository, d.digest);
    else ++stats.uploads_resumed;
    co_return s;
  }

  registry_client::upload_journal journal(const std::string& digest) {
    if (!opts.memory || opts.pipe.upload.chunk_size == 0) return {};
    // Not a coroutine: GCC 12 destroys temporaries built inside a co_await expression twice.
    return [this, digest](const std::string& location, std::uint64_t offset) -> awaitable<void> {
      const blob_memory::upload_point at{location, offset};
      return opts.memory->set_upload(dst.name(), to.repository, digest, at);
    };
  }

  // Copies the graph under m and pushes m itself under `target` (a tag, or empty for "by digest"). present: the
  // destination already has m under target (a verify run): check what is under it, push only what is missing.
  // Returns the digest at the destination.
  awaitable<std::string> copy_manifest(const fetched_manifest& m, const std::string& target, bool present = false,
                                       int depth = 0) {
    auto parsed = parse_manifest(m.bytes, m.media_type);
    if (!parsed) throw error(errc::bad_manifest, "manifest " + src_name(m.digest) + ": " + parsed.error());
    // Refuse before any of its blobs move: a manifest no registry accepts would strand them.
    if (m.bytes.size() > max_manifest_push)
      throw error(errc::too_large, "manifest " + src_name(m.digest) + " is " + std::to_string(m.bytes.size()) +
                                       " bytes, over the " + std::to_string(max_manifest_push >> 20) +
                                       " MiB registries accept; nothing was copied");
    std::string bytes = m.bytes;
    std::string digest = m.digest;
    if (parsed->is_index()) {
      check_index_depth(depth, src_name(m.digest));
      const auto keep = children_to_copy(*parsed, opts, src_name(m.digest));
      const bool filtered = std::find(keep.begin(), keep.end(), false) != keep.end();
      for (std::size_t i = 0; i < keep.size(); ++i) {
        if (!keep[i]) continue;
        const auto& child = parsed->manifests[i];
        std::optional<blob_gate::lease> held;
        if (opts.gate) held.emplace(co_await opts.gate->acquire(dst.name() + "/" + to.repository, child.digest));
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
      co_await for_each_parallel(blobs.size(), opts.parallel_blobs,
                                 [&](std::size_t i) -> awaitable<void> {
                                   try {
                                     co_await copy_blob(*blobs[i]);
                                   } catch (...) {
                                     ++progress().blobs_failed;  // counted, then thrown on
                                     throw;
                                   }
                                 });
    }
    if (present) {
      ++stats.manifests_skipped;
      co_return digest;
    }
    co_await dst.put_manifest(to.repository, target.empty() ? digest : target, bytes, parsed->media_type, &subject_seen);
    ++stats.manifests_pushed;
    co_return digest;
  }
};

}  // namespace

std::vector<bool> children_to_copy(const manifest& index, const copy_options& opts, const std::string& where) {
  std::vector<bool> keep(index.manifests.size(), true);
  if (!opts.select_child) return keep;
  for (std::size_t i = 0; i < keep.size(); ++i) keep[i] = opts.select_child(index.manifests[i]);
  if (!keep.empty() && std::find(keep.begin(), keep.end(), true) == keep.end()) {
    std::string have;
    for (const auto& c : index.manifests) have += (have.empty() ? "" : ", ") + (c.platform ? c.platform->str() : "(no platform)");
    throw error(errc::not_found, "no manifest in index " + where + " matches the requested platforms (it has: " + have + ")");
  }
  return keep;
}

std::vector<const descriptor*> unique_blobs(const manifest& m) {
  std::vector<const descriptor*> out;
  std::set<std::string> seen;
  for (const auto* b : m.blobs())
    if (seen.insert(b->digest).second) out.push_back(b);
  return out;
}

awaitable<copy_result> copy_image(registry_client& src, const reference& from, registry_client& dst,
                                  const reference& to, const copy_options& opts) {
  copier c{src, from, dst, to, opts, {}, {}, false};
  const std::string source_target = from.target().empty() ? std::string("latest") : from.target();
  auto m = co_await src.get_manifest(from.repository, source_target);
  copy_result r;
  r.source_digest = m.digest;
  auto parsed = parse_manifest(m.bytes, m.media_type);
  if (!parsed) throw error(errc::bad_manifest, "manifest " + c.src_name(m.digest) + ": " + parsed.error());
  r.media_type = parsed->media_type;
  r.size = m.bytes.size();
  if (!to.digest.empty() && to.digest != m.digest && !opts.select_child)
    throw error(errc::digest_mismatch, "destination " + to.str() + " names digest " + to.digest + " but the source is " + m.digest);

  // A verify run checks everything under a tag that points at the right digest, and pushes what is missing.
  if (opts.verify && !(opts.select_child && parsed->is_index())) {
    bool present = false;
    if (!to.tag.empty())
      if (auto h = co_await dst.head_manifest(to.repository, to.tag); h && h->digest == m.digest) present = true;
    r.digest = co_await c.copy_manifest(m, to.tag, present);
    r.stats = c.stats;
    co_return r;
  }
  // What the destination already holds decides how little is left to do.
  if (!(opts.select_child && parsed->is_index())) {
    if (!to.tag.empty()) {
      if (auto h = co_await dst.head_manifest(to.repository, to.tag); h && h->digest == m.digest) {
        c.stats.manifests_skipped = 1;
        r.digest = m.digest;
        r.stats = c.stats;
        co_return r;
      }
    }
    if (co_await dst.head_manifest(to.repository, m.digest)) {
      if (!to.tag.empty()) {
        co_await dst.put_manifest(to.repository, to.tag, m.bytes, parsed->media_type);
        ++c.stats.manifests_pushed;
      } else {
        ++c.stats.manifests_skipped;
      }
      r.digest = m.digest;
      r.stats = c.stats;
      co_return r;
    }
  }
  r.digest = co_await c.copy_manifest(m, to.tag);
  r.stats = c.stats;
  r.subject_acknowledged = c.subject_seen;
  co_return r;
}

}  // namespace ocimirror::transfer
