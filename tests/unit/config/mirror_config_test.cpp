#include "config/mirror_config.hpp"
#include "tests/unit/config/env_of.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>

using namespace ocimirror::config;
using ocimirror::config::test_env::env_of;
using ocimirror::config::test_env::errors_of;
using ocimirror::config::test_env::has;

namespace {

// The example of the issue, key for key.
const char* full = R"(state_dir: /var/lib/ocimirror
registries:
  ghcr.io: {}
  registry.internal:5000:
    tls: disabled
    username: mirror
    password: ${MIRROR_PASSWORD}
    max_concurrency: 8
policies:
  - name: ghcr-to-internal
    from: ghcr.io/acme
    to: registry.internal:5000/mirror
    repositories: ["app-*", "charts/**"]
    tags:
      include: ['^v\d+\.\d+\.\d+$']
      exclude: ['-rc']
      semver: '>=1.2.0 <3'
      latest: 10
    platforms: [linux/amd64, linux/arm64]
    artifact_types: {exclude: [application/vnd.cncf.helm.config.v1+json]}
    overwrite: changed
    prune: false
    schedule: {every: 15m}
  - name: nightly
    from: registry.internal:5000/mirror
    to: backup.internal/ocimirror
    schedule: {cron: "0 2 * * *"}
)";

}  // namespace

TEST(MirrorConfig, LoadsEveryKeyOfTheExample) {
  auto r = load_config_text(full, "m.yaml", env_of({{"MIRROR_PASSWORD", "s3cret"}}));
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].str());
  const auto& c = *r.config;
  EXPECT_EQ(c.state_dir, "/var/lib/ocimirror");
  EXPECT_EQ(c.registries.get("registry.internal:5000").tls, tls_mode::disabled);
  EXPECT_EQ(c.registries.get("registry.internal:5000").max_concurrency, 8u);
  EXPECT_EQ(c.registries.get("ghcr.io").tls, tls_mode::enabled);
  EXPECT_EQ(c.credentials.at("registry.internal:5000").password, "s3cret");
  EXPECT_FALSE(c.credentials.count("ghcr.io"));
  ASSERT_EQ(c.policies.size(), 2u);
  const auto& p = c.policies[0];
  EXPECT_EQ(p.from.registry, "ghcr.io");
  EXPECT_EQ(p.from.path, "acme");
  EXPECT_EQ(p.to.str(), "registry.internal:5000/mirror");
  EXPECT_EQ(p.repositories.size(), 2u);
  EXPECT_EQ(p.tags.include.size(), 1u);
  EXPECT_TRUE(p.tags.range);
  EXPECT_EQ(p.tags.latest.value(), 10u);
  EXPECT_EQ(p.platforms.size(), 2u);
  EXPECT_EQ(p.types_exclude.size(), 1u);
  EXPECT_EQ(p.overwrite, overwrite_mode::changed);
  EXPECT_FALSE(p.prune);
  EXPECT_EQ(p.every->count(), 900);
  EXPECT_EQ(p.line, 10);
  EXPECT_TRUE(c.policies[1].cron);
  EXPECT_EQ(c.find("nightly"), &c.policies[1]);
}

TEST(MirrorConfig, AMistypedKeySaysWhichOneWasMeant) {
  auto errs = errors_of(R"(state_dir: /tmp/x
registries:
  r.example: {tsl: disabled}
policies:
  - name: one
    from: r.example/a
    to: r.example/b
    shedule: {every: 1h}
    tags: {inclde: [x], zebra: 1}
)");
  EXPECT_TRUE(has(errs, "m.yaml:3:15: registries.r.example.tsl: unknown key; did you mean 'tls'? (known: "));
  EXPECT_TRUE(has(errs, "m.yaml:8:5: policies[0].shedule: unknown key; did you mean 'schedule'? (known: "));
  EXPECT_TRUE(has(errs, "m.yaml:9:12: policies[0].tags.inclde: unknown key; did you mean 'include'?"));
  EXPECT_TRUE(has(errs, "m.yaml:9:25: policies[0].tags.zebra: unknown key (known: include, exclude, semver, latest)"))
      << "nothing near: no guess";
}

