#include "policy/select.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::policy;

TEST(Glob, StarStaysInOneSegment) {
  EXPECT_TRUE(glob_match("app-*", "app-web"));
  EXPECT_FALSE(glob_match("app-*", "app-web/extra"));
  EXPECT_FALSE(glob_match("app-*", "other"));
  EXPECT_TRUE(glob_match("*/web", "charts/web"));
  EXPECT_FALSE(glob_match("*/web", "a/charts/web"));
  EXPECT_TRUE(glob_match("app-?", "app-1"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
}

TEST(Glob, DoubleStarCrossesSegments) {
  EXPECT_TRUE(glob_match("charts/**", "charts/web"));
  EXPECT_TRUE(glob_match("charts/**", "charts/team/web"));
  EXPECT_FALSE(glob_match("charts/**", "chartsx/web"));
  EXPECT_TRUE(glob_match("**/web", "a/b/web"));
  EXPECT_TRUE(glob_match("a/**/b", "a/b"));
  EXPECT_TRUE(glob_match("a/**/b", "a/x/y/b"));
  EXPECT_TRUE(glob_match("**", "anything/at/all"));
}

TEST(RepoPattern, GlobRegexAndLiteral) {
  auto g = repo_pattern::parse("app-*");
  ASSERT_TRUE(g);
  EXPECT_TRUE(g->matches("app-x"));
  EXPECT_FALSE(g->literal());
  auto r = repo_pattern::parse("regex:^(web|api)-[0-9]+$");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->matches("web-12"));
  EXPECT_FALSE(r->matches("web-12x"));  // the whole name must match
  EXPECT_FALSE(r->literal());
  auto l = repo_pattern::parse("charts/web");
  ASSERT_TRUE(l);
  EXPECT_EQ(l->literal().value(), "charts/web");
  EXPECT_FALSE(repo_pattern::parse("regex:(unclosed"));
  EXPECT_FALSE(repo_pattern::parse("/abs"));
  EXPECT_FALSE(repo_pattern::parse(""));
}

TEST(Semver, ParsesTagsAsUsersWriteThem) {
  auto v = parse_semver("v1.2.3-rc.1+build.5");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->major, 1);
  EXPECT_EQ(v->minor, 2);
  EXPECT_EQ(v->patch, 3);
  EXPECT_EQ(v->prerelease, (std::vector<std::string>{"rc", "1"}));
  EXPECT_EQ(v->text, "v1.2.3-rc.1+build.5");
  EXPECT_TRUE(parse_semver("1.2"));
  EXPECT_TRUE(parse_semver("3"));
  for (const char* bad : {"latest", "1.2.3.4", "01.2.3", "1..2", "1.2.3-", "v", "1.2.3-a..b", "sha256-abc"})
    EXPECT_FALSE(parse_semver(bad)) << bad;
}

TEST(Semver, PrecedenceFollowsSemver2) {
  auto c = [](const char* a, const char* b) { return compare(*parse_semver(a), *parse_semver(b)); };
  EXPECT_LT(c("1.0.0-alpha", "1.0.0-alpha.1"), 0);
  EXPECT_LT(c("1.0.0-alpha.1", "1.0.0-alpha.beta"), 0);
  EXPECT_LT(c("1.0.0-beta.2", "1.0.0-beta.11"), 0);
  EXPECT_LT(c("1.0.0-rc.1", "1.0.0"), 0);
  EXPECT_LT(c("1.9.0", "1.10.0"), 0);
  EXPECT_EQ(c("v1.2.3", "1.2.3+meta"), 0);
  EXPECT_GT(c("2.0.0", "1.99.99"), 0);
}

namespace {
bool in(const char* range, const char* version) {
  auto r = semver_range::parse(range);
  EXPECT_TRUE(r) << range << ": " << (r ? "" : r.error());
  return r && r->contains(*parse_semver(version));
}
}  // namespace

