#include "transfer/oci/layout_index.hpp"
#include "transfer/endpoint/layout.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;

namespace {
descriptor manifest_desc(char c) {
  descriptor d;
  d.media_type = std::string(media::oci_manifest);
  d.digest = "sha256:" + std::string(64, c);
  d.size = 100;
  return d;
}
}  // namespace

TEST(LayoutIndex, ManyRepositoriesInOneIndexRenderedDeterministically) {
  layout_index a;
  a.set("acme/web", "v2", manifest_desc('2'));
  a.set("acme/app", "v1", manifest_desc('1'));
  a.set("acme/app", "v1", manifest_desc('3'));  // moved
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.find("acme/app", "v1")->digest, manifest_desc('3').digest);
  EXPECT_EQ(a.repositories(), (std::vector<std::string>{"acme/app", "acme/web"}));
  EXPECT_EQ(a.tags("acme/web"), std::vector<std::string>{"v2"});
  layout_index b;
  b.set("acme/app", "v1", manifest_desc('3'));
  b.set("acme/web", "v2", manifest_desc('2'));
  EXPECT_EQ(a.render(), b.render()) << "same content, same bytes";
  auto back = layout_index::parse(a.render());
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->render(), a.render());
  EXPECT_NE(a.render().find(R"("org.opencontainers.image.ref.name":"acme/app:v1")"), std::string::npos);
  EXPECT_TRUE(a.remove("acme/web", "v2"));
  EXPECT_FALSE(a.find("acme/web", "v2"));
}

TEST(LayoutIndex, BareNamesAndForeignEntriesAreKept) {
  const std::string d = "sha256:" + std::string(64, 'a');
  auto idx = layout_index::parse(R"({"schemaVersion":2,"manifests":[
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                                 d + R"(","size":5,
     "annotations":{"org.opencontainers.image.ref.name":"v1","x":"y"}},
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                                 d + R"(","size":5}]})");
  ASSERT_TRUE(idx) << idx.error();
  EXPECT_EQ(idx->find("", "v1")->digest, d);
  EXPECT_TRUE(idx->repositories().empty());
  EXPECT_NE(idx->render().find(R"("x":"y")"), std::string::npos);
  EXPECT_EQ(idx->size(), 2u);
}

TEST(LayoutIndex, EntriesThatAreNotManifestsAreRefused) {
  auto bad = layout_index::parse(
      R"({"schemaVersion":2,"manifests":[{"mediaType":"application/octet-stream","digest":"sha256:)" +
      std::string(64, 'b') + R"(","size":1}]})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("not a manifest"), std::string::npos) << bad.error();
  EXPECT_FALSE(layout_index::parse(R"({"schemaVersion":2,"manifests":[{"digest":"sha256:../../etc","size":1}]})"));
}

TEST(LayoutRef, PathEndsAtTheFirstColonAndRefIsRepoColonTag) {
  auto r = parse_layout_ref("oci:/tmp/l:acme/app:v1");
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->path, "/tmp/l");
  EXPECT_EQ((*r)->repository, "acme/app");
  EXPECT_EQ((*r)->tag, "v1");
  EXPECT_EQ((*r)->str(), "oci:/tmp/l:acme/app:v1");
  auto a = parse_layout_ref("oci-archive:b.tar");
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->kind, layout_ref::archive);
  EXPECT_TRUE((*a)->tag.empty());
  EXPECT_EQ((*parse_layout_ref("oci:d:v1"))->tag, "v1");
  EXPECT_FALSE(parse_layout_ref("ghcr.io/x"));
  EXPECT_FALSE(*parse_layout_ref("oci:"));
  EXPECT_FALSE(*parse_layout_ref("oci:d:Bad Repo:v1"));
}

TEST(LayoutRef, DigestSelectsAnEntry) {
  const std::string d = "sha256:" + std::string(64, 'c');
  auto r = parse_layout_ref("oci:/tmp/l@" + d);
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->path, "/tmp/l");
  EXPECT_EQ((*r)->digest, d);
  EXPECT_TRUE((*r)->tag.empty());
  EXPECT_EQ((*r)->str(), "oci:/tmp/l@" + d);
  auto both = parse_layout_ref("oci-archive:x.tar:app:v1@" + d);
  ASSERT_TRUE(both && *both);
  EXPECT_EQ((*both)->tag, "v1");
  EXPECT_EQ((*both)->digest, d);
  EXPECT_FALSE(*parse_layout_ref("oci:/tmp/l@sha256:short"));
}

TEST(LayoutIndex, OnlyEntryIsTheSingleOneNamedOrNotElseAnErrorListingThem) {
  const std::string a = "sha256:" + std::string(64, 'a'), b = "sha256:" + std::string(64, 'b');
  // What `skopeo copy ... oci:DIR` writes: one entry without a ref name.
  auto unnamed = layout_index::parse(R"({"schemaVersion":2,"manifests":[
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                                     a + R"(","size":5}]})");
  ASSERT_TRUE(unnamed);
  auto one = only_entry(*unnamed, "oci:d");
  ASSERT_TRUE(one) << one.error();
  EXPECT_EQ(one->target.digest, a);
  EXPECT_TRUE(one->ref_name.empty());
  EXPECT_EQ(unnamed->unmappable(), std::vector<std::string>{a + " (no org.opencontainers.image.ref.name)"});
  auto two = layout_index::parse(R"({"schemaVersion":2,"manifests":[
    {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                                 a + R"(","size":5},
    {"mediaType":"application/vnd.oci.image.index.v1+json","digest":")" +
                                 b + R"(","size":5,
     "annotations":{"org.opencontainers.image.ref.name":"v1.0.0"}}]})");
  ASSERT_TRUE(two);
  auto which = only_entry(*two, "oci:d");
  ASSERT_FALSE(which);
  EXPECT_NE(which.error().find("holds 2 images"), std::string::npos) << which.error();
  EXPECT_NE(which.error().find("(no name) " + a), std::string::npos) << which.error();
  EXPECT_NE(which.error().find("v1.0.0"), std::string::npos) << which.error();
  EXPECT_FALSE(only_entry(layout_index{}, "oci:d"));
}

TEST(LayoutIndex, RefNamesThatAreNotRepoAndTagNeverBecomeNames) {
  const std::string a = "sha256:" + std::string(64, 'a');
  auto entry = [&](const std::string& name) {
    return R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + a +
           R"(","size":5,"annotations":{"org.opencontainers.image.ref.name":")" + name + R"("}})";
  };
  auto idx = layout_index::parse(R"({"schemaVersion":2,"manifests":[)" + entry("../../victim:v1") + "," +
                                 entry("ok/app:v1") + "," + entry("latest") + "," + entry("app:bad tag") + "]}");
  ASSERT_TRUE(idx) << idx.error();
  EXPECT_EQ(idx->repositories(), std::vector<std::string>{"ok/app"});
  EXPECT_EQ(idx->tags(""), std::vector<std::string>{"latest"});
  const auto odd = idx->unmappable();
  ASSERT_EQ(odd.size(), 2u);
  EXPECT_NE(odd[0].find("'../../victim:v1' is not a valid [REPO:]TAG"), std::string::npos) << odd[0];
}
