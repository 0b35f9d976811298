// tag_plan, case by case: each choice a run makes about a tag, from the facts alone.
#include "policy/tag_plan.hpp"

#include <gtest/gtest.h>

namespace ocimirror::policy {
namespace {

const std::string A = "sha256:" + std::string(64, 'a');
const std::string B = "sha256:" + std::string(64, 'b');
const std::string C = "sha256:" + std::string(64, 'c');

tag_sighting seen(const std::string& source, std::optional<recorded_tag> record = std::nullopt) {
  tag_sighting s;
  s.tag = "v1";
  s.source_digest = source;
  s.record = std::move(record);
  return s;
}

TEST(TagPlan, ARecordOfTheSameDigestSkipsTheDestination) {
  const auto s = seen(A, recorded_tag{A, A, ""});
  EXPECT_TRUE(record_holds(s));
  EXPECT_FALSE(ask_destination(s, {}));
  const auto it = plan_tag(s, {}, std::nullopt);
  EXPECT_EQ(it.what, action::unchanged);
  EXPECT_TRUE(it.cached);
  EXPECT_EQ(it.destination_digest, A);
  EXPECT_EQ(it.tag, "v1");
  EXPECT_FALSE(to_copy(it, {}));
}

TEST(TagPlan, AFilteredIndexKeepsWhatItBecame) {
  auto s = seen(A, recorded_tag{A, B, "linux/amd64"});
  s.variant = "linux/amd64";
  const auto it = plan_tag(s, {}, std::nullopt);
  EXPECT_EQ(it.what, action::unchanged);
  EXPECT_EQ(it.destination_digest, B);
}

TEST(TagPlan, ARecordUnderAnotherPlatformFilterIsNotBelieved) {
  auto s = seen(A, recorded_tag{A, B, "linux/amd64"});
  s.variant = "linux/amd64,linux/arm64";
  EXPECT_FALSE(record_holds(s));
  EXPECT_TRUE(ask_destination(s, {}));
  EXPECT_EQ(plan_tag(s, {}, std::nullopt).what, action::copy);
}

TEST(TagPlan, ARecordOfAnOlderDigestAsksTheDestination) {
  const auto s = seen(B, recorded_tag{A, A, ""});
  EXPECT_FALSE(record_holds(s));
  EXPECT_TRUE(ask_destination(s, {}));
  // The destination still has what was mirrored last and the source moved on: overwritten under `overwrite:
  // changed` (the default), kept under `never`.
  EXPECT_EQ(plan_tag(s, {}, A).what, action::kept);
  EXPECT_EQ(plan_tag(s, {true, false, true}, A).what, action::overwrite);
  // Someone pushed the new digest already.
  EXPECT_EQ(plan_tag(s, {}, B).what, action::unchanged);
  EXPECT_FALSE(plan_tag(s, {}, B).cached);
}

TEST(TagPlan, AListingThatLacksTheTagOverrulesTheRecord) {
  auto s = seen(A, recorded_tag{A, A, ""});
  s.listed_without = true;  // deleted at the destination behind the cache's back
  EXPECT_FALSE(record_holds(s));
  EXPECT_FALSE(ask_destination(s, {}));  // the listing has answered
  const auto it = plan_tag(s, {}, std::nullopt);
  EXPECT_EQ(it.what, action::copy);
  EXPECT_EQ(it.destination_digest, "");
}

TEST(TagPlan, NoRecordAndNothingAtTheDestinationIsACopy) {
  const auto s = seen(A);
  EXPECT_TRUE(ask_destination(s, {}));
  const auto it = plan_tag(s, {}, std::nullopt);
  EXPECT_EQ(it.what, action::copy);
  EXPECT_TRUE(to_copy(it, {}));
}

TEST(TagPlan, NoRecordButTheSameDigestAtTheDestinationIsUnchangedAndAsked) {
  const auto it = plan_tag(seen(A), {}, A);
  EXPECT_EQ(it.what, action::unchanged);
  EXPECT_FALSE(it.cached);  // learnt from the destination: the run writes a record for the next one
}

TEST(TagPlan, OverwriteNeverKeepsAnotherDigest) {
  EXPECT_EQ(plan_tag(seen(A), {}, C).what, action::kept);
  EXPECT_EQ(plan_tag(seen(A), {false, false, true}, C).what, action::overwrite);
  EXPECT_FALSE(to_copy(plan_tag(seen(A), {}, C), {}));
}

TEST(TagPlan, VerifyAsksTheDestinationEvenWhenTheRecordHolds) {
  const plan_rules verify{true, false, false};
  const auto s = seen(A, recorded_tag{A, A, ""});
  EXPECT_TRUE(ask_destination(s, verify));
  const auto it = plan_tag(s, verify, A);
  EXPECT_EQ(it.what, action::unchanged);
  EXPECT_FALSE(it.cached);
  EXPECT_TRUE(to_copy(it, verify));  // checked down to its blobs
  EXPECT_FALSE(to_copy(it, {}));
}

TEST(TagPlan, TheGateJudgesOnlyWrites) {
  const plan_rules gated{false, true, false};
  EXPECT_TRUE(needs_signature(plan_tag(seen(A), gated, std::nullopt), gated));
  EXPECT_FALSE(needs_signature(plan_tag(seen(A), gated, A), gated));
  EXPECT_FALSE(needs_signature(plan_tag(seen(A), {}, std::nullopt), {}));
}

TEST(TagPlan, AFilteredIndexAlreadyAtTheDestinationIsRecognisedWithoutARecord) {
  auto s = seen(A);  // a cold cache: no record of what A became under the filter
  EXPECT_TRUE(work_out_filtered(s, true, B));
  EXPECT_FALSE(work_out_filtered(s, false, B));  // no filter: digests are kept, nothing to work out
  EXPECT_FALSE(work_out_filtered(s, true, A));   // the destination has the source's own digest
  EXPECT_FALSE(work_out_filtered(s, true, std::nullopt));
  s.becomes = B;
  EXPECT_EQ(plan_tag(s, {}, B).what, action::unchanged);
  EXPECT_EQ(plan_tag(s, {false, false, true}, C).what, action::overwrite);  // something else: pushed over it
  auto known = seen(A, recorded_tag{A, B, "linux/amd64"});
  known.variant = "linux/amd64";
  EXPECT_FALSE(work_out_filtered(known, true, B));  // the record says it already
}

TEST(TagPlan, FirstLook) {
  auto s = seen(A);
  EXPECT_EQ(first_look(s, {}), tag_fate::planned);
  s.referrer_tag = true;
  EXPECT_EQ(first_look(s, {}), tag_fate::planned);  // without a gate, cosign tags are tags like any other
  EXPECT_EQ(first_look(s, {false, true, false}), tag_fate::with_its_subject);
  s.own_fallback_tag = true;
  EXPECT_EQ(first_look(s, {}), tag_fate::not_a_tag);
  EXPECT_STREQ(to_string(tag_fate::with_its_subject), "with its subject");
}

recorded_sighting recorded(source_listing listing, bool in_tag_list = false) {
  recorded_sighting r;
  r.mapped = r.owned = true;
  r.listing = listing;
  r.in_tag_list = in_tag_list;
  return r;
}

TEST(TagPlan, PruneOnlyWhatTheSourceNoLongerSelects) {
  EXPECT_EQ(judge_prune(recorded(source_listing::listed, true)), prune_verdict::prune);  // the rules dropped it
  EXPECT_EQ(judge_prune(recorded(source_listing::listed, false)), prune_verdict::ask_source);
  EXPECT_EQ(judge_prune(recorded(source_listing::not_listed)), prune_verdict::prune);  // its repository is gone
  EXPECT_EQ(judge_prune(recorded(source_listing::missing)), prune_verdict::prune);
  EXPECT_EQ(judge_prune(recorded(source_listing::failed)), prune_verdict::keep);
}

TEST(TagPlan, NeverPruneWhatIsNotThisRunsToDelete) {
  auto r = recorded(source_listing::listed, true);
  r.selected = true;
  EXPECT_EQ(judge_prune(r), prune_verdict::keep);
  r = recorded(source_listing::listed, true);
  r.mapped = false;  // the policy no longer maps its repository: another policy's business, or none
  EXPECT_EQ(judge_prune(r), prune_verdict::keep);
  r = recorded(source_listing::listed, true);
  r.owned = false;  // another replica's shard
  EXPECT_EQ(judge_prune(r), prune_verdict::keep);
  r = recorded(source_listing::missing);
  r.named = true;  // named in `repositories:` and denied: a typo or no access, a failure, not a deletion
  EXPECT_EQ(judge_prune(r), prune_verdict::keep);
  EXPECT_STREQ(to_string(prune_verdict::ask_source), "ask the source");
}

}  // namespace
}  // namespace ocimirror::policy
