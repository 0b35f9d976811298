#include "transfer/identity/github_app.hpp"

#include "tests/unit/transfer/identity/fake_world.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace ocimirror::transfer;
using namespace ocimirror::transfer::identity;

namespace {
struct world : ocimirror::testing::fake_world {
  github_app_source find() const { return find_github_app(lookup(), reader()); }
};

constexpr const char* pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n";

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST(GithubApp, NotConfiguredWithoutAnAppId) {
  world w;
  EXPECT_FALSE(w.find().found());
  EXPECT_TRUE(w.find().problem.empty());
  w.env = {{"GITHUB_APP_ID", ""}, {"GITHUB_APP_PRIVATE_KEY", pem}, {"GITHUB_TOKEN", "ghp_x"}};
  EXPECT_FALSE(w.find().found()) << "an empty GITHUB_APP_ID is unset";
  w.env = {{"GITHUB_APP_PRIVATE_KEY_FILE", "/k.pem"}, {"GITHUB_APP_INSTALLATION_ID", "7"}};
  w.files["/k.pem"] = pem;
  EXPECT_FALSE(w.find().found()) << "a key alone is no app";
}

TEST(GithubApp, IdAndKeyFile) {
  world w;
  w.env = {{"GITHUB_APP_ID", "123456"}, {"GITHUB_APP_PRIVATE_KEY_FILE", "/etc/ocimirror/app.pem"}};
  w.files["/etc/ocimirror/app.pem"] = pem;
  auto s = w.find();
  ASSERT_TRUE(s.found());
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(s.app_id, "123456");
  EXPECT_EQ(s.key_pem, pem);
  EXPECT_TRUE(s.installation_id.empty()) << "the app's only installation is looked up";
  EXPECT_TRUE(contains(s.where, "123456")) << s.where;
  EXPECT_FALSE(contains(s.where, "MIIE")) << "no key in messages";

  w.env["GITHUB_APP_INSTALLATION_ID"] = "98765432";
  s = w.find();
  EXPECT_EQ(s.installation_id, "98765432");
  EXPECT_TRUE(s.problem.empty()) << s.problem;

  // The key file wins over the inline key.
  w.env["GITHUB_APP_PRIVATE_KEY"] = "inline";
  EXPECT_EQ(w.find().key_pem, pem);
}

TEST(GithubApp, InlineKey) {
  world w;
  w.env = {{"GITHUB_APP_ID", "1"}, {"GITHUB_APP_PRIVATE_KEY", pem}};
  auto s = w.find();
  EXPECT_TRUE(s.found());
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(s.key_pem, pem);
}

TEST(GithubApp, IdWithoutAKeyIsAProblem) {
  world w;
  w.env = {{"GITHUB_APP_ID", "123"}};
  auto s = w.find();
  EXPECT_TRUE(s.found()) << "configured, so the problem is said rather than falling back to GITHUB_TOKEN";
  EXPECT_TRUE(contains(s.problem, "GITHUB_APP_PRIVATE_KEY")) << s.problem;
  w.env["GITHUB_APP_PRIVATE_KEY"] = "";
  EXPECT_FALSE(w.find().problem.empty()) << "an empty key is no key";

  w.env = {{"GITHUB_APP_ID", "123"}, {"GITHUB_APP_PRIVATE_KEY_FILE", "/missing.pem"}};
  s = w.find();
  EXPECT_TRUE(contains(s.problem, "GITHUB_APP_PRIVATE_KEY_FILE")) << s.problem;
  EXPECT_TRUE(contains(s.problem, "/missing.pem")) << s.problem;
  EXPECT_TRUE(s.key_pem.empty());
}

TEST(GithubApp, IdsMustBeNumbersOrClientIds) {
  world w;
  w.env = {{"GITHUB_APP_ID", "Iv23liABCdef1234.x"}, {"GITHUB_APP_PRIVATE_KEY", pem}};
  EXPECT_TRUE(w.find().problem.empty()) << "a client id, which GitHub takes as the issuer too";
  for (const char* id : {"my-app", "-1", "+1", " 12", "12 ", "a/b", "12\r\nX-Evil: 1", "١٢٣",
                         "Iv23liABCdef1234Iv23liABCdef1234Iv23liABCdef1234"}) {
    w.env = {{"GITHUB_APP_ID", id}, {"GITHUB_APP_PRIVATE_KEY", pem}};
    auto s = w.find();
    EXPECT_TRUE(s.found()) << id;
    EXPECT_TRUE(contains(s.problem, "GITHUB_APP_ID")) << id << ": " << s.problem;
    EXPECT_EQ(s.where.find_first_of("\r\n"), std::string::npos) << s.where;
  }
  for (const char* installation : {"abc", "12a", "-7", "1e3", " 7", "123456789012345678901", "7\n"}) {
    w.env = {{"GITHUB_APP_ID", "1"}, {"GITHUB_APP_PRIVATE_KEY", pem}, {"GITHUB_APP_INSTALLATION_ID", installation}};
    auto s = w.find();
    EXPECT_TRUE(contains(s.problem, "GITHUB_APP_INSTALLATION_ID")) << installation << ": " << s.problem;
  }
  w.env = {{"GITHUB_APP_ID", "1"}, {"GITHUB_APP_PRIVATE_KEY", pem}, {"GITHUB_APP_INSTALLATION_ID", ""}};
  EXPECT_TRUE(w.find().problem.empty()) << "an empty installation id is unset";
}
