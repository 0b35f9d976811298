#include "daemon/run/failure_groups.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::daemon;
using ocimirror::transfer::errc;

namespace {
std::vector<failure> eleven_unauthorized() {
  std::vector<failure> fs;
  for (int i = 0; i < 11; ++i)
    fs.push_back({"ghcr.io/acme/app:v" + std::to_string(i) + " -> r.internal/m/app:v" + std::to_string(i),
                  "registry r.internal: HEAD manifest m/app:v" + std::to_string(i) +
                      ": UNAUTHORIZED (no credentials for r.internal; run `ocimirror login r.internal`)",
                  errc::unauthorized});
  return fs;
}
}  // namespace

TEST(FailureGroups, OneCauseIsOneMessageWithACountAndExamples) {
  auto fs = eleven_unauthorized();
  fs.push_back({"list tags of ghcr.io/acme/web", "registry ghcr.io: list tags: 503", errc::server_error});
  const auto groups = group_failures(fs, {"ghcr.io", "r.internal"});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].registry, "r.internal");
  EXPECT_EQ(groups[0].what.size(), 11u);
  const auto lines = group_lines(groups[0]);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].find("11 failed (unauthorized) at r.internal: registry r.internal: HEAD manifest m/app:v0"), 0u)
      << lines[0];
  EXPECT_NE(lines[1].find("v2 -> r.internal/m/app:v2; and 8 more"), std::string::npos) << lines[1];
  // A group of one reads as the failure itself.
  EXPECT_EQ(group_lines(groups[1]),
            std::vector<std::string>{"list tags of ghcr.io/acme/web: registry ghcr.io: list tags: 503"});
}

TEST(FailureGroups, ARegistryIsNamedAsAWholeHost) {
  const auto g = group_failures({{"x", "registry data.io: 401", errc::unauthorized}}, {"a.io"});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].registry, "");  // "a.io" is inside "data.io", but not as a host
  EXPECT_EQ(registry_of("ghcr.io/acme"), "ghcr.io");
  EXPECT_EQ(registry_of("oci:/srv/layout"), "");
}

TEST(FailureGroups, TwoCausesOfOneKindAtOneRegistryAreTwoGroups) {
  const std::vector<failure> fs{
      {"list tags of r.io/acme/ap", "source repository r.io/acme/ap does not exist (named in `repositories:`)",
       errc::not_found},
      {"list tags of r.io/acme/wbe", "source repository r.io/acme/wbe does not exist (named in `repositories:`)",
       errc::not_found},
      {"r.io/acme/app:v1 -> d.io/m/app:v1",
       "registry r.io: GET manifest acme/app@sha256:" + std::string(64, 'a') + ": MANIFEST_UNKNOWN", errc::not_found}};
  const auto groups = group_failures(fs, {"r.io", "d.io"});
  ASSERT_EQ(groups.size(), 2u);  // the two typos share a cause; the missing manifest is another
  EXPECT_EQ(groups[0].what.size(), 2u);
  EXPECT_EQ(groups[1].what.size(), 1u);
}
