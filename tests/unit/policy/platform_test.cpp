#include "policy/platform.hpp"

#include <gtest/gtest.h>

using namespace ocimirror;

namespace {
transfer::descriptor child(std::string os, std::string arch, std::string variant = {}) {
  transfer::descriptor d;
  d.platform = transfer::os_platform{std::move(os), std::move(arch), std::move(variant), {}};
  return d;
}
}  // namespace

TEST(Platform, Parses) {
  auto p = policy::parse_platform("linux/arm/v7");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->variant, "v7");
  EXPECT_EQ(p->str(), "linux/arm/v7");
  EXPECT_FALSE(policy::parse_platform("linux"));
  EXPECT_FALSE(policy::parse_platform("linux//v7"));
  EXPECT_FALSE(policy::parse_platform("Linux/amd64"));
  EXPECT_NE(policy::parse_platform("a/b/c/d").error().find("os/arch"), std::string::npos);
}

TEST(Platform, Matches) {
  std::vector<policy::platform_pattern> want{*policy::parse_platform("linux/amd64"),
                                             *policy::parse_platform("linux/arm64/v8"),
                                             *policy::parse_platform("linux/arm/v7")};
  EXPECT_TRUE(policy::platform_selected(child("linux", "amd64"), want));
  EXPECT_TRUE(policy::platform_selected(child("linux", "arm64"), want));  // implied v8
  EXPECT_TRUE(policy::platform_selected(child("linux", "arm", "v7"), want));
  EXPECT_FALSE(policy::platform_selected(child("linux", "arm", "v6"), want));
  EXPECT_FALSE(policy::platform_selected(child("windows", "amd64"), want));
  EXPECT_FALSE(policy::platform_selected(transfer::descriptor{}, want));
  EXPECT_TRUE(policy::platform_selected(transfer::descriptor{}, want, true));
}
