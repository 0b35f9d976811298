// Chart.yaml read, validated and written as helm does, each expectation from helm's source:
// pkg/chart/v2/metadata.go (Metadata, its json tags and Validate), pkg/chart/v2/dependency.go,
// pkg/chart/v2/loader/load.go (LoadFiles: apiVersion v1 by default, requirements.yaml over Chart.yaml),
// pkg/registry/chart.go (generateOCIAnnotations), sigs.k8s.io/yaml (numbers to strings for string fields).
#include "transfer/artifact/helm_chart.hpp"
#include "transfer/artifact/helm_text.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;

namespace {
helm::metadata load(const std::string& yaml, const std::string& req = {}) {
  auto m = helm::parse(yaml, req);
  EXPECT_TRUE(m) << (m ? "" : m.error());
  if (!m) return {};
  EXPECT_EQ(helm::validate(*m), "");
  return *m;
}
std::string problem(const std::string& yaml) {
  auto m = helm::parse(yaml);
  if (!m) return m.error();
  return helm::validate(*m);
}
}  // namespace

TEST(HelmChart, ConfigIsJsonMarshalOfTypedMetadata) {
  const auto m = load(R"(apiVersion: v2
name: web
version: 1.2.3
appVersion: 1.10
description: A <web> & app
deprecated: true
home: https://example.com
sources: [https://git.example/web, https://mirror.example/web]
keywords: [web, 8080]
maintainers:
  - {name: Jane, email: jane@example.com}
  - name: Bob
    url: https://bob.example
annotations: {category: Web, replicas: 3}
kubeVersion: ">=1.25.0-0"
dependencies:
  - name: redis
    version: 17.x
    repository: oci://registry-1.docker.io/bitnamicharts
    enabled: yes
    tags: [cache]
    import-values: [data, {child: a.b, parent: c}]
    alias: cache
type: application
unknownField: ignored
)");
  EXPECT_EQ(
      helm::config_json(m),
      R"({"name":"web","home":"https://example.com","sources":["https://git.example/web","https://mirror.example/web"],)"
      R"("version":"1.2.3","description":"A \u003cweb\u003e \u0026 app","keywords":["web","8080"],)"
      R"("maintainers":[{"name":"Jane","email":"jane@example.com"},{"name":"Bob","url":"https://bob.example"}],)"
      R"("apiVersion":"v2","appVersion":"1.1","deprecated":true,"annotations":{"category":"Web","replicas":"3"},)"
      R"("kubeVersion":"\u003e=1.25.0-0","dependencies":[{"name":"redis","version":"17.x",)"
      R"("repository":"oci://registry-1.docker.io/bitnamicharts","tags":["cache"],"enabled":true,)"
      R"("import-values":["data",{"child":"a.b","parent":"c"}],"alias":"cache"}],"type":"application"})");
}

TEST(HelmChart, OmitsEmptyFieldsAndDefaultsApiVersion) {
  const auto m = load("name: old\nversion: 0.1.0\ndeprecated: false\nsources: []\n");
  EXPECT_EQ(helm::config_json(m), R"({"name":"old","version":"0.1.0","apiVersion":"v1"})");  // helm 2 chart: v1
  // A dependency always writes name and repository (no omitempty on those tags).
  const auto d = load("apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies: [{name: b}]\n");
  EXPECT_EQ(helm::config_json(d),
            R"({"name":"a","version":"1.0.0","apiVersion":"v2","dependencies":[{"name":"b","repository":""}]})");
}

TEST(HelmChart, KeysMatchFieldsInAnyCaseAndQuotedScalarsStayStrings) {
  const auto m = load("APIVERSION: v2\nName: x\nversion: \"1.10.0\"\nappVersion: '1.10'\n");
  EXPECT_EQ(helm::config_json(m), R"({"name":"x","version":"1.10.0","apiVersion":"v2","appVersion":"1.10"})");
}

TEST(HelmChart, RequirementsYamlOverridesDependencies) {
  const auto m =
      load("name: a\nversion: 1.0.0\n", "dependencies:\n  - name: b\n    repository: https://charts.example\n");
  ASSERT_EQ(m.dependencies.size(), 1u);
  EXPECT_EQ(m.dependencies[0].repository, "https://charts.example");
}

TEST(HelmChart, RefusesWhatHelmRefuses) {
  EXPECT_NE(problem("apiVersion: v2\nname: a\nversion: 1.0.0\ndeprecated: \"true\"\n").find("bool"), std::string::npos);
  EXPECT_NE(problem("apiVersion: v2\nname: a\nversion: 1.0.0\nsources: https://x\n").find("[]string"),
            std::string::npos);
  EXPECT_NE(problem("apiVersion: v2\nname: [a]\nversion: 1.0.0\n").find("string"), std::string::npos);
  EXPECT_EQ(problem("apiVersion: v2\nversion: 1.0.0\n"), "validation: chart.metadata.name is required");
  EXPECT_EQ(problem("apiVersion: v2\nname: a\n"), "validation: chart.metadata.version is required");
  EXPECT_EQ(problem("apiVersion: v2\nname: ..\nversion: 1.0.0\n"),
            "validation: chart.metadata.name \"..\" is not allowed");
  EXPECT_EQ(problem("apiVersion: v2\nname: a/b\nversion: 1.0.0\n"),
            "validation: chart.metadata.name \"a/b\" is invalid");
  EXPECT_EQ(problem("apiVersion: v2\nname: a\nversion: one\n"),
            "validation: chart.metadata.version \"one\" is invalid");
  EXPECT_EQ(problem("apiVersion: v2\nname: a\nversion: 1.0.0\ntype: plugin\n"),
            "validation: chart.metadata.type must be application or library");
  EXPECT_EQ(problem("apiVersion: v2\nname: a\nversion: 1.0.0\nmaintainers: [~]\n"),
            "validation: maintainers must not contain empty or null nodes");
  EXPECT_EQ(
      problem("apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies: [{name: b, alias: x}, {name: c, alias: x}]\n"),
      "validation: more than one dependency with name or alias \"x\"");
  EXPECT_EQ(problem("apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies: [{name: b, alias: 'no spaces'}]\n"),
            "validation: dependency \"b\" has disallowed characters in the alias");
  EXPECT_NE(problem("name: [unclosed\n").find("Chart.yaml:"), std::string::npos);
}

TEST(HelmChart, VersionsAsMastermindsSemverAcceptsThem) {
  for (auto v : {"1.2.3", "v1.2.3", "1", "1.2", "1.2.3-rc.1", "1.2.3+build.5", "1.2.3-0.alpha", "01.2.3"})
    EXPECT_TRUE(helm::valid_semver(v)) << v;
  for (auto v : {"", "1.2.3.4", "1.2.3-", "1.2.3-01", "latest", "1.2.3+", "99999999999999999999999.0.0"})
    EXPECT_FALSE(helm::valid_semver(v)) << v;
}

TEST(HelmChart, SanitizesAsValidateDoes) {
  EXPECT_EQ(helm::sanitize("a\tb\nc\xc2\xa0"
                           "d"),
            "a b c d");                                               // white space to ' '
  EXPECT_EQ(helm::sanitize("x\x01y\xe2\x80\x8bz\xc2\xad!"), "xyz!");  // controls and format chars dropped
  EXPECT_EQ(helm::sanitize("\xff"), "\xef\xbf\xbd");                  // an invalid byte: U+FFFD
  EXPECT_EQ(helm::sanitize("caf\xc3\xa9 \xe2\x9c\x93"), "caf\xc3\xa9 \xe2\x9c\x93");
  auto m = load("apiVersion: v2\nname: a\nversion: 1.0.0\ndescription: \"one\\ttwo\\u200b\"\n");
  EXPECT_EQ(m.description, "one two");
}

TEST(HelmChart, AnnotationsAsHelmPushSetsThem) {
  auto m = load(R"(apiVersion: v2
name: web
version: 1.2.3
description: "  "
home: https://example.com
sources: [https://git.example/web, https://other]
maintainers: [{name: Jane, email: j@example.com}, {name: Bob}, {email: anon@example.com}]
annotations:
  org.opencontainers.image.title: not-this
  org.opencontainers.image.version: nor-this
  org.opencontainers.image.url: https://chart-wins.example
  artifacthub.io/changes: "- fixed"
  empty: ""
)");
  const auto a = helm::annotations(m, "2026-11-28T09:30:00Z");
  const std::map<std::string, std::string> want{
      {"org.opencontainers.image.title", "web"},  // helm keeps title and version for itself
      {"org.opencontainers.image.version", "1.2.3"},
      {"org.opencontainers.image.url", "https://chart-wins.example"},  // any other chart annotation wins
      {"org.opencontainers.image.created", "2026-11-28T09:30:00Z"},
      {"org.opencontainers.image.source", "https://git.example/web"},
      {"org.opencontainers.image.authors", "Jane (j@example.com), Bob,  (anon@example.com)"},
      {"artifacthub.io/changes", "- fixed"},
      {"empty", ""}};  // description is blank: left out (addToMap); chart annotations are copied as they are
  EXPECT_EQ(a, want);
}
