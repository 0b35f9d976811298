#include "transfer/oci/reference.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;

namespace {
const std::string hex64(64, 'a');
}

TEST(Reference, ParsesHostPortRepoTag) {
  auto r = parse_reference("localhost:5000/acme/app:v1.2.3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->registry, "localhost:5000");
  EXPECT_EQ(r->repository, "acme/app");
  EXPECT_EQ(r->tag, "v1.2.3");
  EXPECT_EQ(r->digest, "");
  EXPECT_EQ(r->target(), "v1.2.3");
  EXPECT_EQ(r->str(), "localhost:5000/acme/app:v1.2.3");
}

TEST(Reference, DigestWinsOverTag) {
  auto r = parse_reference("ghcr.io/acme/app:v1@sha256:" + hex64);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tag, "v1");
  EXPECT_EQ(r->target(), "sha256:" + hex64);
}

TEST(Reference, CosignTagsAreTags) {
  auto r = parse_reference("127.0.0.1:5000/app:sha256-" + hex64 + ".sig");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tag, "sha256-" + hex64 + ".sig");
}

TEST(Reference, DockerHubNamesGainLibrary) {
  auto r = parse_reference("docker.io/alpine:3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->repository, "library/alpine");
  EXPECT_EQ(r->api_host(), "registry-1.docker.io");
}

TEST(Reference, DockerHubNameTooLongOnceLibraryIsAddedIsRefused) {  // found by fuzz_reference
  const std::string name(250, 'a');
  EXPECT_TRUE(parse_reference("example.com/" + name + ":v1"));
  auto r = parse_reference("docker.io/" + name + ":v1");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("longer than 255"), std::string::npos) << r.error().what;
}

TEST(Reference, Ipv6Host) {
  auto r = parse_reference("[::1]:5000/app:v1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->registry, "[::1]:5000");
}

TEST(Reference, RejectsWhatIsNotAReference) {
  for (const std::string& bad : std::vector<std::string>{
           "alpine", "localhost:5000/", "localhost:5000/App", "localhost:5000/a//b",
           "localhost:5000/a:", "localhost:5000/a:-x", "localhost:5000/a@sha256:abc", "localhost:5000/a@md5:" + hex64,
           "local host/a", "host:99x/a", "localhost:5000/a_-b", "localhost:5000/a:" + std::string(129, 'x'),
           "localhost:5000/a@sha256:" + std::string(64, 'A')}) {
    auto r = parse_reference(bad);
    EXPECT_FALSE(r) << bad;
  }
}

TEST(Reference, ErrorsSayWhatIsWrong) {
  auto r = parse_reference("alpine");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what.find("registry host is required"), std::string::npos);
  auto d = parse_reference("h/a@sha512:" + hex64);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, errc::bad_digest);
}

TEST(Reference, RepositoryGrammar) {
  EXPECT_TRUE(is_valid_repository("a"));
  EXPECT_TRUE(is_valid_repository("a.b_c__d--e/f"));
  EXPECT_FALSE(is_valid_repository("a___b"));
  EXPECT_FALSE(is_valid_repository("-a"));
  EXPECT_FALSE(is_valid_repository("a/"));
  EXPECT_FALSE(is_valid_repository("../etc"));
}

TEST(Reference, RepositoryOnly) {
  EXPECT_TRUE(parse_repository("localhost:5000/a/b"));
  EXPECT_FALSE(parse_repository("localhost:5000/a/b:v1"));
}
