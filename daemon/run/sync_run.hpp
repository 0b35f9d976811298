#pragma once
// One policy run: list the source, select, plan against the destination and the sync state, then (unless it is a
// dry run) copy what the plan says, many tags at once, and prune. Failures of single tags are collected, not thrown.
#include "cache/mirror_cache.hpp"
#include "config/mirror_config.hpp"
#include "daemon/run/session.hpp"
#include "policy/plan.hpp"
#include "policy/select.hpp"
#include "policy/shard.hpp"
#include "transfer/copy/copy.hpp"
#include "transfer/copy/referrers_copy.hpp"
#include "transfer/endpoint/endpoint.hpp"
#include "transfer/net/stopper.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace ocimirror::daemon {

struct failure {
  std::string what;  ///< "SRC -> DST" or the repository that could not be listed
  std::string message;
  transfer::errc kind = transfer::errc::io;  ///< what went wrong, kept up to the report, the log and the metrics
};
/// A failure from the error that caused it.
inline failure failure_from(std::string what, const transfer::error& e) {
  return {std::move(what), e.what(), e.code()};
}

/// A tag the signature gate kept out: the kind of reason (sigstore::to_string of the refusal) and the reason itself,
/// which names the signer found when there was one.
struct unverified_tag {
  std::string what;  ///< "REGISTRY/REPO:TAG"
  std::string refusal;
  std::string message;
};

struct policy_report {
  std::string name;
  std::string source, destination;  ///< "registry/path" of the policy
  std::vector<policy::plan_item> plan;
  std::vector<std::string> warnings;
  std::vector<failure> failures;
  std::size_t copied = 0, pruned = 0;  ///< outcomes; unchanged and kept are read off the plan
  std::size_t verified = 0,
              repaired = 0;      ///< --verify: unchanged tags checked down to every blob; ones that lacked something
  std::size_t other_shards = 0;  ///< source repositories left to the other replicas
  std::size_t interrupted = 0;   ///< tags not started because the run was asked to stop (the next run does them)
  std::size_t left_out = 0;      ///< blobs an incremental bundle left out because the far side has them
  std::size_t selected = 0;      ///< source tags the repository patterns and tag rules selected
  /// Dry runs: the tags the rules left out, each with its source repository and the rule that did.
  std::vector<std::pair<std::string, policy::dropped_tag>> dropped;
  /// Why the run selected nothing ("no repository under X matches ...", "no tag of ..."); empty when it selected
  /// something, or when this replica's shard simply owns none of the repositories.
  std::string selected_nothing;
  /// Tags the signature gate (`verify:`) kept out, each with why.
  std::vector<unverified_tag> unverified;
  std::size_t referrers = 0, cosign_tags = 0;  ///< referrer manifests and cosign tags that travel with the tags
  std::size_t fallback_updates = 0;            ///< fallback tag indexes written at the destination
  transfer::copy_stats blobs;
  /// An index platform filtering made anew: its source digest, the new one, and whether the new index records the
  /// source digest (an OCI index, in io.ocimirror.source.digest; a Docker manifest list has no annotations).
  struct remap {
    std::string source, destination;
    bool annotated = true;
  };
  std::vector<remap> remapped;
  double seconds = 0;
  /// Seconds of each step that ran, in order: list (repositories and tags), plan (each tag's facts), copy,
  /// referrers, prune (with the commit of an archive or snapshot). Where a run's time goes.
  std::vector<std::pair<std::string, double>> phases;
  /// Seconds each registry of the run was waited on (pacing by its rate-limit headers, waits before retries), only
  /// those that were; shared clients make it approximate when policies run at once.
  std::vector<std::pair<std::string, double>> waited;
};

/// How a finished run ended: every selected tag done; some failed; the patterns and rules selected nothing (most
/// often a typo in `repositories:` or `from:`, so not a success); stopped by a drain before it was done.
enum class run_outcome { success, failure, empty, interrupted };
run_outcome outcome_of(const policy_report& r);
const char* to_string(run_outcome o);

struct run_options {
  bool dry_run = false;
  bool verify = false;  ///< check the destination for every tag, down to its blobs, and push what is missing
  policy::shard shard;  ///< this replica handles only the source repositories it owns
  std::size_t parallel_tags = 32;
  std::size_t parallel_blobs = 8;
  transfer::copy_progress* progress = nullptr;
  transfer::pipe_options pipe;
  /// Read before each tag starts: once draining, no new tag is started (the daemon on SIGTERM). The same switch
  /// that, stopped, cancels what runs (transfer/net/stopper.hpp): one mechanism, two steps.
  const transfer::stopper* stop = nullptr;
  /// oci-archive destinations: blobs the far side already has, left out of the bundle (`--since`).
  const std::set<std::string>* since = nullptr;
};

/// "SRC/repo:tag -> DST/repo:tag": how failures name a tag.
std::string arrow(const config::policy_config& p, const std::string& src_repo, const std::string& dst_repo,
                  const std::string& tag);

/// Step 5 of a run: what refers to each copied or unchanged tag of report.plan (referrers, cosign tags) is copied
/// too, `parallel` subjects at once; probe: whether the source has the referrers API (asked here when the plan has
/// not asked it yet). all_tags: each source repository's full tag list. Failures are added to report, named
/// "referrers of <arrow>".
transfer::awaitable<void> carry_referrers(transfer::endpoint& src, transfer::endpoint& dst,
                                          const config::policy_config& p,
                                          const std::map<std::string, const std::vector<std::string>*>& all_tags,
                                          const transfer::copy_options& co, std::size_t parallel,
                                          transfer::referrer_probe& probe, policy_report& report);

/// Per destination repository, every digest the run's selected tags point at (source and destination digests): a
/// prune never deletes one of them.
std::map<std::string, std::set<std::string>> wanted_digests(const policy_report& report);

struct prune_inputs {
  std::map<std::string, std::set<std::string>> wanted;  ///< wanted_digests() plus what the copies pushed
  std::size_t parallel = 4;
  const transfer::stopper* stop = nullptr;
};

/// Step 6, once every copy has finished: removes report.plan's prune items at dst (see endpoint::remove_tag) and
/// their cache records. Where a manifest was deleted by digest, records of other tags on that digest are dropped
/// too. Failures are added to report, named "prune <destination tag>".
transfer::awaitable<void> prune_tags(transfer::endpoint& dst, const config::policy_config& p,
                                     cache::mirror_cache& cache, const cache::tag_records& records,
                                     const prune_inputs& in, policy_report& report);

/// How many tags of policy p move at once: `jobs`, at most either registry's max_concurrency, at least one.
std::size_t tags_at_once(std::size_t jobs, const config::registry_settings_map& registries,
                         const config::policy_config& p);

/// Tags whose source digest is what `cache` says this policy mirrored are unchanged without a request to the
/// destination (unless opts.verify). Records are written as each manifest PUT succeeds.
transfer::awaitable<policy_report> run_policy(session& s, const config::policy_config& p, cache::mirror_cache& cache,
                                              const run_options& opts);
/// The same run between endpoints already open: any two, registries or layouts or held in memory (the stages are
/// tested so, tests/unit/daemon/run/, without sockets).
transfer::awaitable<policy_report> run_policy(transfer::endpoint& src, transfer::endpoint& dst,
                                              const config::policy_config& p, cache::mirror_cache& cache,
                                              const run_options& opts);

}  // namespace ocimirror::daemon
