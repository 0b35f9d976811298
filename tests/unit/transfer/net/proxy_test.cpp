// Proxies as curl chooses them: HTTPS_PROXY / HTTP_PROXY / NO_PROXY in either case, NO_PROXY's suffixes, ports,
// addresses, CIDR blocks and `*` (curl's documented rules, man curl: --noproxy and ENVIRONMENT).
#include "transfer/net/proxy.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace ocimirror::transfer;

namespace {
proxy_settings from(std::map<std::string, std::string> env) {
  auto s = proxy_settings::from_environment([&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
  EXPECT_TRUE(s) << (s ? "" : s.error());
  return s ? *s : proxy_settings{};
}
}  // namespace

TEST(Proxy, UrlsWithCredentialsPortsAndWhatIsRefused) {
  auto p = parse_proxy_url("http://alice:s3cret@Proxy.Corp:3128/");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->host, "proxy.corp");
  EXPECT_EQ(p->port, "3128");
  EXPECT_EQ(p->authorization, "Basic YWxpY2U6czNjcmV0");
  EXPECT_EQ(p->shown, "http://proxy.corp:3128") << "never the credentials";
  EXPECT_EQ(parse_proxy_url("http://10.0.0.1")->port, "1080") << "curl's default proxy port";
  EXPECT_EQ(parse_proxy_url("http://10.0.0.1:")->port, "1080");
  auto bare = parse_proxy_url("proxy.corp:3128");
  ASSERT_TRUE(bare) << "no scheme is http://, as curl reads HTTPS_PROXY=proxy.corp:3128";
  EXPECT_EQ(bare->shown, "http://proxy.corp:3128");
  EXPECT_EQ(parse_proxy_url("bob:pw@proxy.corp:3128")->authorization, "Basic Ym9iOnB3");
  EXPECT_EQ(parse_proxy_url("http://[fd00::1]:8080")->shown, "http://[fd00::1]:8080");
  for (const char* bad : {"socks5://p:1080", "https://p:443", "http://p:3128/path", "not a url", "http://"}) {
    auto r = parse_proxy_url(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().find("s3cret"), std::string::npos);
    }
  }
  auto leak = parse_proxy_url("socks5://alice:s3cret@p:1080");
  ASSERT_FALSE(leak);
  EXPECT_EQ(leak.error().find("s3cret"), std::string::npos) << leak.error();
}

TEST(Proxy, NoProxyNamesSuffixesPortsAddressesBlocksAndStar) {
  EXPECT_TRUE(no_proxy_matches("*", "ghcr.io", "443"));
  EXPECT_TRUE(no_proxy_matches("example.com", "example.com", "443"));
  EXPECT_TRUE(no_proxy_matches("example.com", "registry.example.com", "443"));
  EXPECT_TRUE(no_proxy_matches(".example.com", "registry.example.com", "443"));
  EXPECT_TRUE(no_proxy_matches(".example.com", "example.com", "443"));
  EXPECT_FALSE(no_proxy_matches("example.com", "notexample.com", "443")) << "a suffix ends at a dot";
  EXPECT_TRUE(no_proxy_matches(" Internal.Corp ", "harbor.internal.corp", "443")) << "trimmed, any case";
  EXPECT_TRUE(no_proxy_matches("registry.local:5000", "registry.local", "5000"));
  EXPECT_FALSE(no_proxy_matches("registry.local:5000", "registry.local", "443"));
  EXPECT_TRUE(no_proxy_matches("10.0.0.0/8", "10.1.2.3", "443"));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "11.1.2.3", "443"));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/8", "ten.example", "443")) << "a block matches addresses only";
  EXPECT_TRUE(no_proxy_matches("127.0.0.1", "127.0.0.1", "5000"));
  EXPECT_FALSE(no_proxy_matches("0.0.1", "127.0.0.1", "5000")) << "an address is not a suffix";
  EXPECT_TRUE(no_proxy_matches("::1", "::1", "443"));
  EXPECT_TRUE(no_proxy_matches("[::1]:5000", "::1", "5000"));
  EXPECT_TRUE(no_proxy_matches("fd00::/8", "fd12::7", "443"));
  EXPECT_FALSE(no_proxy_matches("fd00::/8", "10.0.0.1", "443"));
  EXPECT_FALSE(no_proxy_matches("10.0.0.0/99", "10.0.0.1", "443"));
  EXPECT_FALSE(no_proxy_matches("", "ghcr.io", "443"));
}

TEST(Proxy, TheEnvironmentLowerCaseFirstAndEachSchemeItsOwn) {
  auto s = from({{"HTTPS_PROXY", "http://upper:3128"},
                 {"https_proxy", "http://lower:3128"},
                 {"NO_PROXY", "localhost,.internal,10.0.0.0/8"}});
  ASSERT_TRUE(s.https);
  EXPECT_EQ(s.https->host, "lower");
  EXPECT_FALSE(s.http) << "HTTPS_PROXY does not cover http://";
  EXPECT_NE(s.route("ghcr.io", "443", true), nullptr);
  EXPECT_EQ(s.route("ghcr.io", "80", false), nullptr);
  EXPECT_EQ(s.route("harbor.internal", "443", true), nullptr);
  EXPECT_EQ(s.route("10.2.3.4", "443", true), nullptr);
  EXPECT_EQ(s.route("LOCALHOST", "5000", true), nullptr);
  EXPECT_TRUE(from({{"https_proxy", ""}}).https == std::nullopt) << "empty is unset";
  auto bad = proxy_settings::from_environment(
      [](const char* n) -> const char* { return std::string_view(n) == "HTTP_PROXY" ? "ftp://x" : nullptr; });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().rfind("HTTP_PROXY uses ftp://", 0), 0u) << bad.error();
}
