#include "policy/plan.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::policy;

TEST(Plan, DecidesEachTag) {
  tag_facts f{.source_digest = "sha256:a"};
  EXPECT_EQ(decide(f, true), action::copy);
  f.destination_digest = "sha256:a";
  EXPECT_EQ(decide(f, true), action::unchanged);
  f.destination_digest = "sha256:b";
  EXPECT_EQ(decide(f, true), action::overwrite);
  EXPECT_EQ(decide(f, false), action::kept);
}

TEST(Plan, FilteredIndexIsUnchangedWhenStateMatches) {
  // platforms filtered: the destination holds sha256:f, made from source sha256:a
  tag_facts f{.source_digest = "sha256:a",
              .destination_digest = "sha256:f",
              .last_mirrored = std::pair<std::string, std::string>{"sha256:a", "sha256:f"}};
  EXPECT_EQ(decide(f, true), action::unchanged);
  f.source_digest = "sha256:a2";  // the source moved on
  EXPECT_EQ(decide(f, true), action::overwrite);
  f.source_digest = "sha256:a";
  f.destination_digest = "sha256:other";  // someone replaced the destination tag
  EXPECT_EQ(decide(f, true), action::overwrite);
  EXPECT_EQ(decide(f, false), action::kept);
}

TEST(Plan, ArtifactTypes) {
  ocimirror::transfer::manifest helm;
  helm.media_type = "application/vnd.oci.image.manifest.v1+json";
  helm.config = ocimirror::transfer::descriptor{.media_type = "application/vnd.cncf.helm.config.v1+json"};
  EXPECT_EQ(artifact_type_of(helm), "application/vnd.cncf.helm.config.v1+json");
  helm.artifact_type = "application/vnd.example.sbom";
  EXPECT_EQ(artifact_type_of(helm), "application/vnd.example.sbom");
  ocimirror::transfer::manifest idx;
  idx.media_type = "application/vnd.oci.image.index.v1+json";
  EXPECT_EQ(artifact_type_of(idx), idx.media_type);

  const std::vector<std::string> none, helm_only{"application/vnd.cncf.helm.config.v1+json"};
  EXPECT_TRUE(type_selected("x", none, none));
  EXPECT_FALSE(type_selected(helm_only[0], none, helm_only));
  EXPECT_TRUE(type_selected(helm_only[0], helm_only, none));
  EXPECT_FALSE(type_selected("x", helm_only, none));
  EXPECT_FALSE(type_selected(helm_only[0], helm_only, helm_only));  // exclude wins
}
