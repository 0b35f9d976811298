// The registry client's response decisions, stepped through what registries answer (../shared/REGISTRIES.md).
#include "transfer/registry/response_step.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;
using act = response_action;

TEST(ResponseStep, CredentialsOnlyToTheRegistrysOwnOrigin) {
  const std::string base = "https://ghcr.io";
  EXPECT_TRUE(credentials_allowed("https://ghcr.io/v2/a/blobs/sha256:x", base));
  EXPECT_TRUE(credentials_allowed("https://GHCR.io:443/v2/", base)) << "default port and case are the same origin";
  // GHCR, Docker Hub and ECR redirect blob GETs to storage (pkg-containers.githubusercontent.com, Cloudflare, S3).
  EXPECT_FALSE(credentials_allowed("https://pkg-containers.githubusercontent.com/ghcr1/blobs/x", base));
  EXPECT_FALSE(credentials_allowed("http://ghcr.io/v2/", base)) << "plain HTTP is another origin";
  EXPECT_FALSE(credentials_allowed("https://ghcr.io:8443/v2/", base));
  EXPECT_FALSE(credentials_allowed("not a url", base));
  EXPECT_FALSE(credentials_allowed("", base));
}

TEST(ResponseStep, SuccessAndRanges) {
  EXPECT_EQ(decide({200}, {}), act::accept);
  EXPECT_EQ(decide({206, true, true, true}, {}), act::accept);
  EXPECT_EQ(decide({206, true, true, false}, {}), act::give_up) << "206 to a request without Range";
  EXPECT_EQ(decide({404}, {}), act::give_up);
  EXPECT_EQ(decide({202}, {}), act::give_up) << "call() hands every other status back to its caller";
}

TEST(ResponseStep, RedirectsAreFollowedOnlyWhereTheCallerFollowsThem) {
  for (unsigned s : {301u, 302u, 303u, 307u, 308u}) {
    EXPECT_EQ(decide({s, true, true}, {}), act::follow_redirect) << s;
    EXPECT_EQ(decide({s, true, false}, {}), act::give_up) << s;
  }
  EXPECT_TRUE(is_redirect(307));
  EXPECT_FALSE(is_redirect(304));
}

TEST(ResponseStep, A401IsAnsweredWithAFreshTokenTwiceAtMostAndNeverOffOrigin) {
  // An expired ECR or GHCR token: the registry answers 401 with a new challenge.
  EXPECT_EQ(decide({401, true}, {0}), act::reauthenticate);
  EXPECT_EQ(decide({401, true}, {1}), act::reauthenticate);
  EXPECT_EQ(decide({401, true}, {2}), act::give_up) << "a registry that refuses every token";
  EXPECT_EQ(decide({401, true}, {0, false}), act::reauthenticate) << "a fresh token is not a retry of a failure";
  EXPECT_EQ(decide({401, false, true}, {}), act::give_up) << "a storage host's 401 gets no credentials";
  EXPECT_EQ(decide({401, true, false, false, true}, {}), act::give_up) << "the token service gave nothing new";
  EXPECT_EQ(decide({403, true}, {}), act::give_up) << "denied is not fixed by asking again";
}

TEST(ResponseStep, ThrottlingAnd5xxBackOffWithinTheBudget) {
  for (unsigned s : {408u, 429u, 500u, 502u, 503u, 504u}) {
    EXPECT_EQ(decide({s}, {0, true}), act::back_off) << s;
    EXPECT_EQ(decide({s}, {0, false}), act::give_up) << s << ": the budget (or one around it) is spent";
  }
  EXPECT_EQ(decide({501}, {}), act::give_up) << "not implemented stays so";
}

TEST(ResponseStep, ARegistrysErrorBodyIsToldFromAWebServersPage) {
  EXPECT_TRUE(is_registry_error_body(R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]})"));
  EXPECT_TRUE(is_registry_error_body(R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})"));
  for (const char* page : {"", "<html><body>Not Found</body></html>", "404 page not found\n", "{}", R"({"errors":[]})",
                           R"({"errors":"nope"})", R"({"message":"Not Found"})", "[1,2]"})
    EXPECT_FALSE(is_registry_error_body(page)) << page;
}
