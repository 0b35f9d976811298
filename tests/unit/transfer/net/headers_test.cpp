#include "transfer/net/headers.hpp"
#include "transfer/oci/errors.hpp"

#include <gtest/gtest.h>

#include <set>

using namespace ocimirror::transfer;

TEST(WwwAuthenticate, BearerWithScopeAndError) {
  auto c = parse_www_authenticate(
      R"(Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push",error="insufficient_scope")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].param("realm"), "https://auth.example.com/token");
  EXPECT_EQ(c[0].param("service"), "registry.example.com");
  EXPECT_EQ(c[0].param("scope"), "repository:a/b:pull,push");
  EXPECT_EQ(c[0].param("error"), "insufficient_scope");
}

TEST(WwwAuthenticate, SeveralChallengesAndQuoting) {
  auto c = parse_www_authenticate(R"(Basic realm="a \"quoted\" realm", Bearer realm=https://x/token, service=svc)");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].param("realm"), "a \"quoted\" realm");
  EXPECT_EQ(c[1].param("service"), "svc");
}

TEST(WwwAuthenticate, GarbageNeverThrows) {
  for (std::string s : {"", "=", "\"", "Bearer realm=\"unterminated", ",,,", "Bearer ===", "\x01\x02"})
    EXPECT_NO_THROW(parse_www_authenticate(s));
}

TEST(Link, NextPage) {
  EXPECT_EQ(parse_next_link(R"(</v2/_catalog?last=b&n=2>; rel="next")").value(), "/v2/_catalog?last=b&n=2");
  EXPECT_EQ(parse_next_link(R"(<https://x/prev>; rel="prev", <https://x/next>; rel="next")").value(), "https://x/next");
  EXPECT_FALSE(parse_next_link(""));
  EXPECT_FALSE(parse_next_link("<unterminated"));
}

TEST(Location, ResolvesRelativeAndAbsolute) {
  EXPECT_EQ(resolve_url("http://127.0.0.1:5000/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/123?_state=x"),
            "http://127.0.0.1:5000/v2/a/blobs/uploads/123?_state=x");
  EXPECT_EQ(resolve_url("https://r.example/v2/", "https://s3.example/bucket/x"), "https://s3.example/bucket/x");
}

TEST(Origin, NormalisesPorts) {
  EXPECT_EQ(url_origin("https://Registry.Example/v2/"), "https://registry.example:443");
  EXPECT_EQ(url_origin("http://127.0.0.1:5000/x"), "http://127.0.0.1:5000");
  EXPECT_NE(url_origin("https://registry.example/"), url_origin("https://storage.example/"));
}

TEST(RegistryErrors, BodyToMessage) {
  EXPECT_EQ(describe_registry_error(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"),
            "MANIFEST_UNKNOWN: manifest unknown");
  EXPECT_EQ(describe_registry_error(502, "<html>bad gateway</html>"), "HTTP 502 Bad Gateway");
  EXPECT_EQ(errc_from_status(401), errc::unauthorized);
  EXPECT_EQ(errc_from_status(503), errc::server_error);
}

TEST(Errors, EveryKindHasItsOwnStableName) {
  std::set<std::string_view> names;
  for (int k = 0; k <= static_cast<int>(errc::cancelled); ++k) {
    const auto n = errc_name(static_cast<errc>(k));
    EXPECT_NE(n, "unknown") << k;
    EXPECT_TRUE(names.insert(n).second) << n;
  }
  EXPECT_EQ(errc_name(errc::digest_mismatch), "digest_mismatch");
}