TEST(SemverRange, ComparatorsAndSets) {
  EXPECT_TRUE(in(">=1.2.0 <3", "1.2.0"));
  EXPECT_TRUE(in(">=1.2.0 <3", "2.9.9"));
  EXPECT_FALSE(in(">=1.2.0 <3", "3.0.0"));
  EXPECT_FALSE(in(">=1.2.0 <3", "1.1.9"));
  EXPECT_TRUE(in(">= 1.2.0", "1.3.0"));  // operator and version apart
  EXPECT_TRUE(in("<1.0.0 || >=2.0.0", "0.5.0"));
  EXPECT_FALSE(in("<1.0.0 || >=2.0.0", "1.5.0"));
  EXPECT_TRUE(in("=1.4.0", "1.4.0"));
  EXPECT_FALSE(in("1.4.0", "1.4.1"));
  EXPECT_TRUE(in("1.4", "1.4.7"));
  EXPECT_FALSE(in("1.4", "1.5.0"));
  EXPECT_TRUE(in("1.x", "1.9.0"));
  EXPECT_FALSE(in("1.x", "2.0.0"));
  EXPECT_TRUE(in(">1.2", "1.3.0"));
  EXPECT_FALSE(in(">1.2", "1.2.9"));
  EXPECT_TRUE(in("<=1.2", "1.2.9"));
}

TEST(SemverRange, TildeAndCaret) {
  EXPECT_TRUE(in("~1.2", "1.2.9"));
  EXPECT_FALSE(in("~1.2", "1.3.0"));
  EXPECT_TRUE(in("~1.2.3", "1.2.4"));
  EXPECT_FALSE(in("~1.2.3", "1.3.0"));
  EXPECT_TRUE(in("^1.2.3", "1.9.0"));
  EXPECT_FALSE(in("^1.2.3", "2.0.0"));
  EXPECT_TRUE(in("^0.2.3", "0.2.9"));
  EXPECT_FALSE(in("^0.2.3", "0.3.0"));
  EXPECT_TRUE(in("^0.0.3", "0.0.3"));
  EXPECT_FALSE(in("^0.0.3", "0.0.4"));
}

TEST(SemverRange, PrereleasesOnlyWhenNamed) {
  EXPECT_FALSE(in(">=1.0.0", "2.0.0-rc.1"));
  EXPECT_TRUE(in(">=2.0.0-rc.0", "2.0.0-rc.1"));
  EXPECT_FALSE(in(">=2.0.0-rc.0", "2.1.0-rc.1"));
}

TEST(SemverRange, RejectsNonsense) {
  for (const char* bad : {"", ">=abc", "=>1.0", "1.2.3.4", "||"}) EXPECT_FALSE(semver_range::parse(bad)) << bad;
}

TEST(SelectTags, IncludeExcludeRangeLatest) {
  const std::vector<std::string> tags{"v1.0.0", "v1.2.0", "v1.2.1-rc", "v2.0.0", "v2.1.0", "v3.0.0", "latest", "main"};
  tag_rules r;
  r.include.emplace_back(R"(^v\d+\.\d+\.\d+)");
  r.exclude.emplace_back("-rc");
  EXPECT_EQ(select_tags(tags, r), (std::vector<std::string>{"v1.0.0", "v1.2.0", "v2.0.0", "v2.1.0", "v3.0.0"}));
  r.range = *semver_range::parse(">=1.2.0 <3");
  EXPECT_EQ(select_tags(tags, r), (std::vector<std::string>{"v1.2.0", "v2.0.0", "v2.1.0"}));
  r.latest = 2;  // newest first
  EXPECT_EQ(select_tags(tags, r), (std::vector<std::string>{"v2.1.0", "v2.0.0"}));
}

TEST(SelectTags, NoRulesKeepsEverythingAndLatestDropsNonVersions) {
  const std::vector<std::string> tags{"latest", "1.0.0", "0.9.0", "main"};
  EXPECT_EQ(select_tags(tags, {}), tags);
  tag_rules r;
  r.latest = 10;
  EXPECT_EQ(select_tags(tags, r), (std::vector<std::string>{"1.0.0", "0.9.0"}));
}

TEST(NameMapping, JoinAndRelative) {
  EXPECT_EQ(join_path("mirror", "charts/web"), "mirror/charts/web");
  EXPECT_EQ(join_path("", "charts/web"), "charts/web");
  EXPECT_EQ(relative_to("acme", "acme/charts/web").value(), "charts/web");
  EXPECT_FALSE(relative_to("acme", "acmex/web"));
  EXPECT_FALSE(relative_to("acme", "acme"));
  EXPECT_EQ(relative_to("", "a/b").value(), "a/b");
  // The destination of acme/charts/web under from: acme, to: mirror
  EXPECT_EQ(join_path("mirror", *relative_to("acme", "acme/charts/web")), "mirror/charts/web");
}
