// What the engine does with one blob, stepped through the cases registries and layouts produce, without sockets.
#include "transfer/copy/blob_plan.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;
using step = blob_plan::step;

namespace {
blob_plan::facts registry_to_registry() {
  blob_plan::facts f;
  f.to_repo = "mirror/app";
  f.cache = true;
  return f;
}
}  // namespace

TEST(BlobPlan, WhatTheDestinationHasIsSkippedBeforeAnythingElseIsAsked) {
  blob_plan p(registry_to_registry());
  EXPECT_EQ(p.at_destination(true), step::skip);
}

TEST(BlobPlan, TheRunsOwnHolderIsMountedWithoutAskingTheCacheAndOneRefusalIsEnough) {
  auto f = registry_to_registry();
  f.run_holder = "mirror/other";
  blob_plan p(f);
  ASSERT_EQ(p.at_destination(false), step::mount);
  EXPECT_EQ(p.current().repository, "mirror/other");
  EXPECT_FALSE(p.current().remembered);
  EXPECT_EQ(p.refused(false), step::upload) << "the source can send the bytes: no second mount";
}

TEST(BlobPlan, CacheHoldersComeBeforeTheSameRegistrySourceWithoutRepeatsOrTheDestinationItself) {
  auto f = registry_to_registry();
  f.same_registry_source = "team/app";
  blob_plan p(f);
  ASSERT_EQ(p.at_destination(false), step::ask_cache);
  ASSERT_EQ(p.holders({"mirror/app", "mirror/base", "mirror/base"}), step::mount);
  EXPECT_EQ(p.current().repository, "mirror/base");
  EXPECT_TRUE(p.current().remembered) << "a refusal corrects the cache";
  EXPECT_EQ(p.refused(false), step::upload);
}

TEST(BlobPlan, ABundleWithoutTheBlobTriesEveryHolderThenReportsItMissing) {
  auto f = registry_to_registry();
  f.in_source = false;  // an incremental archive that left the blob out
  f.run_holder = "mirror/one";
  blob_plan p(f);
  ASSERT_EQ(p.at_destination(false), step::ask_cache) << "the run's holder alone is not enough when bytes are absent";
  ASSERT_EQ(p.holders({"mirror/two"}), step::mount);
  EXPECT_EQ(p.current().repository, "mirror/one");
  ASSERT_EQ(p.refused(true), step::mount);
  EXPECT_EQ(p.current().repository, "mirror/two");
  EXPECT_EQ(p.refused(false), step::missing);
}

TEST(BlobPlan, LayoutsNeitherMountNorResume) {
  blob_plan::facts f;
  f.to_repo = "app";
  f.dst_registry = false;
  f.cache = true;
  f.run_holder = "other";
  EXPECT_EQ(blob_plan(f).at_destination(false), step::upload);
  f.in_source = false;
  EXPECT_EQ(blob_plan(f).at_destination(false), step::missing);
}

TEST(BlobPlan, ARefusalThatOpenedAnUploadIsUploadedIntoNotResumed) {
  // distribution answers a refused mount with 202 and an upload Location (OCI distribution spec, "Mounting a blob").
  auto f = registry_to_registry();
  f.resumable = true;
  blob_plan p(f);
  ASSERT_EQ(p.at_destination(false), step::ask_cache);
  ASSERT_EQ(p.holders({"mirror/base"}), step::mount);
  EXPECT_EQ(p.refused(true), step::upload);
}

TEST(BlobPlan, AnUploadAnEarlierProcessLeftIsResumedOnlyWhereTheRegistryAgrees) {
  auto f = registry_to_registry();
  f.cache = false;
  f.resumable = true;
  blob_plan p(f);
  ASSERT_EQ(p.at_destination(false), step::check_resume);
  constexpr std::uint64_t mib = 1 << 20;
  EXPECT_EQ(p.resume_answer(8 * mib, 8 * mib, 40 * mib), step::resume);
  EXPECT_EQ(p.resume_answer(8 * mib, 4 * mib, 40 * mib), step::upload) << "the registry lost a chunk";
  EXPECT_EQ(p.resume_answer(8 * mib, 16 * mib, 40 * mib), step::upload) << "more than the journal says: start afresh";
  EXPECT_EQ(p.resume_answer(40 * mib, 40 * mib, 40 * mib), step::upload) << "nothing left to send: start afresh";
  EXPECT_EQ(p.resume_answer(std::nullopt, 8 * mib, 40 * mib), step::upload) << "nothing remembered";
  EXPECT_EQ(p.resume_answer(8 * mib, std::nullopt, 40 * mib), step::upload) << "the session expired";
}
