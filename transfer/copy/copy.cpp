#include "transfer/copy/copy.hpp"

#include "transfer/copy/blob_copier.hpp"
#include "transfer/copy/parallel.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"

#include <algorithm>
#include <set>

namespace ocimirror::transfer {
namespace {

struct copier : copy_route {
  copy_stats stats{};
  copy_progress scratch{};
  blob_copier blobs{{*this}, stats, opts.progress ? *opts.progress : scratch};
  bool subject_seen = false;  ///< set by each manifest push to a registry; the top manifest is pushed last

  copy_progress& progress() { return blobs.progress; }
  std::string src_name(const std::string& digest) const { return blobs.src_name(digest); }

  /// The digest the destination holds under target: the gate's answer in a fresh repository, else a HEAD.
  awaitable<std::optional<std::string>> at_destination(const std::string& target) {
    if (fresh()) co_return opts.gate->pushed_as(dst.name(), to.repository, target);
    auto h = co_await dst.head_manifest(to.repository, target);
    if (!h) co_return std::nullopt;
    co_return h->digest;
  }

  awaitable<void> put(const std::string& target, const std::string& bytes, const std::string& media_type,
                      const std::string& digest) {
    if (dreg)
      co_await dreg->put_manifest(to.repository, target, bytes, media_type, &subject_seen);
    else
      co_await dst.put_manifest(to.repository, target, bytes, media_type);
    if (opts.gate) opts.gate->pushed(dst.name(), to.repository, target, digest);
  }

  awaitable<void> copy_children(const manifest& index, const std::vector<bool>& keep, int depth) {
    for (std::size_t i = 0; i < keep.size(); ++i) {
      if (!keep[i]) continue;
      const auto& child = index.manifests[i];
      std::optional<blob_gate::lease> held;
      const std::string where = dst.name() + "/" + to.repository;
      if (opts.gate) held.emplace(co_await opts.gate->acquire(where, child.digest));
      const auto found = co_await at_destination(child.digest);
      const bool there = found.has_value();
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
      const auto unique = unique_blobs(*parsed);
      progress().blobs_total += unique.size();
      co_await for_each_parallel(unique.size(), opts.parallel_blobs, [&](std::size_t i) -> awaitable<void> {
        try {
          co_await blobs.copy(*unique[i]);
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
    co_await put(target.empty() ? digest : target, bytes, parsed->media_type, digest);
    ++stats.manifests_pushed;
    co_return digest;
  }

  /// What the destination already holds decides how little is left to do: the tag on the right digest (nothing),
  /// or the digest without the tag (only tag it). Nullopt: copy the graph.
  awaitable<std::optional<std::string>> shortcut(const fetched_manifest& m, const std::string& media_type) {
    if (!to.tag.empty() && !opts.tag_checked) {
      const auto tagged = co_await at_destination(to.tag);
      if (tagged == m.digest) {
        ++stats.manifests_skipped;
        co_return m.digest;
      }
    }
    const auto stored = co_await at_destination(m.digest);
    if (!stored) co_return std::nullopt;
    if (to.tag.empty()) {
      ++stats.manifests_skipped;
    } else {
      co_await put(to.tag, m.bytes, media_type, m.digest);
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

std::string pushed_digest(const fetched_manifest& m, const copy_options& opts) {
  if (!opts.select_child) return m.digest;
  auto parsed = parse_manifest(m.bytes, m.media_type);
  if (!parsed) throw error(errc::bad_manifest, "manifest " + m.digest + ": " + parsed.error());
  if (!parsed->is_index()) return m.digest;
  const auto keep = children_to_copy(*parsed, opts, m.digest);
  if (std::find(keep.begin(), keep.end(), false) == keep.end()) return m.digest;
  return sha256_digest(filter_index(m.bytes, keep, m.digest));  // as copy_manifest builds it
}

std::vector<const descriptor*> unique_blobs(const manifest& m) {
  std::vector<const descriptor*> out;
  std::set<std::string> seen;
  for (const auto* b : m.blobs())
    if (seen.insert(b->digest).second) out.push_back(b);
  return out;
}

awaitable<copy_result> copy_image(endpoint& src, const reference& from, endpoint& dst, const reference& to,
                                  const copy_options& opts, std::optional<fetched_manifest> first) {
  copier c{{src, from, dst, to, opts}};
  const std::string source_target = from.target().empty() ? std::string("latest") : from.target();
  if (!first) first = co_await src.get_manifest(from.repository, source_target);
  const fetched_manifest& m = *first;
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