TEST(MirrorConfig, EveryProblemAtOnceWithLineAndColumn) {
  auto errs = errors_of(R"(state_dir: /tmp/x
registries:
  bad host!: {}
  r.example:
    tls: maybe
    max_concurrency: 0
    username: u
    colour: blue
policies:
  - name: one
    from: r.example/acme
    to: r.example/acme/inner
    repositories: ["regex:(", "/abs"]
    tags:
      include: ['(', 'x{3333333333333333333}']
      semver: '>=banana'
      latest: -1
      newest: 3
    platforms: [linux]
    overwrite: always
    prune: perhaps
    schedule: {every: 0s}
  - name: one
    from: not a registry
    schedule: {cron: "61 * * * *", every: 1h}
)");
  auto expect = [&](const std::string& needle) { EXPECT_TRUE(has(errs, needle)) << "missing: " << needle; };
  expect("m.yaml:3:3: registries.bad host!: 'bad host!' is not a registry HOST[:PORT]");
  expect("m.yaml:5:10: registries.r.example.tls: must be enabled, insecure or disabled, not 'maybe'");
  expect("m.yaml:6:22: registries.r.example.max_concurrency: must be a whole number from 1 to 256");
  expect("m.yaml:4:3: registries.r.example: username and password (or password_file) go together");
  expect("m.yaml:8:5: registries.r.example.colour: unknown key");
  expect("m.yaml:12:9: policies[0].to: lies inside `from`");
  expect("m.yaml:13:20: policies[0].repositories[0]: invalid regex '('");
  expect("m.yaml:13:31: policies[0].repositories[1]: repository pattern '/abs' must be a relative path");
  expect("m.yaml:15:17: policies[0].tags.include[0]: invalid regular expression '('");
  expect("m.yaml:15:22: policies[0].tags.include[1]: invalid regular expression 'x{3333333333333333333}': repeats");
  expect("m.yaml:16:15: policies[0].tags.semver: 'banana' in semver range '>=banana' is not a version");
  expect("m.yaml:17:15: policies[0].tags.latest: must be a whole number from 1 to 100000");
  expect("m.yaml:18:7: policies[0].tags.newest: unknown key (known: include, exclude, semver, latest)");
  expect("m.yaml:19:17: policies[0].platforms[0]:");
  expect("m.yaml:20:16: policies[0].overwrite: must be changed or never, not 'always'");
  expect("m.yaml:21:12: policies[0].prune: must be true or false");
  expect("m.yaml:22:23: policies[0].schedule.every: duration '0s' must be at least 1s");
  expect("m.yaml:23:11: policies[1].name: duplicate policy name 'one'");
  expect("m.yaml:23:5: policies[1]: missing required key 'to'");
  expect("m.yaml:24:11: policies[1].from: 'not a registry' is not REGISTRY[/PATH]");
  expect("m.yaml:25:15: policies[1].schedule: give either every or cron, not both");
  expect("m.yaml:25:22: policies[1].schedule.cron: cron '61 * * * *'");
  EXPECT_EQ(errs.size(), 22u) << [&] {
    std::string all;
    for (auto& e : errs) all += e + "\n";
    return all;
  }();
}

TEST(MirrorConfig, MissingEnvironmentNeverLeaksTheOthers) {
  auto errs = errors_of(
      "registries:\n  r.example: {username: u, password: '${NOPE}'}\npolicies:\n"
      "  - {name: a, from: r.example/x, to: s.example/y}\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "m.yaml:2:38: registries.r.example.password: environment variable NOPE is not set");
}

TEST(MirrorConfig, SyntaxAndShapeErrors) {
  EXPECT_TRUE(has(errors_of("policies: [\n"), "m.yaml:2:1: YAML syntax"));
  EXPECT_TRUE(has(errors_of("- a\n- b\n"), "must be a YAML mapping"));
  EXPECT_TRUE(has(errors_of("registries: {}\n"), "policies: missing"));
  EXPECT_TRUE(has(errors_of("policies: []\n"), "policies: must be a non-empty list"));
  EXPECT_TRUE(
      has(errors_of("policies:\n  - {name: ../x, from: a.io/x, to: b.io/y}\n"), "policies[0].name: must be letters"));
  EXPECT_TRUE(has(errors_of("policies:\n  - {name: a, from: a.io/x, to: b.io/y, repositories: []}\n"),
                  "must be a non-empty list"));
  EXPECT_TRUE(
      has(errors_of("policies:\n  - {name: a, from: a.io, to: a.io/y}\n"), "every run would mirror the mirror"));
  EXPECT_TRUE(has(errors_of("policies:\n  - {name: a, from: a.io/x, to: b.io/y, schedule: {cron: '0 0 30 2 *'}}\n"),
                  "policies[0].schedule.cron: cron '0 0 30 2 *' never matches"));
  EXPECT_TRUE(
      has(errors_of("policies:\n  - {name: a, from: a.io/x, to: b.io/y, schedule: {}}\n"), "needs every or cron"));
}

TEST(MirrorConfig, DefaultsAndDiagnosticFormat) {
  auto r = load_config_text("policies:\n  - {name: a, from: a.io/x, to: b.io}\n", "m.yaml", env_of({}));
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->state_dir, "/var/lib/ocimirror");
  EXPECT_EQ(r.config->policies[0].overwrite, overwrite_mode::changed);
  EXPECT_TRUE(r.config->policies[0].repositories.empty());
  EXPECT_EQ((diagnostic{"f.yaml", 0, 0, "", "cannot read the file"}).str(), "f.yaml: cannot read the file");
  auto missing = load_config_file("/nonexistent/ocimirror.yaml");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].str(), "/nonexistent/ocimirror.yaml: cannot read the file (No such file or directory)");
  // A FIFO would hold the load (and a daemon's reload, on its one loop) in open(): refused at once, named.
  const std::string fifo = ::testing::TempDir() + "/ocimirror-config-fifo-" + std::to_string(::getpid());
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto piped = load_config_file(fifo);
  ::unlink(fifo.c_str());
  ASSERT_EQ(piped.errors.size(), 1u);
  EXPECT_NE(piped.errors[0].str().find("cannot read the file (is not a regular file"), std::string::npos)
      << piped.errors[0].str();
}

