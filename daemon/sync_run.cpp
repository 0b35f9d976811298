#include "daemon/sync_run.hpp"

#include "daemon/endpoints.hpp"
#include "daemon/import_check.hpp"
#include "daemon/sync_list.hpp"
#include "policy/platform.hpp"
#include "transfer/artifact/cosign.hpp"
#include "transfer/copy/copy.hpp"
#include "transfer/copy/parallel.hpp"
#include "transfer/oci/reference.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace ocimirror::daemon {
using policy::action;
using transfer::awaitable;

namespace {

transfer::reference ref_of(const std::string& registry, const std::string& repo, const std::string& tag = {}) {
  transfer::reference r;
  r.registry = registry;
  r.repository = repo;
  r.tag = tag;
  return r;
}

}  // namespace

std::string arrow(const config::policy_config& p, const std::string& src_repo, const std::string& dst_repo,
                  const std::string& tag) {
  auto side = [&](const std::string& where, const std::string& repo) {
    return where + (repo.empty() ? ":" : "/" + repo + ":") + tag;
  };
  return side(p.from.registry, src_repo) + " -> " + side(p.to.registry, dst_repo);
}

std::size_t tags_at_once(std::size_t jobs, const config::registry_settings_map& registries,
                         const config::policy_config& p) {
  return std::max<std::size_t>(
      std::min({jobs, registries.get(p.from.registry).max_concurrency, registries.get(p.to.registry).max_concurrency}),
      1);
}

