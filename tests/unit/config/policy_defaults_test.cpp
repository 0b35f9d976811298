// `defaults:`, repository include/exclude and `rename:`: what they select and where it lands, and every mistake
// refused at load with its line.
#include "config/keys.hpp"
#include "config/mirror_config.hpp"
#include "tests/unit/config/env_of.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::config;
using test_env::env_of;
using test_env::errors_of;
using test_env::has;

namespace {

mirror_config loaded(const std::string& text) {
  auto r = load_config_text(text, "m.yaml", env_of({}));
  EXPECT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].str());
  return r.config ? *r.config : mirror_config{};
}

std::string first(const std::vector<std::string>& errs) { return errs.empty() ? "" : errs[0]; }

}  // namespace

TEST(PolicyDefaults, FillInWhatAPolicyLeavesOutAndAPolicysKeyReplacesTheDefaultWhole) {
  auto c = loaded(R"(defaults:
  schedule: {every: 6h}
  tags: {exclude: ['-rc']}
  referrers: false
  platforms: [linux/amd64]
policies:
  - {name: a, from: s.io/x, to: d.io/a}
  - name: b
    from: s.io/y
    to: d.io/b
    tags: {semver: '>=1'}
    schedule: {cron: '0 2 * * *'}
)");
  ASSERT_EQ(c.policies.size(), 2u);
  const auto &a = c.policies[0], &b = c.policies[1];
  EXPECT_EQ(a.every, std::chrono::hours(6));
  EXPECT_EQ(a.tags.exclude.size(), 1u);
  EXPECT_FALSE(a.referrers.enabled);
  EXPECT_EQ(a.platforms.size(), 1u);
  EXPECT_EQ(a.line, 7);
  EXPECT_FALSE(b.every) << "b's own schedule replaces the default one whole";
  EXPECT_EQ(b.cron_text, "0 2 * * *");
  EXPECT_TRUE(b.tags.exclude.empty()) << "b's own tags: replace the default tags: whole, exclude and all";
  EXPECT_TRUE(b.tags.range);
  EXPECT_FALSE(b.referrers.enabled) << "what b does not give it takes";
}

TEST(PolicyDefaults, MistakesAreToldOnceWhereTheyAreAndPerPolicyKeysAreNotDefaults) {
  auto errs = errors_of(
      "defaults:\n  prune: maybe\npolicies:\n  - {name: a, from: s.io/x, to: d.io/a}\n"
      "  - {name: b, from: s.io/y, to: d.io/b}\n");
  EXPECT_EQ(errs.size(), 1u) << first(errs);
  EXPECT_TRUE(has(errs, "m.yaml:2:10: defaults.prune: must be true or false")) << first(errs);
  for (const char* key : {"name: x", "from: s.io/x", "to: d.io/x", "repositories: [a]", "keep: 3"}) {
    errs = errors_of(std::string("defaults:\n  ") + key + "\npolicies:\n  - {name: a, from: s.io/x, to: d.io/a}\n");
    EXPECT_TRUE(has(errs, "m.yaml:2:3: defaults.")) << key << ": " << first(errs);
    EXPECT_TRUE(has(errs, "unknown key")) << key << ": " << first(errs);
  }
  // Sound alone, wrong for one policy: the problem names the policy and says where the value came from.
  errs = errors_of(
      "defaults:\n  prune: true\npolicies:\n  - {name: a, from: s.io/x, to: d.io/a}\n"
      "  - {name: b, from: s.io/x, to: 'oci-archive:/b.tar'}\n");
  EXPECT_EQ(errs.size(), 1u);
  EXPECT_TRUE(has(errs, "m.yaml:2:10: policies[1].prune: each run writes a complete new archive")) << first(errs);
  EXPECT_TRUE(has(errs, "(inherited from `defaults:`)")) << first(errs);
}

TEST(PolicyRepositories, IncludeAndExcludeAsAMappingOrAListAsBefore) {
  auto c = loaded(R"(policies:
  - name: a
    from: s.io/acme
    to: d.io/m
    repositories:
      include: ['team/**', app]
      exclude: ['**/cache', 'regex:^team/old-.*$']
  - {name: b, from: s.io/acme, to: d.io/n, repositories: {exclude: [scratch]}}
  - {name: c, from: s.io/acme, to: d.io/o, repositories: [app]}
)");
  const auto &a = c.policies[0], &b = c.policies[1];
  EXPECT_TRUE(a.picks("team/web"));
  EXPECT_TRUE(a.picks("app"));
  EXPECT_FALSE(a.picks("team/web/cache"));
  EXPECT_FALSE(a.picks("team/old-api"));
  EXPECT_FALSE(a.picks("other"));
  EXPECT_TRUE(b.picks("anything/else")) << "exclude alone: everything else";
  EXPECT_FALSE(b.picks("scratch"));
  EXPECT_TRUE(c.policies[2].picks("app"));
  for (const char* bad : {"{}", "[]", "{include: []}", "{exclude: [a], also: [b]}", "app", "{include: ['regex:(']}"})
    EXPECT_TRUE(
        has(errors_of(std::string("policies:\n  - {name: a, from: s.io/x, to: d.io/a, repositories: ") + bad + "}\n"),
            "policies[0].repositories"))
        << bad;
}

