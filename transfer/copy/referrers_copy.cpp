#include "transfer/copy/referrers_copy.hpp"

#include "transfer/copy/copy.hpp"
#include "transfer/oci/errors.hpp"

#include <algorithm>
#include <deque>
#include <set>

namespace ocimirror::transfer {

namespace {

struct walker {
  endpoint& src;
  const std::string& src_repo;
  endpoint& dst;
  const std::string& dst_repo;
  const referrers::filter& filter;
  const copy_options& opts;
  const std::vector<std::string>* tags;
  referrer_probe& probe;
  referrer_stats stats;
  std::set<std::string> seen;
  std::deque<std::string> queue;

  reference ref(endpoint& c, const std::string& repo, const std::string& tag, const std::string& digest) const {
    reference r;
    r.registry = c.name();
    r.repository = repo;
    r.tag = tag;
    r.digest = digest;
    return r;
  }

  bool listed(const std::string& tag) const {
    return !tags || std::find(tags->begin(), tags->end(), tag) != tags->end();
  }

  /// The referrers of d at the source: the API when the registry has it, else the fallback tag's index.
  awaitable<std::vector<descriptor>> discover(const std::string& d) {
    auto known = probe.api.find(src.name());
    // Only where the registry family has the API: asking GHCR or Docker Hub costs a request per digest (GHCR may
    // answer with a redirect to a rate-limited page).
    if (auto* reg = src.registry();
        reg && reg->profile().referrers_api && (known == probe.api.end() || known->second)) {
      auto viaApi = co_await reg->referrers(src_repo, d);
      probe.api[src.name()] = viaApi.has_value();
      if (viaApi) co_return *viaApi;
    }
    const auto fallback = referrers::fallback_tag(d);
    if (!listed(fallback)) co_return std::vector<descriptor>{};
    auto head = co_await src.head_manifest(src_repo, fallback);
    // GitLab resolves the tag sha256-<hex> as the digest itself (oras-go#1396): that is the subject, not its index.
    if (!head || head->digest == d) co_return std::vector<descriptor>{};
    auto m = co_await src.get_manifest(src_repo, fallback);
    auto list = referrers::parse_index(m.bytes);
    if (!list)
      throw error(errc::bad_manifest,
                  src.name() + "/" + src_repo + ":" + fallback + " is not a referrers index: " + list.error());
    co_return *list;
  }

  /// Adds the referrer to the destination's fallback index for its subject, unless the registry indexes it itself.
  awaitable<void> index_at_destination(const std::string& subject, const descriptor& d) {
    const auto tag = referrers::fallback_tag(subject);
    std::string existing;
    auto there = co_await dst.head_manifest(dst_repo, tag);
    if (there && there->digest != subject)  // not the subject itself, as GitLab resolves the tag
      existing = (co_await dst.get_manifest(dst_repo, tag)).bytes;
    if (!existing.empty())
      if (auto list = referrers::parse_index(existing))
        for (const auto& e : *list)
          if (e.digest == d.digest) co_return;  // already listed
    const auto merged = referrers::merge_fallback(existing, d);
    co_await dst.put_manifest(dst_repo, tag, merged, std::string(media::oci_index));
    ++stats.fallback_updates;
  }

  awaitable<copy_result> copy(const reference& from, const reference& to) {
    co_return co_await copy_image(src, from, dst, to, opts);
  }

  awaitable<void> one_referrer(const std::string& subject, const descriptor& d) {
    if (!filter.wants(d.artifact_type)) co_return;
    auto result = co_await copy(ref(src, src_repo, {}, d.digest), ref(dst, dst_repo, {}, {}));
    stats.blobs += result.stats;
    ++stats.referrers;
    if (!result.subject_acknowledged) co_await index_at_destination(subject, d);
    if (seen.insert(d.digest).second) queue.push_back(d.digest);
  }

  awaitable<void> cosign(const std::string& d) {
    for (const auto& tag : referrers::cosign_tags(d)) {
      if (!listed(tag)) continue;
      auto head = co_await src.head_manifest(src_repo, tag);
      if (!head) continue;
      auto result = co_await copy(ref(src, src_repo, tag, {}), ref(dst, dst_repo, tag, {}));
      stats.blobs += result.stats;
      ++stats.cosign_tags;
      if (seen.insert(result.source_digest).second) queue.push_back(result.source_digest);
    }
  }

  awaitable<void> run(const std::string& digest) {
    seen.insert(digest);
    queue.push_back(digest);
    while (!queue.empty()) {
      const auto d = queue.front();
      queue.pop_front();
      auto found = co_await discover(d);
      for (const auto& r : found) co_await one_referrer(d, r);
      if (filter.enabled) co_await cosign(d);
    }
  }
};

}  // namespace

awaitable<bool> referrers_api(endpoint& src, const std::string& repo, const std::string& digest,
                              referrer_probe& probe) {
  auto* reg = src.registry();
  if (!reg || !reg->profile().referrers_api) co_return false;
  if (auto known = probe.api.find(src.name()); known != probe.api.end()) co_return known->second;
  auto answer = co_await reg->referrers(repo, digest);
  probe.api[src.name()] = answer.has_value();
  co_return answer.has_value();
}

awaitable<referrer_stats> copy_referrers(endpoint& src, const std::string& src_repo, endpoint& dst,
                                         const std::string& dst_repo, const std::string& digest,
                                         const referrers::filter& filter, const copy_options& opts,
                                         const std::vector<std::string>* tags, referrer_probe& probe) {
  walker w{src, src_repo, dst, dst_repo, filter, opts, tags, probe, {}, {}, {}};
  if (filter.enabled) co_await w.run(digest);
  co_return w.stats;
}

}  // namespace ocimirror::transfer
