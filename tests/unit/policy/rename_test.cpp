#include "policy/rename.hpp"

#include <gtest/gtest.h>

using ocimirror::policy::rename_rules;

namespace {

rename_rules rules(std::vector<rename_rules::rule> list) {
  auto r = rename_rules::parse(std::move(list));
  EXPECT_TRUE(r) << r.error();
  return r ? *r : rename_rules{};
}

std::string refusal(std::vector<rename_rules::rule> list) {
  auto r = rename_rules::parse(std::move(list));
  EXPECT_FALSE(r);
  return r ? "" : r.error();
}

}  // namespace

TEST(Rename, OneRepositoryAFolderAndTheRestUnchanged) {
  auto r = rules({{"app", "application"}, {"team/", "apps/"}, {"team/web/", "frontends/"}, {"flat/", ""}});
  EXPECT_EQ(r.apply("app"), "application");
  EXPECT_EQ(r.apply("app/sub"), "app/sub") << "an exact rule names one repository, not a folder";
  EXPECT_EQ(r.apply("team/api"), "apps/api");
  EXPECT_EQ(r.apply("team/web/ui"), "frontends/ui") << "the longest folder wins";
  EXPECT_EQ(r.apply("flat/x/y"), "x/y");
  EXPECT_EQ(r.apply("team"), "team") << "a folder rule does not rename the folder's own name";
  EXPECT_EQ(r.apply("other"), "other");
}

TEST(Rename, SourcesOfADestinationInvertApply) {
  auto r = rules({{"app", "application"}, {"team/", "apps/"}, {"flat/", ""}});
  for (std::string d : {"application", "apps/api", "x", "app", "team/api"})
    for (const auto& s : r.sources_of(d)) EXPECT_EQ(r.apply(s), d) << s;
  EXPECT_EQ(r.sources_of("application"), (std::vector<std::string>{"app", "flat/application", "application"}));
  EXPECT_EQ(r.sources_of("apps/api"), (std::vector<std::string>{"team/api", "flat/apps/api", "apps/api"}))
      << "apps/api comes from team/api, flat/apps/api or itself";
  EXPECT_EQ(r.sources_of("app"), (std::vector<std::string>{"flat/app"})) << "app itself is renamed away";
}

TEST(Rename, BadRulesAreRefusedNamingTheRule) {
  EXPECT_NE(refusal({{"app", "../etc"}}).find("not a repository name"), std::string::npos);
  EXPECT_NE(refusal({{"App", "x"}}).find("'App'"), std::string::npos);
  EXPECT_NE(refusal({{"", "x"}}).find("empty"), std::string::npos);
  EXPECT_NE(refusal({{"team/", "x"}}).find("folder"), std::string::npos);
  EXPECT_NE(refusal({{"team", "x/"}}).find("folder"), std::string::npos);
  EXPECT_NE(refusal({{"a", "x"}, {"a", "y"}}).find("renamed twice"), std::string::npos);
  EXPECT_NE(refusal({{"a", "x"}, {"b", "x"}}).find("both become 'x'"), std::string::npos);
  EXPECT_NE(refusal({{"a", "x\ny"}}).find("\\x0a"), std::string::npos) << "control bytes are shown, not printed";
}
