// Step 6 of a policy run, after every copy has finished: prune. Deciding from the destination as the copies left
// it matters on registries that delete only by digest (distribution 2.8): a tag pushed in this run with the same
// digest as a pruned one would otherwise go with it.
#include "daemon/run/sync_run.hpp"
#include "transfer/copy/parallel.hpp"

#include <set>

namespace ocimirror::daemon {
using policy::action;
using transfer::awaitable;

std::map<std::string, std::set<std::string>> wanted_digests(const policy_report& report) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& it : report.plan) {
    if (it.what == action::prune) continue;
    auto& digests = out[it.destination_repo];
    for (const auto* d : {&it.source_digest, &it.destination_digest})
      if (!d->empty()) digests.insert(*d);
  }
  return out;
}

awaitable<void> prune_tags(transfer::endpoint& dst, const config::policy_config& p, cache::mirror_cache& cache,
                           const cache::tag_records& records, const prune_inputs& in, policy_report& report) {
  std::vector<const policy::plan_item*> prunes;
  for (const auto& it : report.plan)
    if (it.what == action::prune) prunes.push_back(&it);
  static const std::set<std::string> none;
  co_await transfer::for_each_parallel(prunes.size(), in.parallel, [&](std::size_t i) -> awaitable<void> {
    const auto& it = *prunes[i];
    if (in.stop && in.stop->draining()) {
      ++report.interrupted;
      co_return;
    }
    const auto found = in.wanted.find(it.destination_repo);
    const auto& wanted = found == in.wanted.end() ? none : found->second;
    try {
      const auto done = co_await dst.remove_tag(it.destination_repo, it.tag, it.destination_digest, wanted);
      if (done.kept) report.warnings.push_back("not pruned: " + *done.kept);
      const cache::tag_key key{it.destination_repo, it.tag};
      co_await cache.erase_tag(p.name, key);
      ++report.pruned;
      if (!done.manifest_deleted) co_return;
      // Every tag on that digest went with it: the cache must not claim any of them.
      for (const auto& [other, rec] : records) {
        if (other == key || other.first != it.destination_repo || rec.destination_digest != it.destination_digest)
          continue;
        co_await cache.erase_tag(p.name, other);
        report.warnings.push_back("pruning " + p.to.registry + "/" + it.destination_repo + ":" + it.tag + " deleted " +
                                  it.destination_digest + ", which " + other.second +
                                  " also named; the next run copies it again");
      }
    } catch (const transfer::error& e) {
      report.failures.push_back(failure_from("prune " + p.to.registry + "/" + it.destination_repo + ":" + it.tag, e));
    }
  });
}

}  // namespace ocimirror::daemon
