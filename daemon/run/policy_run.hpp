#pragma once
// Internal to one policy run (run_policy in sync_run.hpp): its state and its steps in order, each a member so
// that no step is longer than a screen. open and list (sync_run.cpp); the pipeline that lists each repository's
// tags, asks about them and hands each tag to be copied over as soon as its plan is known (sync_pipeline.cpp); the
// facts of each tag (sync_facts.cpp); referrers, prune and commit (sync_execute.cpp).
#include "cache/mirror_cache.hpp"
#include "config/mirror_config.hpp"
#include "daemon/run/copy_handoff.hpp"
#include "daemon/run/session.hpp"
#include "daemon/run/sync_list.hpp"
#include "daemon/run/sync_run.hpp"
#include "policy/tag_plan.hpp"
#include "transfer/copy/blob_gate.hpp"
#include "transfer/copy/copy.hpp"
#include "transfer/endpoint/endpoint.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ocimirror::daemon {

/// Listings and tag facts in flight at most; the registries' adaptive limits decide below it.
inline constexpr std::size_t discovery_at_once = 64;

struct policy_run {
  const config::policy_config& p;
  cache::mirror_cache& cache;
  const run_options& opts;
  policy_report report{};
  std::chrono::steady_clock::time_point start{std::chrono::steady_clock::now()};
  std::chrono::steady_clock::time_point lapped{start};              ///< when the last step ended
  std::chrono::steady_clock::time_point listed_at{}, planned_at{};  ///< when the last tag list, the plan were in
  std::unique_ptr<transfer::endpoint> opened_src{}, opened_dst{};   ///< what open() opened (none: handed in)
  transfer::endpoint* src = nullptr;                                ///< the source, opened here or the caller's
  transfer::endpoint* dst = nullptr;
  bool fresh = false;               ///< the destination holds only what this run writes (an archive, a snapshot)
  cache::tag_records records{};     ///< what this policy mirrored before
  std::vector<repo_state> repos{};  ///< listed and owned by this shard
  std::vector<std::deque<job>> repo_jobs{};  ///< per repository, one per selected tag (a deque: jobs stay put)
  handoff_queue<job*>* copies = nullptr;     ///< where a tag to copy goes (none: a dry run, a bundle's barrier)
  transfer::blob_gate gate{};
  transfer::copy_options co{}, check{};  ///< how tags are copied, how --verify checks unchanged ones
  prune_inputs pruning{};
  std::set<cache::tag_key> selected{};
  std::map<cache::tag_key, std::string> types{};  ///< artifact types learnt in the facts step
  std::string variant{};                          ///< the platform filter a record must have been pushed under to count
  policy::plan_rules rules{};                     ///< --verify, the signature gate, `overwrite:`
  std::map<transfer::registry_client*, std::chrono::milliseconds> waited_before{};  ///< per client, at open()
  /// Destination repositories listed before the facts step (those with a tag the cache knows nothing of): the tags
  /// each had. One listing answers for all of its tags, so none of them is asked about alone.
  std::map<std::string, std::set<std::string>> dst_listed{};
  std::set<std::string> fresh_repos{};  ///< of those, the ones the destination did not have at all
  /// Top manifests fetched in the facts step for tags the destination lacks, by (source repository, tag): the copy
  /// starts from them instead of asking again.
  std::map<std::pair<std::string, std::string>, transfer::fetched_manifest> prefetched{};
  std::size_t prefetched_bytes = 0;
  /// Whether the source has the referrers API: asked during the plan, beside the tags' facts (a warm run over a
  /// slow link has no round trip to spare for asking it alone afterwards).
  transfer::referrer_probe probe{};
  bool probing = false;

  /// Runs f(0..n-1), at most `most` at once and no more than both registries' adaptive limits allow right now
  /// (listings, the facts of each tag and the copies all follow what the registries and the link take).
  transfer::awaitable<void> each(std::size_t n, std::size_t most,
                                 std::function<transfer::awaitable<void>(std::size_t)> f);
  /// Names the run in its report.
  void begin();
  /// Opens both endpoints through the session; false (with the failure in report) when one cannot be.
  bool open(session& s);
  /// Takes src and dst as they are now (opened here or handed in): whether the destination is fresh each run, and
  /// what each registry was waited on so far.
  void adopt();
  /// The stages in order over the open endpoints: list, then the pipeline (each repository's tags listed, their
  /// facts and plan, the copies), then (not in a dry run) a bundle's copies, referrers, prune and commit; the report.
  transfer::awaitable<policy_report> stages();
  /// Step 1: the cache's records and the repositories. False when the repositories cannot be listed.
  transfer::awaitable<bool> list();
  /// Steps 2 to 4 as a pipeline per repository: its tags listed, each selected tag's facts and plan item, and
  /// (not in a dry run) each tag to copy copied while the others are still asked about; then the prune plan.
  transfer::awaitable<void> pipeline();
  /// Steps 4 to 7: a bundle's copies (checked whole first), referrers, prune, commit.
  transfer::awaitable<void> execute();
  /// The report, its duration set.
  policy_report finish();
  /// Ends the step `name` at `at`: its seconds (since the previous step ended) go to report.phases.
  void lap(const char* name, std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now());

 private:
  std::size_t width() const;  ///< the smaller of both registries' adaptive limits right now
  void prepare_copies();
  transfer::awaitable<void> discover_all(handoff_queue<job*>& queue);
  transfer::awaitable<void> discover(std::size_t repo);
  transfer::awaitable<void> settle(job& j);
  transfer::awaitable<void> list_tags(repo_state& r);
  transfer::awaitable<void> survey(const repo_state& r);
  transfer::awaitable<std::optional<transfer::manifest_head>> source_head(job& j, bool will_copy);
  bool lacking(const job& j) const;  ///< the survey listed j's destination repository without j's tag
  transfer::awaitable<void> facts(job& j);
  policy::tag_sighting sighting(const job& j, const std::string& source_digest) const;
  transfer::awaitable<std::string> artifact_type(job& j, const transfer::manifest_head& head, bool known);
  transfer::awaitable<transfer::fetched_manifest> source_manifest(const job& j, const std::string& digest);
  void collect();
  transfer::awaitable<void> remember(const policy::plan_item& it, const std::string& src_digest,
                                     const std::string& dst_digest);
  transfer::awaitable<void> copy_tag(const policy::plan_item& it);
  transfer::awaitable<void> commit(bool wrote);
};

}  // namespace ocimirror::daemon
