#include "transfer/registry/profile.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;

TEST(RegistryProfile, ChosenByHostWithAnyPortAndCase) {
  const std::pair<const char*, const char*> hosts[] = {
      {"123456789012.dkr.ecr.eu-west-1.amazonaws.com", "ecr"},
      {"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "ecr"},
      {"myreg.azurecr.io", "acr"},
      {"MyReg.AzureCR.io:443", "acr"},
      {"ghcr.io", "ghcr"},
      {"docker.io", "dockerhub"},
      {"registry-1.docker.io", "dockerhub"},
      {"europe-west1-docker.pkg.dev", "gar"},
      {"gcr.io", "gar"},
      {"eu.gcr.io", "gar"},
      {"quay.io", "quay"},
      {"acme.jfrog.io", "artifactory"},
      {"registry.gitlab.com", "gitlab"},
      {"registry.example.com", "generic"},
      {"127.0.0.1:5000", "generic"},
      {"[::1]:5000", "generic"},
      // Look-alikes are not the family: a suffix must be a whole label.
      {"evilazurecr.io", "generic"},
      {"ghcr.io.example.com", "generic"},
      {"amazonaws.com", "generic"},
      {"s3.eu-west-1.amazonaws.com", "generic"},
  };
  for (const auto& [host, name] : hosts) EXPECT_EQ(profile_for_host(host).name, name) << host;
}

TEST(RegistryProfile, NamedProfilesAndUnknownNames) {
  for (auto n : profile_names()) {
    ASSERT_NE(profile_named(n), nullptr) << n;
    EXPECT_EQ(profile_named(n)->name, n);
    EXPECT_FALSE(profile_named(n)->family.empty());
  }
  EXPECT_EQ(profile_names().size(), 11u);
  EXPECT_EQ(profile_named("ECR"), nullptr) << "names are exact";
  EXPECT_EQ(profile_named("aws"), nullptr);
}

TEST(RegistryProfile, GenericKeepsWhatWasAskedFor) {
  const auto& g = *profile_named("generic");
  const upload_options asked{32u << 20, 8u << 20};
  const auto got = g.uploads(asked);
  EXPECT_EQ(got.monolithic_max, asked.monolithic_max);
  EXPECT_EQ(got.chunk_size, asked.chunk_size);
  EXPECT_TRUE(g.referrers_api);
  EXPECT_TRUE(g.catalog);
  EXPECT_FALSE(g.immutable_tags || g.manifest_lag || g.digests_in_tags || g.repositories_must_exist);
}

TEST(RegistryProfile, UploadStrategies) {
  const upload_options asked{32u << 20, 0};
  for (const char* put_only : {"ecr", "ghcr", "gar"}) {
    const auto u = profile_named(put_only)->uploads(asked);
    EXPECT_EQ(u.monolithic_max, UINT64_MAX) << put_only << ": every blob in one PUT";
    EXPECT_EQ(u.chunk_size, 0u);
  }
  // ACR: no request body over its limit, so large blobs go in PATCHes of at most 16 MiB.
  auto acr = profile_named("acr")->uploads(asked);
  EXPECT_EQ(acr.monolithic_max, 16u << 20);
  EXPECT_EQ(acr.chunk_size, 16u << 20);
  acr = profile_named("acr")->uploads({4u << 20, 8u << 20});
  EXPECT_EQ(acr.monolithic_max, 4u << 20) << "a smaller ask stays";
  EXPECT_EQ(acr.chunk_size, 8u << 20);
  acr = profile_named("acr")->uploads({64u << 20, 64u << 20});
  EXPECT_EQ(acr.chunk_size, 16u << 20) << "a larger ask is capped";
  // Artifactory: the bytes go in PATCH, never in the PUT.
  const auto art = profile_named("artifactory")->uploads(asked);
  EXPECT_EQ(art.monolithic_max, 0u);
  EXPECT_EQ(art.chunk_size, 0u);
}

TEST(RegistryProfile, ReadsAndWrites) {
  EXPECT_FALSE(profile_named("ghcr")->referrers_api);
  EXPECT_FALSE(profile_named("ghcr")->catalog);
  EXPECT_FALSE(profile_named("dockerhub")->referrers_api);
  EXPECT_FALSE(profile_named("dockerhub")->catalog);
  EXPECT_TRUE(profile_named("artifactory")->digests_in_tags);
  const auto& ecr = *profile_named("ecr");
  EXPECT_TRUE(ecr.immutable_tags && ecr.manifest_lag && ecr.repositories_must_exist);
  EXPECT_TRUE(ecr.referrers_api);
}
