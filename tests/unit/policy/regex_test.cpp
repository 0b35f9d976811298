#include "policy/regex.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::policy;

TEST(Regex, OrdinaryPatternsCompileAndMatch) {
  for (const char* p : {"^v[0-9]+\\.[0-9]+$", "(a|b){2,8}", "x{3}", "sha256-[a-f0-9]{64}\\.sig", "[{]"}) {
    auto re = compile_regex(p);
    ASSERT_TRUE(re) << p << ": " << re.error();
  }
  auto re = compile_regex("sha256-[a-f0-9]{64}");
  ASSERT_TRUE(re);
  EXPECT_TRUE(std::regex_match(std::string("sha256-") + std::string(64, 'a'), *re));
}

TEST(Regex, HugeRepetitionCountsAreRefusedBeforeCompiling) {
  // The fuzz_config crash: libstdc++ overflows an int reading this count (regex_compiler.tcc).
  auto re = compile_regex("a{3333333333333333333}");
  ASSERT_FALSE(re);
  EXPECT_NE(re.error().find("{3333333333333333333}"), std::string::npos) << re.error();
  EXPECT_FALSE(compile_regex("a{1001}"));
  EXPECT_FALSE(compile_regex("a{2,99999}"));
  EXPECT_TRUE(compile_regex("a{1000}"));
  EXPECT_FALSE(compile_regex("a{99999999999999999999,x}"));  // malformed, but libstdc++ reads the digits first
  EXPECT_FALSE(compile_regex("a{99999999999999999999"));     // no closing brace either
  EXPECT_FALSE(compile_regex("a{,2}"));                      // std::regex's own refusal
}

TEST(Regex, NestedRepetitionsAreBoundedByTheirProduct) {
  EXPECT_FALSE(compile_regex("((a{999}){999}){999}"));
  EXPECT_FALSE(compile_regex("(ab{200}){200}"));
  EXPECT_FALSE(compile_regex("(x{999}){15}(x{999}){15}"));  // each under the bound, together over it
  EXPECT_TRUE(compile_regex("(ab{20}){20}"));
  EXPECT_TRUE(compile_regex("\\{999999\\}"));  // escaped braces are literal characters
  EXPECT_TRUE(compile_regex("[{999999}]"));    // and so are braces in a class
}

TEST(Regex, LengthAndDepthAreBounded) {
  EXPECT_FALSE(compile_regex(std::string(2000, 'a')));
  EXPECT_FALSE(compile_regex(std::string(100, '(') + "a" + std::string(100, ')')));
  EXPECT_TRUE(compile_regex(std::string(10, '(') + "a" + std::string(10, ')')));
}

TEST(Regex, StdRegexOwnErrorsAreReported) {
  auto re = compile_regex("(unclosed");
  ASSERT_FALSE(re);
  EXPECT_FALSE(re.error().empty());
}
