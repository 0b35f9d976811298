#pragma once
// Steps 1 and 3 of a policy run (sync_run.cpp drives them): which repositories and tags the policy names at its
// source, a second listing where the first looks garbled, and which recorded tags to prune.
#include "cache/store.hpp"
#include "config/mirror_config.hpp"
#include "daemon/run/sync_run.hpp"
#include "policy/plan.hpp"
#include "policy/shard.hpp"
#include "transfer/endpoint/endpoint.hpp"

#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ocimirror::daemon {

enum class listing { listed, missing, failed };

struct repo_state {
  std::string source, destination;
  listing status = listing::failed;
  bool named = false;                        ///< named literally by the policy: its absence is a failure
  std::vector<std::string> tags;             ///< selected by the tag rules
  std::vector<std::string> all_tags;         ///< every tag (cosign and fallback tags are looked up here)
  std::vector<policy::dropped_tag> dropped;  ///< dry runs: the tags the rules left out, and why
};

/// What step 2 learns of one selected source tag.
struct job {
  const repo_state* repo;
  std::string tag;
  std::optional<policy::plan_item> item;
  bool gone = false;       ///< vanished from the source since listing, or excluded by artifact type
  bool vanished = false;   ///< listed, then unknown to the source's HEAD
  std::string type;        ///< artifact type, when the policy filters by type
  std::string unverified;  ///< why the signature gate keeps it out
  std::string refusal;     ///< the kind of reason: "no signature", "identity", "certificate chain", "time" …
};

/// The source repository's name relative to `from`, when the policy's patterns select it. A layout's unnamed
/// repository ("", its bare-named tags) maps to `to` itself when no pattern narrows the policy.
std::optional<std::string> selected_relative(const config::policy_config& p, const std::string& repo);

/// Repositories the policy names: the literal ones directly, otherwise the catalog filtered by the patterns. Throws
/// transfer::error(bad_reference) for a name that is not valid or would map outside `to`.
transfer::awaitable<std::vector<repo_state>> list_repositories(transfer::endpoint& src, const config::policy_config& p);

/// Lists r again when a tag its first listing gave vanished (the listing may have been garbled on the way: a
/// flipped byte turns v1 into V1 and stays valid JSON), and adds a job for every tag the new listing selects that
/// has no answered job yet (vanished ones included: asked once more).
transfer::awaitable<void> relist_vanished(transfer::endpoint& src, const config::policy_config& p, repo_state& r,
                                          std::deque<job>& jobs);

/// Adds a prune item to report.plan for each tag this policy recorded that its listed source no longer selects:
/// never after a failed listing, never another shard's, and a tag its tag list left out only once the source
/// itself answers that it is gone.
transfer::awaitable<void> plan_prunes(transfer::endpoint& src, const config::policy_config& p,
                                      const std::vector<repo_state>& repos, const cache::tag_records& records,
                                      const std::set<cache::tag_key>& selected, const policy::shard& shard,
                                      policy_report& report);

}  // namespace ocimirror::daemon
