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
  endpoint& src;
  const reference& from;
  endpoint& dst;
  const reference& to;
  const copy_options& opts;
  registry_client* sreg = src.registry();  ///< capabilities: what a registry can do that a layout cannot
  registry_client* dreg = dst.registry();
  copy_stats stats{};
  copy_progress scratch{};
  bool subject_seen = false;  ///< set by each manifest push to a registry; the top manifest is pushed last

  copy_progress& progress() { return opts.progress ? *opts.progress : scratch; }
  std::string src_name(const std::string& digest) const { return src.name() + "/" + from.repository + "@" + digest; }
  /// Who retries and pauses for a blob: the source registry, else the destination's (a layout's errors are local).
  registry_client* retrier() const { return sreg ? sreg : dreg; }

  awaitable<void> copy_blob(const descriptor& d) {
    auto& p = progress();
    std::optional<blob_gate::lease> held;
    if (opts.gate) held.emplace(co_await opts.gate->acquire(dst.name(), d.digest));
    // One permit from each registry involved, taken in name order so two copies in opposite directions cannot
    // each hold what the other waits for.
    std::optional<concurrency::permit> first, second;
    auto* a = sreg ? sreg : dreg;
    auto* b = dreg ? dreg : sreg;
    if (a && b && b->name() < a->name()) std::swap(a, b);
    if (a) first.emplace(co_await a->limiter().acquire());
    if (b && b != a) second.emplace(co_await b->limiter().acquire());
    struct active {
      std::size_t& n;
      explicit active(std::size_t& c) : n(c) { ++n; }
      ~active() { --n; }
    } in_flight(p.blobs_active);
    if (co_await dst.blob_size(to.repository, d.digest)) {
      co_await done(d, stats.blobs_skipped);
      co_return;
    }
    // A registry is asked by the GET itself (its error is the clearer); a layout may lack what a bundle left out.
    const bool in_source = sreg || (co_await src.blob_size(from.repository, d.digest)).has_value();
    std::optional<registry_client::upload_session> session;  // a refused mount may leave an upload open (202)
    if (dreg && co_await mount(d, in_source, session)) {
      co_await done(d, stats.blobs_mounted);
      co_return;
    }
    if (!in_source)
      throw error(errc::bad_archive, "blob " + d.digest + " is neither in " + src.name() + " nor at " + dst.name() +
                                         "/" + to.repository +
                                         " (an incremental bundle whose base was not imported first?)");
    if (!session) session = co_await resumable_session(d);
    co_await transfer_blob(d, std::move(session));
    co_await done(d, stats.blobs_copied);
  }

  awaitable<void> done(const descriptor& d, std::size_t& counter) {
    co_await confirmed(d.digest);
    ++counter;
    ++progress().blobs_done;
  }

  /// Mounts d into the destination from a repository known to hold it: one written earlier in this run, those the
  /// cache remembers, or the source on the same registry. The cache may be stale: a refused mount corrects it. A
  /// refusal that opened an upload ends the search when the source can supply the bytes (the session is used).
  awaitable<bool> mount(const descriptor& d, bool in_source, std::optional<registry_client::upload_session>& session) {
    std::vector<std::pair<std::string, bool>> candidates;  // (repository, remembered by the cache)
    if (opts.gate)
      if (auto h = opts.gate->holder(dst.name(), d.digest)) candidates.emplace_back(*h, false);
    if (opts.memory && (candidates.empty() || !in_source))  // the run's own knowledge first: no cache lookup
      for (auto& r : co_await opts.memory->holders(dst.name(), d.digest)) candidates.emplace_back(std::move(r), true);
    if (sreg && sreg->name() == dreg->name()) candidates.emplace_back(from.repository, false);
    std::set<std::string> tried{to.repository};
    for (const auto& [repo, remembered] : candidates) {
      if (!tried.insert(repo).second) continue;
      auto m = co_await dreg->mount_blob(to.repository, d.digest, repo);
      if (m.mounted) co_return true;
      if (remembered) co_await opts.memory->not_held(dst.name(), d.digest, repo);
      session = std::move(m.session);
      if (in_source) co_return false;  // one refused mount is enough when the bytes can be sent instead
    }
    co_return false;
  }

  /// The bytes themselves, retried whole on throttling, 5xx and broken connections the reader could not resume, as
  /// often as a single request would be (a streamed upload cannot be re-sent alone: its bytes are spent); a digest
  /// mismatch (bytes flipped in transit) is fetched again too, up to corrupt_fetches times in all, then reported.
  awaitable<void> transfer_blob(const descriptor& d, std::optional<registry_client::upload_session> session) {
    auto& p = progress();
    p.bytes_total += d.size;
    const auto journaled = journal(d.digest);  // a named local: GCC 12 mishandles temporaries across co_await
    const int budget = retrier() ? retrier()->retry().max_attempts : 1;
    for (int attempt = 0, mismatches = 0;; ++attempt) {
      std::uint64_t moved = 0;
      bool again = false;
      const auto count = [&](std::size_t n) {
        moved += n;
        p.bytes_done += n;
        stats.bytes_copied += n;
      };
      try {
        co_await move_bytes(d, std::exchange(session, std::nullopt), count, journaled);  // a session serves one attempt
      } catch (const error& e) {
        const bool worth = e.code() == errc::digest_mismatch ? ++mismatches < corrupt_fetches
                                                             : retryable(e.code()) && attempt - mismatches + 1 < budget;
        if (!worth) throw;
        again = true;
      }
      if (!again) break;
      p.bytes_done -= moved;
      stats.bytes_copied -= moved;
      if (auto* r = retrier()) co_await r->pause(attempt);
    }
    if (journaled && d.size > opts.pipe.upload.monolithic_max)
      co_await opts.memory->clear_upload(dst.name(), to.repository, d.digest);
  }

  awaitable<void> move_bytes(const descriptor& d, std::optional<registry_client::upload_session> session,
                             const std::function<void(std::size_t)>& count,
                             const registry_client::upload_journal& journaled) {
    if (sreg && dreg) {  // ranged parallel reads, Range-resumed GETs, resumable chunked uploads
      co_await pipe_blob(*sreg, from.repository, *dreg, to.repository, d, opts.pipe, std::move(session), count,
                         journaled);
      co_return;
    }
    auto raw = co_await src.open_blob(from.repository, d.digest);
    auto checked = verified_source(std::move(raw), d, "blob " + src_name(d.digest), count);
    // A session here is one a refused mount opened (nothing in it yet); uploads from a layout are not journaled.
    if (dreg)
      co_await dreg->push_blob(to.repository, d.digest, d.size, std::move(checked), opts.pipe.upload,
                               std::move(session), journaled);
    else
      co_await dst.put_blob(to.repository, d.digest, d.size, std::move(checked));
  }

  /// The destination holds d in to.repository: later copies of this run, and later runs, may mount it from there.
  awaitable<void> confirmed(const std::string& digest) {
    if (opts.gate) opts.gate->record(dst.name(), digest, to.repository);
    if (opts.memory && dreg) co_await opts.memory->held(dst.name(), digest, to.repository);
  }

  /// Where an earlier process left a chunked upload of d that the registry still holds: continue it. Between two
  /// registries only: blob_pipe re-reads and hashes the bytes the session holds without sending them again.
  awaitable<std::optional<registry_client::upload_session>> resumable_session(const descriptor& d) {
    if (!sreg || !dreg || !opts.memory || d.size <= opts.pipe.upload.monolithic_max || opts.pipe.upload.chunk_size == 0)
      co_return std::nullopt;
    auto mark = co_await opts.memory->upload(dst.name(), to.repository, d.digest);
    if (!mark) co_return std::nullopt;
    std::optional<registry_client::upload_session> s;
    try {
      s = co_await dreg->upload_status(to.repository, mark->location);
    } catch (const error&) {}
    if (s && (s->offset != mark->offset || s->offset >= d.size)) s.reset();  // not where we left it: start afresh
    if (!s)
      co_await opts.memory->clear_upload(dst.name(), to.repository, d.digest);
    else
      ++stats.uploads_resumed;
    co_return s;
  }

  registry_client::upload_journal journal(const std::string& digest) {
    if (!sreg || !dreg || !opts.memory || opts.pipe.upload.chunk_size == 0) return {};
    // Not a coroutine: GCC 12 destroys temporaries built inside a co_await expression twice.
    return [this, digest](const std::string& location, std::uint64_t offset) -> awaitable<void> {
      const blob_memory::upload_point at{location, offset};
      return opts.memory->set_upload(dst.name(), to.repository, digest, at);
    };
  }

  awaitable<void> put(const std::string& target, const std::string& bytes, const std::string& media_type) {
    if (dreg)
      co_await dreg->put_manifest(to.repository, target, bytes, media_type, &subject_seen);
    else
      co_await dst.put_manifest(to.repository, target, bytes, media_type);
  }

  awaitable<void> copy_children(const manifest& index, const std::vector<bool>& keep, int depth) {
    for (std::size_t i = 0; i < keep.size(); ++i) {
      if (!keep[i]) continue;
      const auto& child = index.manifests[i];
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
  }

  // Copies the graph under m and pushes m itself under `target` (a tag, or empty for "by digest"). present: the
  // destination already has m under target (a verify run): check what is under it, push only what is missing.
  // Returns the digest at the destination.
  awaitable<std::string> copy_manifest(const fetched_manifest& m, const std::string& target, bool present = false,
                                       int depth = 0) {
    auto parsed = parse_manifest(m.bytes, m.media_type);
    if (!parsed) throw error(errc::bad_manifest, "manifest " + src_name(m.digest) + ": " + parsed.error());
    // Refuse before any of its blobs move: a manifest no registry accepts would strand them.
    if (dreg && m.bytes.size() > max_manifest_push)
      throw error(errc::too_large, "manifest " + src_name(m.digest) + " is " + std::to_string(m.bytes.size()) +
                                       " bytes, over the " + std::to_string(max_manifest_push >> 20) +
                                       " MiB registries accept; nothing was copied");
    std::string bytes = m.bytes, digest = m.digest;
    if (parsed->is_index()) {
      check_index_depth(depth, src_name(m.digest));
      const auto keep = children_to_copy(*parsed, opts, src_name(m.digest));
      co_await copy_children(*parsed, keep, depth);
      if (std::find(keep.begin(), keep.end(), false) != keep.end()) {
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
          ++progress().blobs_failed;  // counted, then thrown on
          throw;
        }
      });
    }
    if (present) {
      ++stats.manifests_skipped;
      co_return digest;
    }
    co_await put(target.empty() ? digest : target, bytes, parsed->media_type);
    ++stats.manifests_pushed;
    co_return digest;
  }

  /// What the destination already holds decides how little is left to do: the tag on the right digest (nothing),
  /// or the digest without the tag (only tag it). Nullopt: copy the graph.
  awaitable<std::optional<std::string>> shortcut(const fetched_manifest& m, const std::string& media_type) {
    if (!to.tag.empty())
      if (auto h = co_await dst.head_manifest(to.repository, to.tag); h && h->digest == m.digest) {
        ++stats.manifests_skipped;
        co_return m.digest;
      }
    if (!co_await dst.head_manifest(to.repository, m.digest)) co_return std::nullopt;
    if (to.tag.empty()) {
      ++stats.manifests_skipped;
    } else {
      co_await put(to.tag, m.bytes, media_type);
      ++stats.manifests_pushed;
    }
    co_return m.digest;
  }
};

}  // namespace

