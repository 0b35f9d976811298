#include "config/env_file.hpp"

#include <gtest/gtest.h>

using ocimirror::config::parse_env_file;

TEST(EnvFile, ReadsWhatSystemdEnvironmentFileReads) {
  auto e = parse_env_file(
      "# secrets\n; also a comment\n\nA=1\n  B = two words  \nC=\"quoted \\\"x\\\" value\"\nD='single $x'\nE=\n",
      "env");
  ASSERT_TRUE(e) << e.error();
  ASSERT_EQ(e->size(), 5u);
  EXPECT_EQ((*e)[0], (std::pair<std::string, std::string>{"A", "1"}));
  EXPECT_EQ((*e)[1].second, "two words");
  EXPECT_EQ((*e)[2].second, "quoted \"x\" value");
  EXPECT_EQ((*e)[3].second, "single $x");
  EXPECT_EQ((*e)[4].second, "");
}

TEST(EnvFile, NamesTheLineAndNeverTheValue) {
  auto e = parse_env_file("A=1\nexport B=secret-value\n", "/etc/ocimirror/env");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().find("/etc/ocimirror/env:2: "), std::string::npos) << e.error();
  EXPECT_EQ(e.error().find("secret-value"), std::string::npos) << e.error();
  EXPECT_FALSE(parse_env_file("JUSTAWORD\n", "f"));
  EXPECT_FALSE(parse_env_file("1A=x\n", "f"));
  auto open_quote = parse_env_file("P=\"hunter2\n", "f");
  ASSERT_FALSE(open_quote);
  EXPECT_EQ(open_quote.error().find("hunter2"), std::string::npos);
}
