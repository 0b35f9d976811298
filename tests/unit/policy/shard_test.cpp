#include "policy/shard.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace ocimirror::policy;

TEST(Shard, ParsesIOverNAndNamesWhatIsWrong) {
  auto s = parse_shard("2/3");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2u);
  EXPECT_EQ(s->count, 3u);
  EXPECT_EQ(s->str(), "2/3");
  EXPECT_NE(parse_shard("3/3").error().find("below the count"), std::string::npos);
  EXPECT_NE(parse_shard("1/0").error().find("1 to 1024"), std::string::npos);
  EXPECT_NE(parse_shard("a/3").error().find("whole numbers"), std::string::npos);
  EXPECT_NE(parse_shard("2").error().find("is not I/N"), std::string::npos);
  EXPECT_FALSE(parse_shard("-1/3"));
  EXPECT_FALSE(parse_shard("1/3 "));
}

TEST(Shard, EveryRepositoryHasExactlyOneOwnerAndTheSplitIsEven) {
  std::vector<int> owned(4, 0);
  for (int r = 0; r < 4000; ++r) {
    const std::string repo = "acme/team-" + std::to_string(r % 40) + "/app-" + std::to_string(r);
    int owners = 0;
    for (std::uint32_t i = 0; i < 4; ++i)
      if (shard{i, 4}.owns(repo)) ++owners, ++owned[i];
    EXPECT_EQ(owners, 1) << repo;
    EXPECT_TRUE(shard{}.owns(repo));  // 0/1: one replica owns everything
  }
  for (int n : owned) EXPECT_NEAR(n, 1000, 150);
  // Stable across processes, machines and releases (xxh3-64 of the path, not std::hash): replicas built at
  // different times must agree. These owners were computed with the xxhash library directly.
  EXPECT_TRUE((shard{4, 7}.owns("acme/app")));
  EXPECT_TRUE((shard{6, 7}.owns("library/alpine")));
  EXPECT_TRUE((shard{5, 7}.owns("team/charts/web")));
}

TEST(Shard, OrdinalFromAStatefulSetHostname) {
  EXPECT_EQ(ordinal_of("ocimirror-0"), 0u);
  EXPECT_EQ(ordinal_of("my-mirror-12"), 12u);
  EXPECT_FALSE(ordinal_of("ocimirror"));
  EXPECT_FALSE(ordinal_of("ocimirror-x"));
  EXPECT_FALSE(ordinal_of("ocimirror-"));
}
