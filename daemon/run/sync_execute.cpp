// Steps 4 to 7 of a policy run: copy a tag (or, with --verify, check an unchanged one down to its blobs), its record
// written as soon as its manifest is in place so an interrupted run loses nothing done; a bundle's copies, once it
// is checked whole; then what refers to each tag, the prunes, and an archive or snapshot committed whole.
#include "daemon/run/import_check.hpp"
#include "daemon/run/policy_run.hpp"
#include "transfer/copy/parallel.hpp"
#include "transfer/endpoint/layout.hpp"

#include <algorithm>

namespace ocimirror::daemon {
using policy::action;
using transfer::awaitable;

namespace {

transfer::reference ref_of(const std::string& registry, const std::string& repo, const std::string& tag) {
  transfer::reference r;
  r.registry = registry;
  r.repository = repo;
  r.tag = tag;
  return r;
}

}  // namespace

awaitable<void> policy_run::execute() {
  // A bundle is checked whole before anything from it is pushed: every blob's digest, every graph's completeness.
  // Its copies start once that check passes; every other source's ran in the pipeline.
  if (auto* bundle = dynamic_cast<transfer::layout_archive_reader*>(src)) {
    std::vector<policy::plan_item*> work;
    for (auto& it : report.plan)
      if (policy::to_copy(it, rules)) work.push_back(&it);
    std::vector<failure> problems;
    if (!work.empty()) problems = co_await check_import(*bundle, *dst, work, cache);
    if (opts.progress && problems.empty()) opts.progress->tags_total += work.size();
    if (!problems.empty()) {
      for (auto& f : problems) report.failures.push_back(std::move(f));
      co_return;
    }
    co_await each(work.size(), opts.parallel_tags, [&](std::size_t i) { return copy_tag(*work[i]); });
  }
  lap("copy");
  // 5. What refers to each mirrored tag travels with it (sync_referrers.cpp). A platform-filtered index is a new
  // manifest its source's referrers do not name, so they stay behind.
  if (p.referrers.enabled && p.platforms.empty() && !(opts.stop && opts.stop->draining())) {
    std::map<std::string, const std::vector<std::string>*> all_tags;
    for (const auto& r : repos) all_tags[r.source] = &r.all_tags;
    co_await carry_referrers(*src, *dst, p, all_tags, co, opts.parallel_tags, probe, report);
    lap("referrers");
  }
  // 6. Prune, now that every copy has finished (sync_prune.cpp): never a digest the plan or a copy still wants.
  for (auto& [repo, digests] : wanted_digests(report)) pruning.wanted[repo].merge(digests);
  co_await prune_tags(*dst, p, cache, records, pruning, report);
  co_await commit(std::any_of(report.plan.begin(), report.plan.end(),
                              [this](const auto& it) { return policy::to_copy(it, rules); }));
  lap("prune");
  if (auto problem = cache.take_problem(); !problem.empty())
    report.warnings.push_back(problem +
                              " (the cache is only an optimisation: every copy was checked with the registry)");
}

awaitable<void> policy_run::copy_tag(const policy::plan_item& it) {
  struct counted {
    transfer::copy_progress* p;
    ~counted() {
      if (p) ++p->tags_done;
    }
  } done{opts.progress};
  if (opts.stop && opts.stop->draining()) {
    ++report.interrupted;
    co_return;
  }
  try {
    auto from = ref_of(p.from.registry, it.source_repo, it.tag);
    const auto to = ref_of(p.to.registry, it.destination_repo, it.tag);
    const bool verifying = it.what == action::unchanged;
    // Behind the signature gate, the copy is of the digest the gate judged (its bytes checked against it), never of
    // whatever the tag points at by now or a source answers a GET with.
    if (p.verify && !verifying) from.digest = it.source_digest;
    auto how = verifying ? check : co;
    how.tag_checked = !verifying;  // the plan asked the destination (or its listing) about this tag
    std::optional<transfer::fetched_manifest> first;
    if (auto pf = prefetched.find({it.source_repo, it.tag}); pf != prefetched.end()) {
      if (pf->second.digest == it.source_digest) first = std::move(pf->second);
      prefetched_bytes -= std::min(prefetched_bytes, first ? first->bytes.size() : pf->second.bytes.size());
      prefetched.erase(pf);
    }
    transfer::copy_result result;
    result = co_await transfer::copy_image(*src, from, *dst, to, how, std::move(first));
    pruning.wanted[it.destination_repo].insert(result.digest);
    co_await remember(it, result.source_digest, result.digest);
    if (result.digest != result.source_digest)
      report.remapped.push_back(
          {result.source_digest, result.digest, result.media_type != transfer::media::docker_list});
    const auto& st = result.stats;
    if (!verifying)
      ++report.copied;
    else if (++report.verified; st.blobs_copied + st.blobs_mounted + st.manifests_pushed > 0)
      ++report.repaired;
    report.blobs += st;
  } catch (const transfer::error& e) {
    report.failures.push_back(failure_from(arrow(p, it.source_repo, it.destination_repo, it.tag), e));
  }
}

/// The tag's record for the next run; nothing is written when the record already says it.
awaitable<void> policy_run::remember(const policy::plan_item& it, const std::string& src_digest,
                                     const std::string& dst_digest) {
  if (fresh) co_return;
  const cache::tag_key key{it.destination_repo, it.tag};
  auto old = records.find(key);
  const auto type = types.find(key);
  cache::tag_record r{
      it.source_repo, src_digest,           dst_digest,   type == types.end() ? std::string() : type->second,
      variant,        cache::now_seconds(), p.to.registry};
  if (old != records.end() && old->second.destination == r.destination &&
      old->second.source_digest == r.source_digest && old->second.destination_digest == r.destination_digest &&
      old->second.artifact_type == r.artifact_type && old->second.platforms == r.platforms)
    co_return;  // nothing new to say
  try {
    co_await cache.put_tag(p.name, key, r);
  } catch (const transfer::error& e) {
    report.warnings.push_back(std::string(e.what()) + " (the next run asks the destination about this tag)");
  }
}

// 7. An archive or a snapshot appears whole or not at all: with any tag failed, the previous one stays.
awaitable<void> policy_run::commit(bool wrote) {
  if (!fresh || !wrote) co_return;
  if (!report.failures.empty() || report.interrupted) {
    report.warnings.push_back(p.to.str() +
                              " was not written: " + std::to_string(report.failures.size() + report.interrupted) +
                              " tags failed or were not started; the previous one (if any) is unchanged");
    co_return;
  }
  try {
    co_await dst->commit();
    if (auto* bundle = dynamic_cast<transfer::layout_archive_writer*>(dst)) report.left_out = bundle->left_out();
  } catch (const transfer::error& e) {
    report.failures.push_back(failure_from("write " + p.to.str(), e));
  }
}

}  // namespace ocimirror::daemon