TEST(MirrorConfig, EveryShippedExampleIsValid) {
  int seen = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(OCIMIRROR_SOURCE_DIR) + "/examples")) {
    if (e.path().extension() != ".yaml") continue;
    ++seen;
    auto r = load_config_file(e.path().string(), [](const std::string&) { return std::optional<std::string>("x"); });
    EXPECT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].str());
  }
  EXPECT_GE(seen, 4);
}

TEST(MirrorConfig, LayoutEndpointsKeepAndTheirRules) {
  auto r = load_config_text(
      "policies:\n  - {name: out, from: a.io/x, to: 'oci-archive:bundles/b.tar'}\n"
      "  - {name: back, from: a.io/x, to: 'oci:/srv/backups', keep: 3}\n"
      "  - {name: in, from: 'oci-archive:/media/b.tar', to: b.io/y}\n",
      "/etc/ocimirror/m.yaml", env_of({}));
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].str());
  const auto& p = r.config->policies;
  EXPECT_EQ(p[0].to.type, endpoint::kind::oci_archive);
  EXPECT_EQ(p[0].to.file, "/etc/ocimirror/bundles/b.tar") << "relative to the config's folder";
  EXPECT_EQ(p[0].to.str(), "oci-archive:/etc/ocimirror/bundles/b.tar");
  EXPECT_EQ(p[1].keep, 3u);
  EXPECT_EQ(p[1].to.type, endpoint::kind::oci_dir);
  EXPECT_EQ(p[2].from.file, "/media/b.tar");
  auto errors_of = [](const std::string& text) {
    std::string all;
    for (const auto& d : load_config_text(text, "m.yaml", env_of({})).errors) all += d.str() + "\n";
    return all;
  };
  EXPECT_NE(errors_of("policies:\n  - {name: a, from: a.io/x, to: b.io/y, keep: 2}\n").find("`to:` must be oci:DIR"),
            std::string::npos);
  EXPECT_NE(
      errors_of("policies:\n  - {name: a, from: a.io/x, to: 'oci:d', keep: 0}\n").find("keep: must be a whole number"),
      std::string::npos);
  EXPECT_NE(errors_of("policies:\n  - {name: a, from: a.io/x, to: 'oci-archive:b.tar', prune: true}\n")
                .find("nothing to prune"),
            std::string::npos);
  EXPECT_NE(errors_of("policies:\n  - {name: a, from: 'oci:d:app:v1', to: b.io/y}\n").find("names a whole layout"),
            std::string::npos);
  EXPECT_NE(errors_of("policies:\n  - {name: a, from: 'oci:', to: b.io/y}\n").find("no path"), std::string::npos);
}

