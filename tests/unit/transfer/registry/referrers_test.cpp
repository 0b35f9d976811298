#include "transfer/registry/referrers.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

using namespace ocimirror::transfer;

namespace {
const std::string subject = "sha256:" + std::string(64, 'a');
const std::string d1 = "sha256:" + std::string(64, '1');
const std::string d2 = "sha256:" + std::string(64, '2');

descriptor referrer(const std::string& digest, const std::string& type) {
  descriptor d;
  d.media_type = std::string(media::oci_manifest);
  d.digest = digest;
  d.size = 321;
  d.artifact_type = type;
  d.annotations = {{"org.opencontainers.image.created", "2026-11-23T00:00:00Z"}};
  return d;
}
}  // namespace

TEST(Referrers, TagNames) {
  EXPECT_EQ(referrers::fallback_tag(subject), "sha256-" + std::string(64, 'a'));
  EXPECT_EQ(referrers::cosign_tags(subject)[0], "sha256-" + std::string(64, 'a') + ".sig");
  EXPECT_EQ(referrers::cosign_tags(subject)[2], "sha256-" + std::string(64, 'a') + ".sbom");
  EXPECT_TRUE(referrers::is_referrer_tag("sha256-" + std::string(64, 'a') + ".att"));
  EXPECT_FALSE(referrers::is_referrer_tag("v1.0.0"));
}

// A response as a registry with the referrers API sends it (recorded from the OCI conformance suite's shape).
TEST(Referrers, ParsesARecordedReferrersResponseAndRefusesOtherBodies) {
  const std::string recorded = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                               d1 + R"(","size":1234,
     "artifactType":"application/vnd.example.sbom.v1","annotations":{"org.example.sbom.format":"spdx"}},
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                               d2 + R"(","size":567,
     "artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json"}]})";
  auto list = referrers::parse_index(recorded);
  ASSERT_TRUE(list) << list.error();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].artifact_type, "application/vnd.example.sbom.v1");
  EXPECT_EQ((*list)[0].annotations.at(0).second, "spdx");
  EXPECT_FALSE(referrers::parse_index("<html>not found</html>"));
  EXPECT_FALSE(referrers::parse_index(
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":")" +
      d1 + R"(","size":1},"layers":[]})"));
}

TEST(Referrers, FallbackIndexMergesWithoutDuplicatesAndKeepsAnnotations) {
  auto first = referrers::merge_fallback("", referrer(d1, "application/vnd.example.sbom.v1"));
  auto second = referrers::merge_fallback(first, referrer(d2, "application/spdx+json"));
  auto again = referrers::merge_fallback(second, referrer(d1, "application/vnd.example.sbom.v1"));
  auto list = referrers::parse_index(again);
  ASSERT_TRUE(list) << list.error();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].digest, d1);
  EXPECT_EQ((*list)[1].artifact_type, "application/spdx+json");
  EXPECT_EQ((*list)[0].annotations.at(0).first, "org.opencontainers.image.created");
  // An annotation someone else put on the index survives a merge.
  auto doc = boost::json::parse(second).as_object();
  doc["annotations"] = boost::json::object{{"keep", "me"}};
  auto merged =
      boost::json::parse(referrers::merge_fallback(boost::json::serialize(doc), referrer(d1, "x"))).as_object();
  EXPECT_EQ(merged.at("annotations").at("keep").as_string(), "me");
}

TEST(Referrers, FilterByArtifactType) {
  referrers::filter all;
  EXPECT_TRUE(all.wants("anything"));
  referrers::filter none{false, {}, {}};
  EXPECT_FALSE(none.wants("anything"));
  referrers::filter some{true, {"application/spdx+json"}, {}};
  EXPECT_TRUE(some.wants("application/spdx+json"));
  EXPECT_FALSE(some.wants("application/vnd.dev.cosign.artifact.sig.v1+json"));
  referrers::filter but{true, {}, {"application/spdx+json"}};
  EXPECT_FALSE(but.wants("application/spdx+json"));
  EXPECT_TRUE(but.wants("other"));
}

