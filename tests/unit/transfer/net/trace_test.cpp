#include "transfer/net/trace.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trace = ocimirror::transfer::trace;

TEST(Trace, UrlsLoseUserinfoQueryAndFragment) {
  EXPECT_EQ(trace::redact_url("https://reg.example/v2/a/blobs/uploads/abc?_state=SECRET&digest=sha256:1"),
            "https://reg.example/v2/a/blobs/uploads/abc");
  EXPECT_EQ(trace::redact_url("https://user:pass@s3.example:443/bucket/key?X-Amz-Signature=SIG#frag"),
            "https://s3.example:443/bucket/key");
  EXPECT_EQ(trace::redact_url("http://127.0.0.1:5000"), "http://127.0.0.1:5000");
  EXPECT_EQ(trace::redact_url("http://h?only=query"), "http://h");
}

TEST(Trace, OffUntilASinkIsInstalled) {
  std::vector<std::string> seen;
  EXPECT_FALSE(trace::enabled());
  trace::emit("ignored", {});
  trace::install([&](std::string_view event, const boost::json::object&) { seen.emplace_back(event); });
  EXPECT_TRUE(trace::enabled());
  trace::emit("http", {{"status", 200}});
  trace::install({});
  trace::emit("after", {});
  EXPECT_EQ(seen, std::vector<std::string>{"http"});
}
