// Step 2 of a policy run, tag by tag: what each selected tag is at the source, what the record of the last run and
// (when that does not settle it) the destination or its listing say, the signature gate, and from all of it the
// tag's plan item.
#include "daemon/run/policy_run.hpp"
#include "daemon/run/signature_gate.hpp"
#include "policy/platform.hpp"
#include "policy/tag_plan.hpp"
#include "transfer/copy/referrers_copy.hpp"
#include "transfer/registry/referrers.hpp"

#include <algorithm>
#include <utility>

namespace ocimirror::daemon {
using policy::action;
using transfer::awaitable;

namespace {
constexpr std::size_t prefetch_max = 16u << 20;  ///< manifest bytes the facts step keeps for the copies
}  // namespace

/// Lists r at the destination when it has a selected tag the cache knows nothing of (a new repository, a new tag):
/// one request for all its tags, where asking tag by tag costs one each. A repository the destination does not have
/// is fresh: nothing in it needs asking about. A listing that fails settles nothing; the tags are then asked about
/// one by one. Not for --verify (it asks about everything) nor for layouts (no requests to save).
awaitable<void> policy_run::survey(const repo_state& r) {
  if (opts.verify || fresh || !dst->registry()) co_return;
  if (std::all_of(r.tags.begin(), r.tags.end(), [&](const std::string& t) {
        return records.count({r.destination, t});
      }))
    co_return;
  try {
    auto tags = co_await dst->list_tags(r.destination);
    dst_listed[r.destination] = std::set<std::string>(tags.begin(), tags.end());
  } catch (const transfer::error& e) {
    if (e.code() != transfer::errc::not_found) co_return;
    dst_listed[r.destination] = {};
    fresh_repos.insert(r.destination);
  }
}

/// What the source holds under j's tag. A tag headed for a copy (the destination's listing lacks it) is fetched
/// whole rather than looked at: the copy needs the manifest anyway and takes it from here.
awaitable<std::optional<transfer::manifest_head>> policy_run::source_head(job& j, bool will_copy) {
  if (!will_copy) co_return co_await src->head_manifest(j.repo->source, j.tag);
  std::optional<transfer::fetched_manifest> m;
  try {
    m = co_await src->get_manifest(j.repo->source, j.tag);
  } catch (const transfer::error& e) {
    if (e.code() != transfer::errc::not_found) throw;
  }
  if (!m) co_return std::nullopt;
  transfer::manifest_head h{m->digest, m->media_type, m->bytes.size()};
  if (prefetched_bytes + m->bytes.size() <= prefetch_max) {
    prefetched_bytes += m->bytes.size();
    prefetched[{j.repo->source, j.tag}] = std::move(*m);
  }
  co_return h;
}

bool policy_run::lacking(const job& j) const {
  auto listed = dst_listed.find(j.repo->destination);
  return listed != dst_listed.end() && !listed->second.count(j.tag);
}

/// What the run knows of j before asking the destination: the record, the listing, the source's digest.
policy::tag_sighting policy_run::sighting(const job& j, const std::string& source_digest) const {
  policy::tag_sighting seen;
  seen.tag = j.tag;
  seen.source_digest = source_digest;
  if (auto rec = records.find({j.repo->destination, j.tag}); rec != records.end())
    seen.record =
        policy::recorded_tag{rec->second.source_digest, rec->second.destination_digest, rec->second.platforms};
  seen.variant = variant;
  seen.listed_without = lacking(j);
  seen.own_fallback_tag = j.tag == transfer::referrers::fallback_tag(source_digest);
  seen.referrer_tag = transfer::referrers::is_referrer_tag(j.tag);
  return seen;
}

awaitable<void> policy_run::facts(job& j) {
  try {
    auto head = co_await source_head(j, lacking(j) && !opts.dry_run);
    if (!head) {
      j.gone = j.vanished = true;
      co_return;
    }
    if (p.referrers.enabled && p.platforms.empty() && !opts.dry_run && !std::exchange(probing, true)) {
      try {
        co_await transfer::referrers_api(*src, j.repo->source, head->digest, probe);  // the others go on meanwhile
      } catch (const transfer::error&) {
        // not this tag's failure: the referrers step asks again
      }
    }
    auto seen = sighting(j, head->digest);
    if (policy::first_look(seen, rules) != policy::tag_fate::planned) {
      j.gone = true;
      co_return;
    }
    if (!p.types_include.empty() || !p.types_exclude.empty()) {
      j.type = co_await artifact_type(j, *head, policy::record_holds(seen));
      types[{j.repo->destination, j.tag}] = j.type;  // for the tag's record
      if (!policy::type_selected(j.type, p.types_include, p.types_exclude)) {
        j.gone = true;
        co_return;
      }
    }
    std::optional<std::string> at_destination;
    if (policy::ask_destination(seen, rules)) {
      auto at = co_await dst->head_manifest(j.repo->destination, j.tag);
      if (at) at_destination = at->digest;
    }
    // Only an index can have become another digest; a HEAD that named no type leaves it unknown, as before.
    const bool index =
        head->media_type == transfer::media::oci_index || head->media_type == transfer::media::docker_list;
    if (index && policy::work_out_filtered(seen, !p.platforms.empty(), at_destination)) {
      try {
        const auto m = co_await source_manifest(j, head->digest);
        seen.becomes = transfer::pushed_digest(m, co);
      } catch (const transfer::error&) {
        // Unknown: planned as without it; a copy, if the plan makes one, reports what is wrong with the index.
      }
    }
    auto it = policy::plan_tag(seen, rules, at_destination);
    it.source_repo = j.repo->source;
    it.destination_repo = j.repo->destination;
    if (policy::needs_signature(it, rules)) {
      auto v = co_await find_trusted_signature(*src, j.repo->source, head->digest, *p.verify, &j.repo->all_tags);
      if (!v) {
        j.refusal = std::string(transfer::sigstore::to_string(v.why));
        j.unverified = v.reason;
        co_return;
      }
    }
    j.item = std::move(it);
  } catch (const transfer::error& e) {
    report.failures.push_back(failure_from(arrow(p, j.repo->source, j.repo->destination, j.tag), e));
  }
}

/// The source's manifest of j at `digest`: the one the facts step fetched for the copy, else fetched now by digest.
awaitable<transfer::fetched_manifest> policy_run::source_manifest(const job& j, const std::string& digest) {
  if (auto pf = prefetched.find({j.repo->source, j.tag}); pf != prefetched.end() && pf->second.digest == digest)
    co_return pf->second;
  co_return co_await src->get_manifest(j.repo->source, digest);
}

awaitable<std::string> policy_run::artifact_type(job& j, const transfer::manifest_head& head, bool known) {
  if (known)  // a digest's type never changes
    if (auto rec = records.find({j.repo->destination, j.tag});
        rec != records.end() && !rec->second.artifact_type.empty())
      co_return rec->second.artifact_type;
  const auto fetched = co_await source_manifest(j, head.digest);
  auto parsed = transfer::parse_manifest(fetched.bytes, fetched.media_type);
  if (!parsed) throw transfer::error(transfer::errc::bad_manifest, parsed.error());
  co_return policy::artifact_type_of(*parsed);
}

}  // namespace ocimirror::daemon