TEST(PolicyRename, WhereARepositoryLandsAndEveryMistakeRefused) {
  auto c = loaded(R"(policies:
  - name: a
    from: s.io/acme
    to: d.io/mirror
    repositories: [app, 'team/**']
    rename:
      - {from: app, to: application}
      - {from: team/, to: ''}
)");
  const auto& p = c.policies[0];
  EXPECT_EQ(p.rename.apply("app"), "application");
  EXPECT_EQ(p.rename.apply("team/web"), "web");
  auto rename_error = [](const std::string& repos, const std::string& rules) {
    return first(
        errors_of("policies:\n  - name: a\n    from: s.io/x\n    to: d.io/m\n" + repos + "    rename:\n" + rules));
  };
  EXPECT_NE(rename_error("", "      - {from: app, to: ../../etc}\n").find("not a repository name"), std::string::npos);
  EXPECT_NE(rename_error("", "      - {from: app}\n").find("needs from and to"), std::string::npos);
  EXPECT_NE(rename_error("", "      - {from: app, to: b, also: c}\n").find("unknown key"), std::string::npos);
  EXPECT_NE(rename_error("    repositories: [web]\n", "      - {from: app, to: b}\n")
                .find("m.yaml:7:16: policies[0].rename[0].from: 'app' is not a repository this policy selects"),
            std::string::npos)
      << "a rename of nothing is a typo";
  EXPECT_NE(rename_error("    repositories: [a, b]\n", "      - {from: a, to: b}\n")
                .find("repositories 'a' and 'b' would both land at 'b'"),
            std::string::npos);
}

TEST(PolicyRename, OverlapChecksSeeRenamedAndExcludedNames) {
  // a lands `app` on d.io/m/shared, where b writes `shared`.
  auto errs = errors_of(
      "policies:\n  - {name: a, from: s.io/x, to: d.io/m, repositories: [app], rename: [{from: app, to: shared}]}\n"
      "  - {name: b, from: s.io/y, to: d.io/m, repositories: [shared]}\n");
  EXPECT_TRUE(has(errs, "e.g. d.io/m/shared")) << first(errs);
  // A folder renamed into another policy's destination.
  errs = errors_of(
      "policies:\n  - {name: a, from: s.io/x, to: d.io/m, rename: [{from: team/, to: apps/}]}\n"
      "  - {name: b, from: s.io/y, to: d.io/m/apps, repositories: [web]}\n");
  EXPECT_TRUE(has(errs, "e.g. d.io/m/apps/web")) << first(errs);
  // Renamed away, or excluded: nothing meets.
  for (const char* ok :
       {"policies:\n  - {name: a, from: s.io/x, to: d.io/m, repositories: [app], rename: [{from: app, to: a2}]}\n"
        "  - {name: b, from: s.io/y, to: d.io/m, repositories: [app]}\n",
        "policies:\n  - {name: a, from: s.io/x, to: d.io/m, repositories: {exclude: [app]}}\n"
        "  - {name: b, from: s.io/y, to: d.io/m, repositories: [app]}\n"}) {
    auto r = load_config_text(ok, "m.yaml", env_of({}));
    EXPECT_TRUE(r.config) << ok << (r.errors.empty() ? "" : r.errors[0].str());
  }
}

TEST(KeyTable, EverySectionAKeyNamesExistsAndDefaultsArePolicyKeysLessPerPolicyOnes) {
  for (const char* name : {"file", "registry", "ecr_repository", "policy", "repositories", "rename", "tags",
                           "artifact_types", "referrers", "schedule", "verify", "daemon", "defaults"})
    for (const auto& k : section(name).keys)
      if (!k.of.empty()) {
        EXPECT_NO_THROW(section(k.of)) << name << "." << k.name;
      }
  for (const auto& k : section("policy").keys)
    EXPECT_EQ(section("defaults").find(k.name) != nullptr, !k.per_policy) << k.name;
  EXPECT_THROW(section("nope"), std::out_of_range);
  const auto schema = json_schema();
  EXPECT_NE(schema.find("\"additionalProperties\": false"), std::string::npos);
  EXPECT_NE(schema.find("\"ecr\""), std::string::npos) << "profile choices come from the profile table";
}
