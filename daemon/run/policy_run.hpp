#pragma once
// Internal to one policy run (run_policy in sync_run.hpp): its state and its steps in order, each a member so
// that no step is longer than a screen. open and list (sync_run.cpp), the facts of each tag and the plan
// (sync_facts.cpp), execute, referrers, prune and commit (sync_execute.cpp).
#include "cache/mirror_cache.hpp"
#include "config/mirror_config.hpp"
#include "daemon/run/session.hpp"
#include "daemon/run/sync_list.hpp"
#include "daemon/run/sync_run.hpp"
#include "transfer/artifact/cosign.hpp"
#include "transfer/copy/blob_gate.hpp"
#include "transfer/copy/copy.hpp"
#include "transfer/endpoint/endpoint.hpp"

#include <chrono>
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
  session& s;
  const config::policy_config& p;
  cache::mirror_cache& cache;
  const run_options& opts;
  policy_report report{};
  std::chrono::steady_clock::time_point start{std::chrono::steady_clock::now()};
  std::chrono::steady_clock::time_point lapped{start};  ///< when the last step ended
  std::unique_ptr<transfer::endpoint> src{}, dst{};
  bool fresh = false;               ///< the destination holds only what this run writes (an archive, a snapshot)
  cache::tag_records records{};     ///< what this policy mirrored before
  std::vector<repo_state> repos{};  ///< listed and owned by this shard
  std::vector<job> jobs{};          ///< one per selected tag
  std::set<cache::tag_key> selected{};
  std::map<cache::tag_key, std::string> types{};  ///< artifact types learnt in the facts step
  std::string variant{};                          ///< the platform filter a record must have been pushed under to count
  std::optional<transfer::cosign::public_key> trusted{};
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
  /// Opens both endpoints; false (with the failure in report) when one cannot be.
  bool open();
  /// Step 1: the cache's records, the repositories, their tags. False when the repositories cannot be listed.
  transfer::awaitable<bool> list();
  /// Step 2: each selected tag's facts and plan item, then the prune plan (step 3).
  transfer::awaitable<void> plan();
  /// Step 4 to 7: copy (or verify), referrers, prune, commit.
  transfer::awaitable<void> execute();
  /// The report, its duration set.
  policy_report finish();
  /// Ends the step `name`: its seconds (since the previous step ended) go to report.phases.
  void lap(const char* name);

 private:
  transfer::awaitable<void> list_tags();
  transfer::awaitable<void> survey_destination();
  transfer::awaitable<std::optional<transfer::manifest_head>> source_head(job& j, bool will_copy);
  bool lacking(const job& j) const;  ///< the survey listed j's destination repository without j's tag
  transfer::awaitable<void> facts(job& j);
  transfer::awaitable<std::string> artifact_type(job& j, const transfer::manifest_head& head, bool known,
                                                 const cache::tag_record* rec);
  transfer::awaitable<policy::plan_item> plan_item(job& j, const transfer::manifest_head& head,
                                                   const cache::tag_record* rec, bool known);
  void collect();
  transfer::awaitable<void> remember(const policy::plan_item& it, const std::string& src_digest,
                                     const std::string& dst_digest);
  transfer::awaitable<void> copy_tag(policy::plan_item& it, const transfer::copy_options& co,
                                     const transfer::copy_options& check, prune_inputs& pruning);
  transfer::awaitable<void> commit(bool wrote);
};

}  // namespace ocimirror::daemon
