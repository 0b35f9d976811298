// Step 2 of a policy run, tag by tag: what each selected tag is at the source, what the record of the last run and
// (when that does not settle it) the destination or its listing say, the signature gate, and from all of it the
// tag's plan item.
#include "daemon/run/policy_run.hpp"
#include "daemon/run/signature_gate.hpp"
#include "policy/platform.hpp"
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

awaitable<void> policy_run::facts(job& j) {
  try {
    auto found = records.find({j.repo->destination, j.tag});
    const cache::tag_record* rec = found == records.end() ? nullptr : &found->second;
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
    // GitLab resolves the tag sha256-<hex> as that digest itself (oras-go#1396): that is the subject, not a tag
    // holding its referrers index. Copying it would put the subject under the referrers tag at the destination;
    // the referrers step reads the source the way that works there.
    if (j.tag == transfer::referrers::fallback_tag(head->digest)) {
      j.gone = true;
      co_return;
    }
    // A record is not believed for a tag the destination's listing lacks (deleted there behind the cache's back).
    const bool known = rec && rec->source_digest == head->digest && rec->platforms == variant && !lacking(j);
    if (!p.types_include.empty() || !p.types_exclude.empty()) {
      j.type = co_await artifact_type(j, *head, known, rec);
      types[{j.repo->destination, j.tag}] = j.type;  // for the tag's record
      if (!policy::type_selected(j.type, p.types_include, p.types_exclude)) {
        j.gone = true;
        co_return;
      }
    }
    // Behind the gate, signature and fallback tags are not tags of their own: they travel with the subjects that
    // pass it (step 5), and never with one that does not.
    if (p.verify && transfer::referrers::is_referrer_tag(j.tag)) {
      j.gone = true;
      co_return;
    }
    auto it = co_await plan_item(j, *head, rec, known);
    if (p.verify && (it.what == action::copy || it.what == action::overwrite)) {
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

awaitable<std::string> policy_run::artifact_type(job& j, const transfer::manifest_head& head, bool known,
                                                 const cache::tag_record* rec) {
  if (known && !rec->artifact_type.empty()) co_return rec->artifact_type;  // a digest's type never changes
  transfer::fetched_manifest fetched;
  if (auto pf = prefetched.find({j.repo->source, j.tag}); pf != prefetched.end())
    fetched = pf->second;
  else
    fetched = co_await src->get_manifest(j.repo->source, head.digest);
  auto parsed = transfer::parse_manifest(fetched.bytes, fetched.media_type);
  if (!parsed) throw transfer::error(transfer::errc::bad_manifest, parsed.error());
  co_return policy::artifact_type_of(*parsed);
}

awaitable<policy::plan_item> policy_run::plan_item(job& j, const transfer::manifest_head& head,
                                                   const cache::tag_record* rec, bool known) {
  policy::plan_item it;
  it.source_repo = j.repo->source;
  it.destination_repo = j.repo->destination;
  it.tag = j.tag;
  it.source_digest = head.digest;
  if (known && !opts.verify) {
    // What this policy pushed and the source still has: the destination is not asked (`--verify` asks).
    it.what = action::unchanged;
    it.destination_digest = rec->destination_digest;
    it.cached = true;
    co_return it;
  }
  policy::tag_facts f;
  f.source_digest = head.digest;
  if (!lacking(j)) {  // the survey's listing answered for tags it did not list
    auto at_dst = co_await dst->head_manifest(j.repo->destination, j.tag);
    if (at_dst) f.destination_digest = at_dst->digest;
  }
  if (rec) f.last_mirrored = {{rec->source_digest, rec->destination_digest}};
  it.what = policy::decide(f, p.overwrite == config::overwrite_mode::changed);
  it.destination_digest = f.destination_digest.value_or("");
  co_return it;
}

}  // namespace ocimirror::daemon
