// One registry's authentication state, stepped through the challenges registries send (../shared/REGISTRIES.md).
#include "transfer/registry/auth_state.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

using namespace ocimirror::transfer;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {
std::vector<challenge> challenges(std::string_view header) { return parse_www_authenticate(header); }
const scope_set pull_a{"repository:a:pull"};
}  // namespace

TEST(AuthState, ABearerChallengeNamesTheTokenServiceAndTheTokenIsCachedPerScopeSet) {
  auth_state st;
  EXPECT_EQ(st.how(), auth_state::scheme::unknown);
  // Docker Hub / distribution's token auth.
  auto l = st.learn(challenges(R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",)"
                               R"(scope="repository:a:pull")"),
                    pull_a, false);
  EXPECT_EQ(l.what, auth_state::lesson::next::fetch_token);
  EXPECT_EQ(l.scopes, pull_a);
  EXPECT_EQ(st.how(), auth_state::scheme::bearer);
  EXPECT_EQ(st.realm(), "https://auth.docker.io/token");
  EXPECT_EQ(st.service(), "registry.docker.io");
  const auto now = clock_type::now();
  EXPECT_FALSE(st.token(pull_a, now));
  st.store(pull_a, {"tok", now + 54s});
  EXPECT_EQ(st.token(pull_a, now), "tok");
  EXPECT_FALSE(st.token(pull_a, now + 54s)) << "renewed, not used until it expires";
  EXPECT_FALSE(st.token({"repository:b:pull"}, now)) << "another scope set, another token";
}

TEST(AuthState, ExtraScopesAChallengeAsksForAreAskedForFromThenOn) {
  auth_state st;
  const scope_set push{"repository:a:pull,push"};
  // A cross-repository mount: the registry wants the source repository's pull scope too.
  auto l = st.learn(challenges(R"(Bearer realm="https://r/token",scope="repository:src:pull repository:a:pull,push")"),
                    push, true);
  EXPECT_EQ(l.scopes, (scope_set{"repository:a:pull,push", "repository:src:pull"}));
  EXPECT_EQ(st.scopes_to_ask(push), l.scopes);
  EXPECT_EQ(st.scopes_to_ask(pull_a), pull_a) << "remembered for that scope set only";
}

TEST(AuthState, BasicIsWorthATryOnlyWithCredentials) {
  auth_state st;
  EXPECT_EQ(st.learn(challenges(R"(Basic realm="Registry")"), pull_a, true).what, auth_state::lesson::next::send_basic);
  EXPECT_EQ(st.how(), auth_state::scheme::basic);
  EXPECT_EQ(st.learn(challenges(R"(Basic realm="Registry")"), pull_a, false).what, auth_state::lesson::next::give_up);
  EXPECT_EQ(auth_state{}.learn(challenges(""), pull_a, true).what, auth_state::lesson::next::give_up);
  EXPECT_EQ(auth_state{}.learn(challenges(R"(Bearer service="x")"), pull_a, true).what,
            auth_state::lesson::next::give_up)
      << "a bearer challenge without a realm names no token service";
}

TEST(AuthState, TokenAnswersAsTokenServicesWriteThem) {
  const auto now = clock_type::now();
  auto t = token_from(boost::json::parse(R"({"token":"abc","expires_in":300})"), now);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->value, "abc");
  EXPECT_EQ(t->renew_at, now + 270s) << "90 % of the lifetime";
  auto oauth = token_from(boost::json::parse(R"({"access_token":"xyz"})"), now);  // ACR, GAR: OAuth2 shape
  ASSERT_TRUE(oauth);
  EXPECT_EQ(oauth->value, "xyz");
  EXPECT_EQ(oauth->renew_at, now + 54s) << "60 s when expires_in is missing";
  auto huge = token_from(boost::json::parse(R"({"token":"t","expires_in":9223372036854775807})"), now);
  ASSERT_TRUE(huge) << "a hostile lifetime does not overflow";
  EXPECT_GT(huge->renew_at, now);
  EXPECT_FALSE(token_from(boost::json::parse(R"({"token":""})"), now));
  EXPECT_FALSE(token_from(boost::json::parse(R"([1])"), now));
}

TEST(AuthState, ATokenOutsideRFC6750sGrammarIsRefusedNotSent) {
  const auto now = clock_type::now();
  // Real shapes: a JWT (Docker Hub, Harbor, ACR), GHCR's base64, Google's ya29.…
  for (const char* ok :
       {"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "djE6b2NpbWlycm9yOjE3MDA=", "ya29.a0Af_h-Z~1+/=="}) {
    auto t = token_from(boost::json::value{{"token", ok}}, now);
    EXPECT_TRUE(t) << ok;
  }
  // CR LF would put a header of the token service's choosing into every later registry request.
  for (const char* bad : {"T\r\nX-Injected: yes", "T\nX", "has space", "=abc", "a=b", "\x7f"}) {
    auto t = token_from(boost::json::value{{"token", bad}}, now);
    ASSERT_FALSE(t) << bad;
    EXPECT_NE(t.error().find("RFC 6750"), std::string::npos) << t.error();
    EXPECT_EQ(t.error().find(bad), std::string::npos) << "the token itself is never shown";
  }
}

TEST(AuthState, LifetimesFromOutsideAreClampedSoTokensAreNotFetchedPerRequest) {
  const auto now = clock_type::now();
  for (const char* lifetime : {"0", "-5", "1", "1e300", "-1e300", "0.001", "\"300\"", "null"}) {
    auto t = token_from(boost::json::parse(std::string(R"({"token":"t","expires_in":)") + lifetime + "}"), now);
    ASSERT_TRUE(t) << lifetime;
    EXPECT_GE(t->renew_at, now + 54s) << lifetime << ": at least the spec's 60 s";
    EXPECT_LE(t->renew_at, now + std::chrono::hours(24 * 366)) << lifetime;
  }
}

TEST(RefreshTiming, TenMinutesAheadOrHalfTheLifetimeAndAFloorScaledTheSameWay) {
  using std::chrono::hours;
  using std::chrono::minutes;
  using std::chrono::seconds;
  const auto ecr = refresh_timing_for(hours(12));  // ECR's password
  EXPECT_EQ(ecr.margin, minutes(10));
  EXPECT_EQ(ecr.floor, seconds(60));
  const auto minute = refresh_timing_for(seconds(60));  // a minute-long token: renewed at 30 s, not every request
  EXPECT_EQ(minute.margin, seconds(30));
  EXPECT_EQ(minute.floor, seconds(15));
  const auto absurd = refresh_timing_for(seconds(0));  // an answer claiming it expires now: still a floor
  EXPECT_EQ(absurd.margin, seconds(0));
  EXPECT_EQ(absurd.floor, seconds(5));
  EXPECT_EQ(refresh_timing_for(seconds(-30)).floor, seconds(5));
}
