#pragma once
// What a policy run does with each tag, decided from what the run learnt of it. Pure, and stepped case by case in
// tests/unit/policy/tag_plan_test.cpp, as transfer/copy/blob_plan decides each blob: the run's stages
// (daemon/run) gather the facts and carry out the verdicts, and every choice between the two is made here.
//
// A selected tag goes: first_look (is it a tag of its own this run?) -> record_holds / ask_destination (does the
// last run's record answer, or the destination's listing, or must the destination be asked?) -> plan_tag (copy,
// overwrite, unchanged by the cache or by the destination, kept). A recorded tag the source no longer selects goes
// through judge_prune.
#include "policy/plan.hpp"

#include <optional>
#include <string>

namespace ocimirror::policy {

/// This policy's record of a tag from an earlier run, as far as the plan reads it.
struct recorded_tag {
  std::string source_digest;       ///< what the source had when it was mirrored
  std::string destination_digest;  ///< what it became at the destination (differs when platforms were filtered)
  std::string platforms;           ///< the platform filter it was pushed under ("": none)
};

/// What a run knows of one selected tag before it asks the destination anything.
struct tag_sighting {
  std::string tag;
  std::string source_digest;           ///< the source's answer for the tag
  std::optional<recorded_tag> record;  ///< this policy's record of it, if any
  std::string variant;                 ///< this run's platform filter, as records write it
  bool listed_without = false;         ///< the destination's listing of its repository lacks the tag
  bool own_fallback_tag = false;       ///< the tag is sha256-<hex> of source_digest itself (GitLab's alias)
  bool referrer_tag = false;           ///< a fallback or cosign tag (sha256-<hex>[.sig|.att|.sbom])
  /// What the source's manifest becomes at the destination under this run's platform filter, when that was worked
  /// out (a filtered index the destination may hold already from a run whose record is gone); empty: unknown.
  std::string becomes;
};

/// The policy's and the command's rules that bear on a tag's plan.
struct plan_rules {
  bool verify_all = false;         ///< --verify: check every tag at the destination, down to its blobs
  bool gated = false;              ///< `verify:`: only tags whose signature verifies are mirrored
  bool overwrite_changed = false;  ///< `overwrite: changed`
};

enum class tag_fate {
  planned,           ///< a tag of its own: planned below
  not_a_tag,         ///< the source resolves sha256-<hex> as that digest itself: the subject, not its referrers tag
  with_its_subject,  ///< behind the gate, a signature or fallback tag travels only with a subject that passes
};
const char* to_string(tag_fate f);

/// Whether the tag is planned as a tag of its own this run.
tag_fate first_look(const tag_sighting& s, const plan_rules& r);

/// The last run's record is believed: it names the digest the source has now, under the same platform filter, and
/// the destination's listing (when there is one) does not contradict it by lacking the tag.
bool record_holds(const tag_sighting& s);

/// The destination is asked about the tag (one HEAD) only when nothing else answers: not when the record holds
/// (unless --verify asks about everything), and not when its listing already said it lacks the tag.
bool ask_destination(const tag_sighting& s, const plan_rules& r);

/// Whether the run should work out what the source becomes (tag_sighting::becomes): a platform filter is set, the
/// destination holds another digest than the source's, and no record says what it became.
bool work_out_filtered(const tag_sighting& s, bool filtering, const std::optional<std::string>& at_destination);

/// The tag's plan item: `at_destination` is the destination's digest for the tag when it was asked and has one.
/// Names (repositories) are the caller's to fill in.
plan_item plan_tag(const tag_sighting& s, const plan_rules& r, const std::optional<std::string>& at_destination);

/// A plan item whose tag is copied (or, with --verify, checked down to its blobs and repaired).
bool to_copy(const plan_item& it, const plan_rules& r);

/// The signature gate judges the items that would write the destination, and no others.
bool needs_signature(const plan_item& it, const plan_rules& r);

/// How the source repository of a recorded tag was listed this run.
enum class source_listing { not_listed, listed, missing, failed };

/// A tag this policy recorded, seen at the prune stage.
struct recorded_sighting {
  bool selected = false;  ///< selected this run: a tag, not a prune candidate
  bool mapped = false;    ///< the policy's patterns still map its source repository
  bool owned = false;     ///< this replica's shard owns its source repository
  source_listing listing = source_listing::not_listed;
  bool named = false;        ///< its repository is named literally in `repositories:`
  bool in_tag_list = false;  ///< the repository's tag list (every tag, before the rules) has it
};

enum class prune_verdict {
  keep,        ///< not this run's to delete: selected, unmapped, another shard's, or its listing failed
  prune,       ///< the source no longer selects it
  ask_source,  ///< the tag list left it out: prune only once the source itself answers that it is gone
};
const char* to_string(prune_verdict v);

prune_verdict judge_prune(const recorded_sighting& s);

}  // namespace ocimirror::policy