std::vector<bool> children_to_copy(const manifest& index, const copy_options& opts, const std::string& where) {
  std::vector<bool> keep(index.manifests.size(), true);
  if (!opts.select_child) return keep;
  for (std::size_t i = 0; i < keep.size(); ++i) keep[i] = opts.select_child(index.manifests[i]);
  if (!keep.empty() && std::find(keep.begin(), keep.end(), true) == keep.end()) {
    std::string have;
    for (const auto& c : index.manifests)
      have += (have.empty() ? "" : ", ") + (c.platform ? c.platform->str() : "(no platform)");
    throw error(errc::not_found,
                "no manifest in index " + where + " matches the requested platforms (it has: " + have + ")");
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

awaitable<copy_result> copy_image(endpoint& src, const reference& from, endpoint& dst, const reference& to,
                                  const copy_options& opts) {
  copier c{src, from, dst, to, opts};
  const std::string source_target = from.target().empty() ? std::string("latest") : from.target();
  auto m = co_await src.get_manifest(from.repository, source_target);
  copy_result r;
  r.source_digest = m.digest;
  auto parsed = parse_manifest(m.bytes, m.media_type);
  if (!parsed) throw error(errc::bad_manifest, "manifest " + c.src_name(m.digest) + ": " + parsed.error());
  r.media_type = parsed->media_type;
  r.size = m.bytes.size();
  if (!to.digest.empty() && to.digest != m.digest && !opts.select_child)
    throw error(errc::digest_mismatch,
                "destination " + to.str() + " names digest " + to.digest + " but the source is " + m.digest);
  const bool filtering = opts.select_child && parsed->is_index();  // a new index: nothing at the destination is it yet
  if (opts.verify && !filtering) {
    // A verify run checks everything under a tag that points at the right digest, and pushes what is missing.
    bool present = false;
    if (!to.tag.empty())
      if (auto h = co_await dst.head_manifest(to.repository, to.tag); h && h->digest == m.digest) present = true;
    r.digest = co_await c.copy_manifest(m, to.tag, present);
  } else {
    std::optional<std::string> there;
    if (!filtering) there = co_await c.shortcut(m, parsed->media_type);
    if (there) {
      r.digest = *there;
    } else {
      r.digest = co_await c.copy_manifest(m, to.tag);
      r.subject_acknowledged = c.subject_seen;
    }
  }
  r.stats = c.stats;
  co_return r;
}

}  // namespace ocimirror::transfer
