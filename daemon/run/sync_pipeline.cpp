// Steps 2 to 4 of a policy run as one pipeline per repository: its tags listed at the source, the destination's
// listing when the cache does not answer, each selected tag's facts (sync_facts.cpp), and each tag whose plan says
// copy handed over to the copies at once, while other repositories are still being listed and asked about. Over a
// slow link a barrier between the steps leaves the pipe empty for round trips at a time; here the copies start
// with the first answer. Then, with every tag known, the prune plan (step 3).
#include "daemon/run/policy_run.hpp"
#include "policy/platform.hpp"
#include "transfer/copy/parallel.hpp"
#include "transfer/endpoint/layout.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>

namespace ocimirror::daemon {
using policy::action;
using transfer::awaitable;

awaitable<void> policy_run::pipeline() {
  for (const auto& pl : p.platforms) variant += (variant.empty() ? "" : ",") + pl.str();
  rules = {opts.verify, p.verify != nullptr, p.overwrite == config::overwrite_mode::changed};
  prepare_copies();
  repo_jobs.resize(repos.size());
  listed_at = planned_at = std::chrono::steady_clock::now();
  const auto ex = co_await boost::asio::this_coro::executor;  // a named local: GCC 12 and temporaries in co_await
  handoff_queue<job*> queue(ex);
  // A bundle is checked whole before anything from it is pushed (execute() copies it after the plan).
  const bool bundle = dynamic_cast<transfer::layout_archive_reader*>(src) != nullptr;
  if (!opts.dry_run && !bundle) copies = &queue;
  co_await transfer::for_each_parallel(2, 2, [&](std::size_t side) -> awaitable<void> {
    if (side == 0) return discover_all(queue);
    return queue.drain(
        opts.parallel_tags, [this] { return width(); }, [this](job*& j) { return copy_tag(*j->item); });
  });
  copies = nullptr;
  lap("list", listed_at);
  lap("plan", planned_at);
}

void policy_run::prepare_copies() {
  co.parallel_blobs = opts.parallel_blobs;
  co.progress = opts.progress;
  co.pipe = opts.pipe;
  co.gate = &gate;
  co.memory = &cache;
  co.fresh_repositories = &fresh_repos;
  check = co;
  check.verify = true;
  if (!p.platforms.empty())
    co.select_child = [this](const transfer::descriptor& d) { return policy::platform_selected(d, p.platforms); };
  pruning.parallel = opts.parallel_tags;
  pruning.stop = opts.stop;
}

/// Every repository through discovery; then the plan whole (step 3's prunes need every listing). The queue is
/// closed however this ends, so the copies never wait for work that cannot come.
awaitable<void> policy_run::discover_all(handoff_queue<job*>& queue) {
  struct closer {
    handoff_queue<job*>& q;
    ~closer() { q.close(); }
  } on_end{queue};
  co_await each(repos.size(), discovery_at_once, [this](std::size_t i) { return discover(i); });
  collect();
  report.selected = selected.size();
  // A replica whose shard owns none of the repositories is normal (more replicas than repositories).
  if (selected.empty() && report.failures.empty() && !(repos.empty() && report.other_shards > 0))
    report.selected_nothing = "policy " + p.name + " (line " + std::to_string(p.line) + ") selected nothing at " +
                              p.from.str() +
                              (repos.empty() ? ": no repository matches `repositories:`"
                                             : ": no tag of the " + std::to_string(repos.size()) +
                                                   (repos.size() == 1 ? " repository" : " repositories") +
                                                   " it lists passes `tags:` (and `artifact_types:`)");
  // 3. Prune: tags this policy recorded whose source repository was listed and no longer selects them (sync_list.cpp).
  // Never when nothing is selected: a typo in a pattern would otherwise delete everything the policy mirrored.
  if (p.prune && !selected.empty()) co_await plan_prunes(*src, p, repos, records, selected, opts.shard, report);
  if (p.prune && selected.empty() && !records.empty())
    report.warnings.push_back("not pruned: policy " + p.name + " selected nothing this run, so nothing of the " +
                              std::to_string(records.size()) +
                              " tags it has mirrored is deleted; prune resumes once it selects a tag again");
  planned_at = std::chrono::steady_clock::now();
}

awaitable<void> policy_run::discover(std::size_t i) {
  auto& r = repos[i];
  co_await list_tags(r);
  if (r.status != listing::listed) co_return;
  auto& js = repo_jobs[i];
  for (const auto& t : r.tags) js.push_back({&r, t, std::nullopt, false, false, {}, {}, {}});
  co_await survey(r);
  co_await each(js.size(), discovery_at_once, [this, &js](std::size_t k) { return settle(js[k]); });
  const auto first_new = js.size();
  co_await relist_vanished(*src, p, r, js);
  co_await each(js.size() - first_new, discovery_at_once,
                [this, &js, first_new](std::size_t k) { return settle(js[first_new + k]); });
}

/// One tag's facts, then where its plan item goes: to the copies, or (unchanged, learnt from the destination)
/// into the record that saves the next run asking.
awaitable<void> policy_run::settle(job& j) {
  co_await facts(j);
  if (!j.item || opts.dry_run) co_return;
  const auto& it = *j.item;
  if (policy::to_copy(it, rules)) {
    if (copies) {
      copies->push(&j);
      if (opts.progress) ++opts.progress->tags_total;
    }
  } else if (it.what == action::unchanged && !it.cached) {
    co_await remember(it, it.source_digest, it.destination_digest);
  }
}

void policy_run::collect() {
  for (auto& r : repos)
    for (auto& d : r.dropped)
      // Signature and fallback tags (sha256-<hex>...) travel with their subjects, whatever the rules say.
      if (!d.tag.starts_with("sha256-")) report.dropped.emplace_back(r.source, std::move(d));
  for (const auto& js : repo_jobs)
    for (const auto& j : js) {
      if (!j.gone) selected.insert({j.repo->destination, j.tag});
      if (j.item) report.plan.push_back(*j.item);
      if (!j.unverified.empty())
        report.unverified.push_back({p.from.registry + "/" + j.repo->source + ":" + j.tag, j.refusal, j.unverified});
    }
}

}  // namespace ocimirror::daemon
