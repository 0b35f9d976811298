// Step 5 of a policy run: signatures, SBOMs and attestations travel with the tags they refer to, unchanged tags
// included (signatures are often added after the image).
#include "daemon/run/sync_run.hpp"
#include "transfer/copy/parallel.hpp"
#include "transfer/copy/referrers_copy.hpp"

#include <set>

namespace ocimirror::daemon {
using policy::action;
using transfer::awaitable;

awaitable<void> carry_referrers(transfer::endpoint& src, transfer::endpoint& dst, const config::policy_config& p,
                                const std::map<std::string, const std::vector<std::string>*>& all_tags,
                                const transfer::copy_options& co, std::size_t parallel, policy_report& report) {
  std::vector<const policy::plan_item*> subjects;
  for (const auto& it : report.plan)
    if (it.what == action::copy || it.what == action::overwrite || it.what == action::unchanged)
      subjects.push_back(&it);
  std::set<std::string> failed;
  for (const auto& f : report.failures) failed.insert(f.what);
  transfer::referrer_probe probe;
  auto one = [&](std::size_t i) -> awaitable<void> {
    const auto& it = *subjects[i];
    const auto what = arrow(p, it.source_repo, it.destination_repo, it.tag);
    if (failed.count(what)) co_return;  // the subject is not there
    const auto listed = all_tags.find(it.source_repo);
    const std::vector<std::string>* tags = listed == all_tags.end() ? nullptr : listed->second;
    try {
      auto st = co_await transfer::copy_referrers(src, it.source_repo, dst, it.destination_repo, it.source_digest,
                                                  p.referrers, co, tags, probe);
      report.referrers += st.referrers;
      report.cosign_tags += st.cosign_tags;
      report.fallback_updates += st.fallback_updates;
      report.blobs += st.blobs;
    } catch (const transfer::error& e) {
      report.failures.push_back(failure_from("referrers of " + what, e));
    }
  };
  // The first alone: it learns whether the source has the referrers API, so the others do not all ask at once.
  if (!subjects.empty()) co_await one(0);
  co_await transfer::for_each_parallel(subjects.size() > 0 ? subjects.size() - 1 : 0, parallel,
                                       [&](std::size_t i) { return one(i + 1); });
}

}  // namespace ocimirror::daemon
