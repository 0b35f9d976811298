#include "transfer/oci/outside.hpp"

#include "transfer/oci/errors.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdint>
#include <limits>
#include <string>

namespace t = ocimirror::transfer;
using namespace std::string_literals;

TEST(Outside, HeaderValuesRefuseEveryControlButTab) {
  EXPECT_TRUE(t::header_value_ok("Bearer eyJ.abc\tdef ~!"));
  EXPECT_TRUE(t::header_value_ok(""));
  EXPECT_TRUE(t::header_value_ok("caf\xc3\xa9"));  // obs-text passes (RFC 9110 §5.5); only controls end a line
  for (const auto& bad : {"T\r\nX-Injected: yes"s, "a\nb"s, "a\rb"s, "a\0b"s, "\x1b[31m"s, "del\x7f"s}) {
    EXPECT_FALSE(t::header_value_ok(bad)) << bad;
    try {
      t::check_header_value(bad, "the token service of r.example");
      ADD_FAILURE() << "accepted";
    } catch (const t::error& e) {
      EXPECT_EQ(e.code(), t::errc::protocol);
      const std::string what = e.what();
      EXPECT_NE(what.find("the token service of r.example holds a control character"), std::string::npos) << what;
      EXPECT_EQ(what.find(bad), std::string::npos) << "the value (maybe a secret) is never shown";
    }
  }
  EXPECT_EQ(t::header_value_flaw("ab\ncd"), 2u);
}

TEST(Outside, BearerTokensFollowRFC6750) {
  EXPECT_TRUE(t::is_b64token("abc"));
  EXPECT_TRUE(t::is_b64token("A-Z.a_z~0+9/=="));
  EXPECT_FALSE(t::is_b64token(""));
  EXPECT_FALSE(t::is_b64token("=="));
  EXPECT_FALSE(t::is_b64token("a=b"));
  EXPECT_FALSE(t::is_b64token("a b"));
  EXPECT_FALSE(t::is_b64token("a\r\nb"));
  EXPECT_FALSE(t::is_b64token("a,b"));
}

TEST(Outside, NumbersAreClampedNeverCastOutOfRange) {
  using lim = std::numeric_limits<std::int64_t>;
  EXPECT_EQ(t::clamp_number<std::int64_t>(1e300, 0, 100), 100);
  EXPECT_EQ(t::clamp_number<std::int64_t>(-1e300, 0, 100), 0);
  EXPECT_EQ(t::clamp_number<std::int64_t>(std::numeric_limits<double>::quiet_NaN(), 5, 100), 5);
  EXPECT_EQ(t::clamp_number<std::int64_t>(42.9, 0, 100), 42);
  EXPECT_EQ(t::clamp_number<std::int64_t>(1e300, lim::min(), lim::max()), lim::max());
  EXPECT_EQ(t::clamp_number<std::uint64_t>(-1, 0, 10), 0u);
  EXPECT_EQ(t::clamped_number<std::int64_t>(boost::json::parse("1e300"), 0, 7), 7);
  EXPECT_EQ(t::clamped_number<std::int64_t>(boost::json::parse("18446744073709551615"), 0, 7), 7);
  EXPECT_EQ(t::clamped_number<std::int64_t>(boost::json::parse("-9223372036854775808"), -3, 7), -3);
  EXPECT_FALSE(t::clamped_number<std::int64_t>(boost::json::parse("\"12\""), 0, 7));
}

TEST(Outside, TextForATerminalKeepsUTF8AndEscapesEveryControl) {
  EXPECT_EQ(t::terminal_safe("Grüße, 世界"), "Grüße, 世界");
  EXPECT_EQ(t::terminal_safe("v1\nDigest:        sha256:forged"), "v1\\nDigest:        sha256:forged");
  EXPECT_EQ(t::terminal_safe("\x1b[2J\r\t"), "\\u{1B}[2J\\u{D}\\t");
  EXPECT_EQ(t::terminal_safe("\xc2\x9b" "31m"), "\\u{9B}31m") << "C1 controls (CSI) too";
  EXPECT_EQ(t::terminal_safe("bad\xff"), "bad\\xFF");
  EXPECT_EQ(t::terminal_safe(std::string(10, 'a'), 4), "aaaa…");
}