TEST(MirrorConfig, TwoPoliciesThatCanWriteOneRepositoryAreRefusedNamingBoth) {
  // The same `to` with no patterns: every repository can collide.
  auto errs =
      errors_of("policies:\n  - {name: a, from: s.io/x, to: d.io/m}\n  - {name: b, from: s.io/y, to: d.io/m}\n");
  EXPECT_TRUE(has(errs, "m.yaml:3:")) << (errs.empty() ? "" : errs[0]);
  EXPECT_TRUE(has(errs, "policy b can write the same repositories as policy a (line 2), e.g. d.io/m/w")) << errs[0];
  // Nested: b writes under a's `to`, where a's '**' reaches.
  errs = errors_of(
      "policies:\n  - {name: a, from: s.io/x, to: d.io/m, repositories: ['**']}\n"
      "  - {name: b, from: s.io/y, to: d.io/m/sub, repositories: [app]}\n");
  EXPECT_TRUE(has(errs, "e.g. d.io/m/sub/app")) << (errs.empty() ? "" : errs[0]);
  // A literal of one matched by a glob of the other.
  errs = errors_of(
      "policies:\n  - {name: a, from: s.io/x, to: d.io/m, repositories: ['app-*']}\n"
      "  - {name: b, from: s.io/y, to: d.io/m, repositories: [app-web]}\n");
  EXPECT_TRUE(has(errs, "e.g. d.io/m/app-web")) << (errs.empty() ? "" : errs[0]);
  // Destinations that cannot meet are fine: other patterns, other prefixes, other registries, a layout each.
  for (const char* ok :
       {"policies:\n  - {name: a, from: s.io/x, to: d.io/m, repositories: ['app-*']}\n"
        "  - {name: b, from: s.io/x, to: d.io/m, repositories: ['regex:^flux/(a|b)$']}\n"
        "  - {name: c, from: s.io/x/charts, to: d.io/m/charts, repositories: ['**']}\n",
        "policies:\n  - {name: a, from: s.io/x, to: d.io/m1}\n  - {name: b, from: s.io/x, to: d.io/m2}\n",
        "policies:\n  - {name: a, from: s.io/x, to: d.io/m}\n  - {name: b, from: s.io/x, to: e.io/m}\n",
        "policies:\n  - {name: a, from: s.io/x, to: 'oci:/a'}\n  - {name: b, from: s.io/x, to: 'oci:/b'}\n"}) {
    auto r = load_config_text(ok, "m.yaml", env_of({}));
    EXPECT_TRUE(r.config) << ok << (r.errors.empty() ? "" : r.errors[0].str());
  }
}

TEST(MirrorConfig, DuplicateKeysEmptySecretsAndEndlessDurationsAreRefused) {
  auto errs = errors_of(
      "registries:\n  r.io: {username: u, password: p}\n  r.io: {}\npolicies:\n"
      "  - {name: a, from: s.io/x, to: d.io/m, prune: true, prune: false}\n");
  EXPECT_TRUE(has(errs, "m.yaml:3:3: registries.r.io: duplicate key 'r.io'")) << (errs.empty() ? "" : errs[0]);
  EXPECT_TRUE(has(errs, "policies[0].prune: duplicate key 'prune'")) << (errs.empty() ? "" : errs[0]);
  errs = errors_of(
      "registries:\n  r.io: {username: u, password: '${PW}'}\npolicies:\n  - {name: a, from: s.io/x, to: d.io/m}\n",
      env_of({{"PW", ""}}));
  EXPECT_TRUE(has(errs, "environment variable PW is set but empty")) << (errs.empty() ? "" : errs[0]);
  errs = errors_of("policies:\n  - {name: a, from: s.io/x, to: d.io/m, schedule: {every: 106752d}}\n");
  EXPECT_TRUE(has(errs, "is over the 3650d a duration may be")) << (errs.empty() ? "" : errs[0]);
}

TEST(MirrorConfig, RegistryProfileIsNamedOrRefusedWithTheNames) {
  auto r = load_config_text(R"(registries:
  127.0.0.1:5000: {tls: disabled, profile: ecr}
policies:
  - {name: p, from: 127.0.0.1:5000/a, to: 127.0.0.1:5000/b}
)",
                            "m.yaml", env_of({}));
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->registries.profile_for("127.0.0.1:5000").name, "ecr");
  auto errs = errors_of(R"(registries:
  r.example: {profile: aws}
policies:
  - {name: p, from: r.example/a, to: r.example/b}
)");
  EXPECT_TRUE(has(errs,
                  "m.yaml:2:24: registries.r.example.profile: unknown registry profile 'aws'; one of: generic, "
                  "distribution, ecr, acr, ghcr, dockerhub, gar, quay, harbor, artifactory, gitlab"))
      << (errs.empty() ? "" : errs[0]);
}
