// `verify:` read strictly: every file read and checked at load, every mistake named with its key.
#include "config/mirror_config.hpp"
#include "tests/unit/config/env_of.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace ocimirror::config;
using ocimirror::config::test_env::env_of;
using ocimirror::config::test_env::errors_of;
using ocimirror::config::test_env::has;
namespace fs = std::filesystem;

namespace {

const std::string root = std::string(OCIMIRROR_SOURCE_DIR) + "/tests/sigstore/trusted_root_public_good.json";
const std::string policy = "policies:\n  - name: a\n    from: a.io/x\n    to: b.io/y\n    verify:\n";

std::string keyless(const std::string& identity) {
  return policy + "      keyless:\n        trusted_root: " + root + "\n        identities:\n          - " + identity + "\n";
}

}  // namespace

TEST(VerifySection, AKeylessPolicyLoadsWithItsTrustedRootAndIdentities) {
  auto r = load_config_text(keyless("{issuer: 'https://token.actions.githubusercontent.com', subject_regex: "
                                    "'https://github\\.com/acme/.*', github: {repository: acme/app}}"),
                            "m.yaml", env_of({}));
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().str();
  const auto& v = r.config->policies.front().verify;
  ASSERT_TRUE(v && v->root);
  EXPECT_EQ(v->root_file, root);
  ASSERT_EQ(v->identities.size(), 1u);
  EXPECT_EQ(v->identities[0].claims.at("repository"), "acme/app");
}

TEST(VerifySection, MistakesAreNamedWithTheirKeys) {
  EXPECT_TRUE(has(errors_of(policy + "      {}\n"), "needs keyless: {trusted_root, identities} or keys"));
  EXPECT_TRUE(has(errors_of(keyless("{issuer: '', subject: a@b.c}")), "identities[0].issuer: is empty"));
  EXPECT_TRUE(has(errors_of(keyless("{issuer: 'https://i', subject: a, subject_regex: b}")), "not both"));
  EXPECT_TRUE(has(errors_of(keyless("{issuer: 'https://i'}")), "needs subject"));
  EXPECT_TRUE(has(errors_of(keyless("{issuer: 'https://i', subject_regex: '(a{999}){999}'}")),
                  "is not a usable regular expression"));
  EXPECT_TRUE(has(errors_of(keyless("{issuer: 'https://i', subject: a, github: {branch: main}}")), "branch"));
  const std::string bad = policy + "      keyless:\n        trusted_root: " + std::string(OCIMIRROR_SOURCE_DIR) +
                          "/tests/sigstore/SOURCES.md\n        identities: [{issuer: 'https://i', subject: a}]\n";
  EXPECT_TRUE(has(errors_of(bad), "SOURCES.md is not a Sigstore trusted root"));
  EXPECT_TRUE(has(errors_of(policy + "      keys: [/nonexistent/cosign.pub]\n"), "cannot read /nonexistent/cosign.pub"));
}