awaitable<policy_report> run_policy(session& s, const config::policy_config& p, cache::mirror_cache& cache,
                                    const run_options& opts) {
  policy_report report;
  report.name = p.name;
  report.source = p.from.str();
  report.destination = p.to.str();
  const auto start = std::chrono::steady_clock::now();
  auto finish = [&] {
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  std::unique_ptr<transfer::endpoint> src_end, dst_end;
  try {
    src_end = open_endpoint(s, p.from, role::source);
    dst_end = open_endpoint(s, p.to, opts.dry_run ? role::dry_run_destination : role::destination,
                            {p.keep, opts.since, opts.pipe.upload});
  } catch (const transfer::error& e) {
    report.failures.push_back(failure_from("open " + (src_end ? p.to.str() : p.from.str()), e));
    finish();
    co_return report;
  }
  auto& src = *src_end;
  auto& dst = *dst_end;

  // 1. What this policy mirrored before, then the repositories and their tags.
  cache::tag_records records;
  const bool fresh = dst.fresh_each_run();  // an archive or a snapshot holds only what this run writes
  if (!fresh) try {
      records = co_await cache.tags(p.name);
    } catch (const transfer::error& e) {
      report.warnings.push_back(std::string(e.what()) + "; asking the destination for every tag");
    }
  std::vector<repo_state> repos;
  try {
    repos = co_await list_repositories(src, p);
  } catch (const transfer::error& e) {
    report.failures.push_back(failure_from("list repositories of " + p.from.str(), e));
    finish();
    co_return report;
  }
  if (auto* layout = dynamic_cast<const transfer::layout_endpoint*>(&src))
    for (const auto& e : layout->index().unmappable())
      report.warnings.push_back(src.name() + ": entry " + e +
                                " cannot be mapped by a policy and was not mirrored; copy it with `ocimirror copy " +
                                src.name() + "@" + e.substr(0, e.find(' ')) + " DESTINATION`");
  std::erase_if(repos, [&](const repo_state& r) {
    if (!r.destination.empty() || p.to.type != config::endpoint::kind::registry) return false;
    report.failures.push_back(
        {"map " + src.name() + (r.source.empty() ? " (its bare-named tags)" : "/" + r.source),
         "maps to " + p.to.str() + " itself, which names no repository: give `to` a repository path",
         transfer::errc::bad_reference});
    return true;
  });
  const auto listed = repos.size();
  std::erase_if(repos, [&](const repo_state& r) { return !opts.shard.owns(r.source); });
  report.other_shards = listed - repos.size();
  co_await transfer::for_each_parallel(repos.size(), 8, [&](std::size_t i) -> awaitable<void> {
    auto& r = repos[i];
    try {
      r.all_tags = co_await src.list_tags(r.source);
      r.tags = policy::select_tags(r.all_tags, p.tags);
      r.status = listing::listed;
    } catch (const transfer::error& e) {
      if (e.code() == transfer::errc::not_found) {
        r.status = listing::missing;
        report.warnings.push_back("source repository " + p.from.registry + "/" + r.source + " does not exist");
      } else {
        report.failures.push_back(failure_from("list tags of " + p.from.registry + "/" + r.source, e));
      }
    }
  });

  // 2. Facts per selected tag: source digest (and type), then the cache's record or the destination's digest.
  std::vector<job> jobs;
  for (const auto& r : repos)
    for (const auto& t : r.tags) jobs.push_back({&r, t, std::nullopt, false, false, {}, {}});
  std::optional<transfer::cosign::public_key> trusted;
  if (!p.verify_key_pem.empty()) trusted.emplace(p.verify_key_pem);
  const bool filter_types = !p.types_include.empty() || !p.types_exclude.empty();
  std::string variant;  // what a record must have been pushed under to count: the same platform filter
  for (const auto& pl : p.platforms) variant += (variant.empty() ? "" : ",") + pl.str();
  auto facts = [&](job& j) -> awaitable<void> {
    try {
      auto head = co_await src.head_manifest(j.repo->source, j.tag);
      if (!head) {
        j.gone = j.vanished = true;
        co_return;
      }
      auto rec = records.find({j.repo->destination, j.tag});
      const bool known =
          rec != records.end() && rec->second.source_digest == head->digest && rec->second.platforms == variant;
      if (filter_types) {
        if (known && !rec->second.artifact_type.empty()) {
          j.type = rec->second.artifact_type;  // a digest's type never changes: no second request
        } else {
          auto fetched = co_await src.get_manifest(j.repo->source, head->digest);
          auto parsed = transfer::parse_manifest(fetched.bytes, fetched.media_type);
          if (!parsed) throw transfer::error(transfer::errc::bad_manifest, parsed.error());
          j.type = policy::artifact_type_of(*parsed);
        }
        if (!policy::type_selected(j.type, p.types_include, p.types_exclude)) {
          j.gone = true;
          co_return;
        }
      }
      policy::plan_item it;
      it.source_repo = j.repo->source;
      it.destination_repo = j.repo->destination;
      it.tag = j.tag;
      it.source_digest = head->digest;
      if (known && !opts.verify) {
        // What this policy pushed and the source still has: the destination is not asked (`--verify` asks).
        it.what = action::unchanged;
        it.destination_digest = rec->second.destination_digest;
        it.cached = true;
      } else {
        policy::tag_facts f;
        f.source_digest = head->digest;
        auto at_dst = co_await dst.head_manifest(j.repo->destination, j.tag);
        if (at_dst) f.destination_digest = at_dst->digest;
        if (rec != records.end()) f.last_mirrored = {{rec->second.source_digest, rec->second.destination_digest}};
        it.what = policy::decide(f, p.overwrite == config::overwrite_mode::changed);
        it.destination_digest = f.destination_digest.value_or("");
      }
      if (trusted && (it.what == action::copy || it.what == action::overwrite)) {
        std::optional<std::string> why = std::string("signature verification needs a registry source");
        if (auto* reg = src.registry())
          why =
              co_await transfer::cosign::verify_signed(*reg, j.repo->source, head->digest, *trusted, &j.repo->all_tags);
        if (why) {
          j.unverified = *why;
          co_return;
        }
      }
      j.item = std::move(it);
    } catch (const transfer::error& e) {
      report.failures.push_back(failure_from(arrow(p, j.repo->source, j.repo->destination, j.tag), e));
    }
  };
  co_await transfer::for_each_parallel(jobs.size(), 8, [&](std::size_t i) { return facts(jobs[i]); });
  // A listed tag the source then does not know: the listing may have been garbled on the way (a flipped byte
  // turns v1 into V1 and stays valid JSON). Such a repository is listed once more, and what that listing selects
  // and was not asked about yet is asked now.
  const auto first_new = jobs.size();
  co_await relist_vanished(src, p, repos, jobs);
  co_await transfer::for_each_parallel(jobs.size() - first_new, 8,
                                       [&](std::size_t i) { return facts(jobs[first_new + i]); });
  std::set<cache::tag_key> selected;
  std::map<cache::tag_key, std::string> types;
  for (const auto& j : jobs) {
    if (!j.gone) selected.insert({j.repo->destination, j.tag});
    if (j.item) report.plan.push_back(*j.item);
    if (!j.unverified.empty())
      report.unverified.push_back({p.from.registry + "/" + j.repo->source + ":" + j.tag, j.unverified});
    if (!j.type.empty()) types[{j.repo->destination, j.tag}] = j.type;
  }

  // 3. Prune: tags this policy recorded whose source repository was listed and no longer selects them (sync_list.cpp).
  if (p.prune) co_await plan_prunes(src, p, repos, records, selected, opts.shard, report);
  // A replica whose shard owns none of the repositories is normal (more replicas than repositories).
  const bool matches_nothing =
      repos.empty() ? report.other_shards == 0 : report.plan.empty() && report.failures.empty();
  if (matches_nothing)
    report.warnings.push_back("policy " + p.name + " (line " + std::to_string(p.line) + ") matches nothing at " +
                              p.from.str() + (repos.empty() ? ": no repository" : ": no tag"));
  if (opts.dry_run) {
    finish();
    co_return report;
  }

  // 4. Execute: copies many tags at once (with --verify, checks the unchanged ones down to their blobs).
  // Each tag's record is written as soon as its manifest is in place, so an interrupted run loses nothing done.
  auto remember = [&](const policy::plan_item& it, const std::string& src_digest,
                      const std::string& dst_digest) -> awaitable<void> {
    if (fresh) co_return;
    const cache::tag_key key{it.destination_repo, it.tag};
    auto old = records.find(key);
    const auto type = types.find(key);
    cache::tag_record r{it.source_repo, src_digest,
                        dst_digest,     type == types.end() ? std::string() : type->second,
                        variant,        cache::now_seconds()};
    if (old != records.end() && old->second.source_digest == r.source_digest &&
        old->second.destination_digest == r.destination_digest && old->second.artifact_type == r.artifact_type &&
        old->second.platforms == r.platforms)
      co_return;  // nothing new to say
    try {
      co_await cache.put_tag(p.name, key, r);
    } catch (const transfer::error& e) {
      report.warnings.push_back(std::string(e.what()) + " (the next run asks the destination about this tag)");
    }
  };
  transfer::copy_options co;
  co.parallel_blobs = opts.parallel_blobs;
  co.progress = opts.progress;
  co.pipe = opts.pipe;
  transfer::blob_gate gate;
  co.gate = &gate;
  co.memory = &cache;
  transfer::copy_options check = co;
  check.verify = true;
  if (!p.platforms.empty())
    co.select_child = [&p](const transfer::descriptor& d) { return policy::platform_selected(d, p.platforms); };
  std::vector<policy::plan_item*> work;
  for (auto& it : report.plan) {
    if (it.what == action::copy || it.what == action::overwrite || (it.what == action::unchanged && opts.verify))
      work.push_back(&it);
    else if (it.what == action::unchanged && !it.cached)
      co_await remember(it, it.source_digest,
                        it.destination_digest);  // learnt from the destination: the next run need not ask
  }
  // A bundle is checked whole before anything from it is pushed: every blob's digest, every graph's completeness.
  if (auto* bundle = dynamic_cast<transfer::layout_archive_reader*>(&src); bundle && !work.empty()) {
    auto problems = co_await check_import(*bundle, dst, work, cache);
    if (!problems.empty()) {
      for (auto& f : problems) report.failures.push_back(std::move(f));
      finish();
      co_return report;
    }
  }
  prune_inputs pruning{wanted_digests(report), opts.parallel_tags, opts.stop};
  co_await transfer::for_each_parallel(work.size(), opts.parallel_tags, [&](std::size_t i) -> awaitable<void> {
    auto& it = *work[i];
    if (opts.stop && *opts.stop) {
      ++report.interrupted;
      co_return;
    }
    try {
      const auto from = ref_of(p.from.registry, it.source_repo, it.tag);
      const auto to = ref_of(p.to.registry, it.destination_repo, it.tag);
      const bool verifying = it.what == action::unchanged;
      const auto& how = verifying ? check : co;
      transfer::copy_result result;
      result = co_await transfer::copy_image(src, from, dst, to, how);
      pruning.wanted[it.destination_repo].insert(result.digest);
      co_await remember(it, result.source_digest, result.digest);
      if (result.digest != result.source_digest) report.remapped.emplace_back(result.source_digest, result.digest);
      const auto& st = result.stats;
      if (!verifying)
        ++report.copied;
      else if (++report.verified; st.blobs_copied + st.blobs_mounted + st.manifests_pushed > 0)
        ++report.repaired;
      report.blobs += st;
    } catch (const transfer::error& e) {
      report.failures.push_back(failure_from(arrow(p, it.source_repo, it.destination_repo, it.tag), e));
    }
  });
  // 5. What refers to each mirrored tag travels with it (sync_referrers.cpp). A platform-filtered index is a new
  // manifest its source's referrers do not name, so they stay behind.
  if (p.referrers.enabled && p.platforms.empty() && !(opts.stop && *opts.stop)) {
    std::map<std::string, const std::vector<std::string>*> all_tags;
    for (const auto& r : repos) all_tags[r.source] = &r.all_tags;
    co_await carry_referrers(src, dst, p, all_tags, co, opts.parallel_tags, report);
  }

  // 6. Prune, now that every copy has finished (sync_prune.cpp).
  co_await prune_tags(dst, p, cache, records, pruning, report);

  // An archive or a snapshot appears whole or not at all: with any tag failed, the previous one stays.
  if (fresh && !work.empty()) {
    if (!report.failures.empty() || report.interrupted) {
      report.warnings.push_back(p.to.str() +
                                " was not written: " + std::to_string(report.failures.size() + report.interrupted) +
                                " tags failed or were not started; the previous one (if any) is unchanged");
    } else {
      try {
        co_await dst.commit();
        if (auto* bundle = dynamic_cast<transfer::layout_archive_writer*>(&dst)) report.left_out = bundle->left_out();
      } catch (const transfer::error& e) {
        report.failures.push_back(failure_from("write " + p.to.str(), e));
      }
    }
  }
  if (auto problem = cache.take_problem(); !problem.empty())
    report.warnings.push_back(problem +
                              " (the cache is only an optimisation: every copy was checked with the registry)");
  finish();
  co_return report;
}

}  // namespace ocimirror::daemon
