// Step 5 of a policy run: signatures, SBOMs and attestations travel with the tags they refer to, unchanged tags
// included (signatures are often added after the image).
#include "daemon/run/sync_run.hpp"
#include "transfer/copy/parallel.hpp"
#include "transfer/copy/referrers_copy.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace ocimirror::daemon {
using policy::action;
using transfer::awaitable;

awaitable<void> carry_referrers(transfer::endpoint& src, transfer::endpoint& dst, const config::policy_config& p,
                                const std::map<std::string, const std::vector<std::string>*>& all_tags,
                                const transfer::copy_options& co, std::size_t parallel, transfer::referrer_probe& probe,
                                policy_report& report) {
  std::vector<const policy::plan_item*> subjects;
  for (const auto& it : report.plan)
    if (it.what == action::copy || it.what == action::overwrite || it.what == action::unchanged)
      subjects.push_back(&it);
  std::set<std::string> failed;
  for (const auto& f : report.failures) failed.insert(f.what);
  bool api = true;  // until the source says otherwise, everything is walked
  if (!subjects.empty()) {
    try {
      api = co_await transfer::referrers_api(src, subjects[0]->source_repo, subjects[0]->source_digest, probe);
    } catch (const transfer::error&) {
      // unanswered: each subject's walk asks again and names its own failure
    }
  }
  // Without the API, all that refers to a subject is a tag (cosign's, the fallback index). Where the plan carried
  // every such tag of a repository as an ordinary tag (the policy selects them), walking it would only ask both
  // registries again what the copies just settled: a warm run then costs one request per source tag.
  if (!api) {
    std::map<std::string, std::set<std::string>> carried;  // source repository -> tags copied or unchanged
    for (const auto* it : subjects)
      if (!failed.count(arrow(p, it->source_repo, it->destination_repo, it->tag)))
        carried[it->source_repo].insert(it->tag);
    std::set<std::string> settled;  // source repositories whose every referrers tag was carried
    for (const auto& [repo, tags] : all_tags) {
      const auto& took = carried[repo];
      if (tags && std::all_of(tags->begin(), tags->end(), [&](const std::string& t) {
            return !transfer::referrers::is_referrer_tag(t) || took.count(t) > 0;
          }))
        settled.insert(repo);
    }
    std::erase_if(subjects, [&](const policy::plan_item* it) { return settled.count(it->source_repo) > 0; });
  }
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
  co_await transfer::for_each_parallel(subjects.size(), parallel, one);
}

}  // namespace ocimirror::daemon
