#include "policy/tag_plan.hpp"

namespace ocimirror::policy {

const char* to_string(tag_fate f) {
  switch (f) {
    case tag_fate::planned:
      return "planned";
    case tag_fate::not_a_tag:
      return "not a tag";
    case tag_fate::with_its_subject:
      return "with its subject";
  }
  return "?";
}

const char* to_string(prune_verdict v) {
  switch (v) {
    case prune_verdict::keep:
      return "keep";
    case prune_verdict::prune:
      return "prune";
    case prune_verdict::ask_source:
      return "ask the source";
  }
  return "?";
}

tag_fate first_look(const tag_sighting& s, const plan_rules& r) {
  // GitLab resolves the tag sha256-<hex> as that digest itself (oras-go#1396). Copying it would put the subject under
  // the referrers tag at the destination; the referrers stage reads the source the way that works there.
  if (s.own_fallback_tag) return tag_fate::not_a_tag;
  if (r.gated && s.referrer_tag) return tag_fate::with_its_subject;
  return tag_fate::planned;
}

bool record_holds(const tag_sighting& s) {
  // A record is not believed for a tag the destination's listing lacks: it was deleted there behind the cache's back.
  return s.record && s.record->source_digest == s.source_digest && s.record->platforms == s.variant &&
         !s.listed_without;
}

bool ask_destination(const tag_sighting& s, const plan_rules& r) {
  if (s.listed_without) return false;  // the listing answered for every tag it did not list
  return r.verify_all || !record_holds(s);
}

bool work_out_filtered(const tag_sighting& s, bool filtering, const std::optional<std::string>& at_destination) {
  return filtering && at_destination && *at_destination != s.source_digest && !record_holds(s);
}

plan_item plan_tag(const tag_sighting& s, const plan_rules& r, const std::optional<std::string>& at_destination) {
  plan_item it;
  it.tag = s.tag;
  it.source_digest = s.source_digest;
  if (record_holds(s) && !r.verify_all) {
    // What this policy pushed and the source still has: the destination was not asked.
    it.what = action::unchanged;
    it.destination_digest = s.record->destination_digest;
    it.cached = true;
    return it;
  }
  tag_facts f;
  f.source_digest = s.source_digest;
  if (!s.listed_without) f.destination_digest = at_destination;
  if (s.record) f.last_mirrored = {{s.record->source_digest, s.record->destination_digest}};
  it.what = decide(f, r.overwrite_changed);
  // The filtered index this run would push is there already: pushed by an earlier run whose record is gone.
  if (!s.becomes.empty() && f.destination_digest == s.becomes) it.what = action::unchanged;
  it.destination_digest = f.destination_digest.value_or("");
  return it;
}

bool to_copy(const plan_item& it, const plan_rules& r) {
  return it.what == action::copy || it.what == action::overwrite || (it.what == action::unchanged && r.verify_all);
}

bool needs_signature(const plan_item& it, const plan_rules& r) {
  return r.gated && (it.what == action::copy || it.what == action::overwrite);
}

prune_verdict judge_prune(const recorded_sighting& s) {
  if (s.selected || !s.mapped) return prune_verdict::keep;
  if (!s.owned) return prune_verdict::keep;  // another replica's now: never pruned from here
  // Unknown: never prune on a failed listing, nor in a repository the policy names that the source now denies having
  // (a typo, a deletion, or a registry that answers 404 for "no access"): that run is a failure.
  if (s.listing == source_listing::failed) return prune_verdict::keep;
  if (s.listing == source_listing::missing && s.named) return prune_verdict::keep;
  // Left out of the tag list: make sure with the source itself before deleting anything on its word.
  if (s.listing == source_listing::listed && !s.in_tag_list) return prune_verdict::ask_source;
  return prune_verdict::prune;
}

}  // namespace ocimirror::policy
